#!/usr/bin/env bash
# The import rules of the tree (README.md, "Layout"): the queue engine
# imports nothing of the others, devices know neither the queue nor HTTP,
# the dossier packages stand without the queue, and of a center's components
# the hub's store knows only the queue. Prints each broken rule and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
deny() { # deny PACKAGES... -- FORBIDDEN_REGEX WHY
  local pkgs=() ; while [ "$1" != "--" ]; do pkgs+=("$1"); shift; done; shift
  local re=$1 why=$2 bad
  bad=$(go list -deps "${pkgs[@]}" | grep -E "$re" || true)
  if [ -n "$bad" ]; then
    echo "check-imports: ${pkgs[*]} must not depend on: $why"
    echo "$bad" | sed 's/^/  /'
    fail=1
  fi
}
deny ./queue -- '^motcua/(devices|display|kiosk|province|cmd)(/|$)' "the other components (queue imports nothing of them)"
deny ./devices/... -- '^motcua/(queue|display|kiosk|province|cmd)(/|$)' "the queue, the screens or the kiosk"
deny ./devices/... -- '^(net/http|github.com/gin-gonic/gin)$' "HTTP (devices know no HTTP)"
deny ./kiosk/dossier/... -- '^motcua/(queue|cmd)(/|$)' "the queue"
deny ./province/... -- '^motcua/(devices|display|kiosk|cmd)(/|$)' "a center's components other than the queue (the province knows a center by the wire)"
exit $fail

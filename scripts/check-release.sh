#!/usr/bin/env bash
# What `make build` promises (docs/operations.md, Install): a static binary
# under 48 MB (the center and, since issue 13, the province hub with its
# embedded NATS server and PostgreSQL driver: 45 MB in December 2026), and a repository that tracks no binary over 1 MB. Builds the
# release binary into a temporary directory with the Makefile's flags.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((48 * 1000 * 1000))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make --no-print-directory -s build BIN="$tmp/motcua" >/dev/null
size=$(stat -c %s "$tmp/motcua")
fail=0
if [ "$size" -ge "$limit" ]; then
  echo "check-release: bin/motcua is $size bytes, over the 48 MB budget"
  fail=1
fi
# A dynamically linked ELF names its loader in a PT_INTERP program header.
if LC_ALL=C readelf -lW "$tmp/motcua" 2>/dev/null | grep -q 'INTERP'; then
  echo "check-release: bin/motcua is dynamically linked (build with CGO_ENABLED=0)"
  fail=1
fi
big=$(git ls-files -z | xargs -0 -r stat -c '%s %n' 2>/dev/null | awk '$1 > 1048576 {print "  " $2 " (" $1 " bytes)"}')
if [ -n "$big" ]; then
  echo "check-release: files over 1 MB are tracked in git (build output does not belong there):"
  echo "$big"
  fail=1
fi
[ $fail -eq 0 ] && echo "check-release: static binary, $size bytes; no tracked file over 1 MB"
exit $fail

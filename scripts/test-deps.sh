#!/usr/bin/env bash
# Installs the Debian tools the test suite drives (pseudo-terminals, barcode
# reader, browser, speech) when they are missing. Needs root, as on CI.
set -euo pipefail
need=()
command -v socat     >/dev/null || need+=(socat)
command -v zbarimg   >/dev/null || need+=(zbar-tools)
command -v chromium  >/dev/null || need+=(chromium)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
[ ${#need[@]} -eq 0 ] && exit 0
echo "test-deps: installing ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps: not root; install ${need[*]} by hand" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

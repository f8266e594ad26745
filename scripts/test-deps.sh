#!/usr/bin/env bash
# Installs the Debian tools the test suite drives (pseudo-terminals, barcode
# reader, browser, speech, PostgreSQL) when they are missing. Needs root, as on CI.
set -euo pipefail
need=()
command -v socat     >/dev/null || need+=(socat)
command -v zbarimg   >/dev/null || need+=(zbar-tools)
command -v chromium  >/dev/null || need+=(chromium)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v npm       >/dev/null || need+=(npm)
command -v readelf   >/dev/null || need+=(binutils)
# The hub's store tests start a private PostgreSQL (internal/pgtest) when
# none answers on 127.0.0.1:5432.
if ! command -v initdb >/dev/null && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  need+=(postgresql)
fi

# axe-core, the accessibility checker the browser tests inject into each
# page, goes to a cache directory, never into the repository.
install_axe() {
  local dir="${MOTCUA_AXE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/motcua/axe}"
  [ -f "$dir/node_modules/axe-core/axe.min.js" ] && return 0
  echo "test-deps: installing axe-core into $dir"
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" axe-core@4 >/dev/null
}

if [ ${#need[@]} -eq 0 ]; then
  install_axe
  exit 0
fi
echo "test-deps: installing ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps: not root; install ${need[*]} by hand" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
install_axe

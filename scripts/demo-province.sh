#!/usr/bin/env bash
# make demo-province: the demo province on this machine, a hub
# (configs/province/hub.yaml) and three demo centers (c1.yaml, c2.yaml,
# c3.yaml). PostgreSQL: $MOTCUA_PG_URL when set; else the server on
# 127.0.0.1:5432 when it answers (database motcua_demo, made if missing);
# else a private cluster in data-province/pg on 127.0.0.1:5499, started here
# and stopped on Ctrl-C. Everything else lives in data-province/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/motcua}
GO=${GO:-go}
DATA=data-province
mkdir -p "$DATA" bin
$GO build -o "$BIN" ./cmd/motcua

pids=()
pg_private=""
cleanup() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$pg_private" ]; then
    run_pg pg_ctl -D "$pg_private" -m fast stop >/dev/null 2>&1 || true
  fi
}
trap cleanup INT TERM EXIT

pg_bin() {
  command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -1
}
# PostgreSQL will not run as root: as root, its tools run as nobody.
run_pg() {
  local tool; tool=$(pg_bin "$1"); shift
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$tool" "$@"
  else
    "$tool" "$@"
  fi
}

if [ -z "${MOTCUA_PG_URL:-}" ]; then
  if psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc "select 1 from pg_database where datname = 'motcua_demo'" | grep -q 1 ||
      psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -qc 'CREATE DATABASE motcua_demo' >/dev/null
    export MOTCUA_PG_URL="postgres://postgres@127.0.0.1:5432/motcua_demo"
  else
    if [ -z "$(pg_bin initdb)" ]; then
      echo "demo-province: no PostgreSQL answers on 127.0.0.1:5432 and initdb is not installed (apt-get install postgresql)" >&2
      exit 1
    fi
    pg_private="$(pwd)/$DATA/pg"
    if [ ! -d "$pg_private" ]; then
      mkdir -p "$pg_private"
      [ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$pg_private"
      run_pg initdb -D "$pg_private" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
    fi
    run_pg pg_ctl -D "$pg_private" -l "$pg_private/postgres.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p 5499 -k $pg_private" start >/dev/null
    psql -h 127.0.0.1 -p 5499 -U postgres -d postgres -Atqc "select 1 from pg_database where datname = 'motcua_demo'" | grep -q 1 ||
      psql -h 127.0.0.1 -p 5499 -U postgres -d postgres -qc 'CREATE DATABASE motcua_demo' >/dev/null
    export MOTCUA_PG_URL="postgres://postgres@127.0.0.1:5499/motcua_demo"
  fi
fi
echo "demo-province: PostgreSQL $MOTCUA_PG_URL"

"$BIN" hub --config configs/province/hub.yaml 2>"$DATA/hub.log" &
pids+=($!)
for _ in $(seq 100); do
  curl -fs http://127.0.0.1:8090/healthz >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs http://127.0.0.1:8090/healthz >/dev/null || { echo "demo-province: the hub did not start:"; cat "$DATA/hub.log"; exit 1; }
for c in c1 c2 c3; do
  "$BIN" serve --config configs/province/$c.yaml 2>"$DATA/$c.log" &
  pids+=($!)
done
sleep 2
cat <<TXT
demo-province: running (Ctrl-C stops everything; logs in $DATA/*.log)
  the province hub   http://127.0.0.1:8090/        quantri / demo (giamdoc1 / demo: center c1 only)
  center c1          http://127.0.0.1:8081/kiosk   console http://127.0.0.1:8081/console (canbo1 / demo)
  center c2          http://127.0.0.1:8082/kiosk
  center c3          http://127.0.0.1:8083/kiosk
TXT
wait -n "${pids[@]}" || true
echo "demo-province: a process stopped; see $DATA/*.log" >&2

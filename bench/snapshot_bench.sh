#!/bin/sh
# How long `serve --cassandra` takes to refresh its local copy of the keyspace: `userstream store` as the cluster,
# N users processed into it through CQL, then `serve --cassandra` refreshing every second; prints the refresh times.
# Usage: bench/snapshot_bench.sh [USERS] (default 100000); run from the package root after a release build.
set -eu
USERS=${1:-100000}
BIN=${USERSTREAM:-./.build/release/userstream}
DIR=$(mktemp -d)
CQL_PORT=${CQL_PORT:-19042}
HTTP_PORT=${HTTP_PORT:-18080}
PIDS=""
cleanup() { [ -z "$PIDS" ] || kill $PIDS 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT

"$BIN" store --port "$CQL_PORT" --data-dir "$DIR/node" --log-level warning &
PIDS="$PIDS $!"
# Until the store listens (a debug build on a busy machine takes a few seconds).
for _ in $(seq 1 300); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $CQL_PORT), 1).close()" 2>/dev/null && break
  sleep 0.1
done
"$BIN" ingest --source synthetic --seed 7 --count "$USERS" --rate 0 --batch-size 5000 --data-dir "$DIR/pipeline" \
  --log-level warning >/dev/null
start=$(date +%s.%N)
"$BIN" process --cassandra "127.0.0.1:$CQL_PORT" --until-idle --data-dir "$DIR/pipeline" --log-level warning
end=$(date +%s.%N)
echo "processed $USERS users into the CQL store in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s"

"$BIN" serve --cassandra "127.0.0.1:$CQL_PORT" --snapshot-interval 1s --port "$HTTP_PORT" --data-dir "$DIR/serve" \
  --log-level debug 2>"$DIR/serve.log" &
PIDS="$PIDS $!"
for _ in $(seq 1 120); do
  refreshed=$(grep -c cassandra.snapshot.refreshed "$DIR/serve.log" 2>/dev/null || true)
  [ "${refreshed:-0}" -ge 4 ] && break
  sleep 1
done
echo "refreshes of the local copy (rows per table, duration):"
grep cassandra.snapshot.refreshed "$DIR/serve.log" | sed -e 's/.*duration=\([0-9.]*\) seconds rows=\(\[[^]]*\]\).*/\1 s \2/' | head -4
curl -s "http://127.0.0.1:$HTTP_PORT/api/summary" | head -c 300; echo

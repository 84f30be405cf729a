#!/bin/bash
# CPU cost of single-row prepared INSERTs through the DataStax Python driver against `userstream store`:
# rows/s, the server's CPU per row and each client process's CPU per request (128 requests in flight per client).
#
#   bench/cql_cpu.sh [USERSTREAM] [ROWS] [CLIENTS] [PYTHON]
#   bench/cql_cpu.sh .build/release/userstream 40000 2 .venv-interop/bin/python
set -euo pipefail
BIN=${1:-.build/release/userstream}
ROWS=${2:-40000}
CLIENTS=${3:-2}
PY=${4:-.venv-interop/bin/python}
D=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null && wait $PID 2>/dev/null; rm -rf "$D"' EXIT
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" store --port "$PORT" --data-dir "$D/data" --log-level warning &
PID=$!
"$PY" - "$PORT" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
        break
    except OSError:
        time.sleep(0.1)
PY
cat > "$D/client.py" <<'PY'
import os, sys, time, uuid
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args

port, n = int(sys.argv[1]), int(sys.argv[2])
cluster = Cluster(["127.0.0.1"], port=port, protocol_version=4)
session = cluster.connect()
insert = session.prepare(
    "INSERT INTO spark_streams.created_users (id, first_name, last_name, gender, address, post_code, email, "
    "username, dob, registered_date, phone, picture, nat, country, city, state, age, latitude, longitude, cell, "
    "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
rows = [
    (uuid.uuid4(), "F", "L", "female", "1 Main", "10000", "e@x", "u", "1990-01-01T00:00:00.000Z",
     "2010-01-01T00:00:00.000Z", "555", "https://x/1.jpg", "US", "United States", "S", "O", 30, 44.0, -123.0, "556",
     "2026-11-21T12:00:00.000Z")
    for _ in range(n)
]
c0, t0 = os.times(), time.perf_counter()
execute_concurrent_with_args(session, insert, rows, concurrency=128, raise_on_first_error=True)
elapsed, c1 = time.perf_counter() - t0, os.times()
user, system = c1.user - c0.user, c1.system - c0.system
print(f"client: {n / elapsed:,.0f} rows/s; client CPU {(user + system) / n * 1e6:.0f} us/request "
      f"(user {user / n * 1e6:.0f}, sys {system / n * 1e6:.0f})")
cluster.shutdown()
PY
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
C0=$(cpu)
T0=$(date +%s.%N)
CP=()
for _ in $(seq "$CLIENTS"); do
    "$PY" "$D/client.py" "$PORT" $((ROWS / CLIENTS)) &
    CP+=($!)
done
wait "${CP[@]}"
T1=$(date +%s.%N)
C1=$(cpu)
TICKS=$(getconf CLK_TCK)
"$PY" -c "
rows = $ROWS; cpu = ($C1 - $C0) / $TICKS; wall = $T1 - $T0
print(f'total {rows / wall:,.0f} rows/s (client start-up included); server CPU {cpu:.2f} s = {cpu / rows * 1e6:.0f} us/row; wall {wall:.1f} s')"

"""CQL benchmark: concurrent prepared inserts of user rows into spark_streams.created_users through the DataStax
Python driver against `userstream store` (release build, the store's durable defaults), then a full read back.

    make bench-cql                        # 100,000 rows, 128 concurrent requests
    python bench/cql_bench.py --userstream .build/release/userstream --rows 100000 --concurrency 128
"""
import argparse
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import BatchStatement, BatchType

parser = argparse.ArgumentParser()
parser.add_argument("--userstream", default=".build/release/userstream")
parser.add_argument("--rows", type=int, default=100_000)
parser.add_argument("--concurrency", type=int, default=128)
parser.add_argument("--host", help="an already running server (host:port) instead of starting one")
parser.add_argument("--batch", type=int, default=50, help="rows per unlogged batch in the second measurement")
parser.add_argument("--cql-bench", default=".build/release/cql-bench", help="our client's benchmark (bench/CQLBench)")
args = parser.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


data = None
server = None
if args.host:
    host, port = args.host.rsplit(":", 1)
    port = int(port)
else:
    data = tempfile.mkdtemp(prefix="userstream-cql-bench-")
    host, port = "127.0.0.1", free_port()
    server = subprocess.Popen([args.userstream, "store", "--port", str(port), "--data-dir", data, "--log-level", "warning"])
    for _ in range(100):
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
try:
    cluster = Cluster([host], port=port, protocol_version=4)
    session = cluster.connect()
    insert = session.prepare(
        "INSERT INTO spark_streams.created_users (id, first_name, last_name, gender, address, post_code, email, "
        "username, dob, registered_date, phone, picture, nat, country, city, state, age, latitude, longitude, cell, "
        "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    rows = [
        (uuid.uuid4(), f"First{i}", f"Last{i}", "female" if i % 2 else "male",
         f"{i} Main Street, Springfield, Oregon, United States", f"{10000 + i % 90000}", f"user{i}@example.com",
         f"user{i}", "1990-01-01T00:00:00.000Z", "2010-01-01T00:00:00.000Z", "(555) 010-0000",
         "https://randomuser.me/api/portraits/women/1.jpg", "US", "United States", "Springfield", "Oregon",
         20 + i % 60, 44.05, -123.02, "(555) 010-0001", "2026-11-21T12:00:00.000Z")
        for i in range(args.rows)
    ]
    start = time.perf_counter()
    results = execute_concurrent_with_args(session, insert, rows, concurrency=args.concurrency, raise_on_first_error=True)
    elapsed = time.perf_counter() - start
    assert all(ok for ok, _ in results)
    print(f"\n{args.rows:,} prepared INSERTs, concurrency {args.concurrency}, cassandra-driver "
          f"{__import__('cassandra').__version__}")
    print(f"  insert: {args.rows / elapsed:12,.0f} rows/s  ({elapsed:.2f} s)")

    # The same rows again (new ids) in unlogged batches of prepared inserts, batches sent concurrently.
    batches = []
    for offset in range(0, len(rows), args.batch):
        batch = BatchStatement(batch_type=BatchType.UNLOGGED)
        for row in rows[offset:offset + args.batch]:
            batch.add(insert, (uuid.uuid4(),) + row[1:])
        batches.append((batch,))
    start = time.perf_counter()
    futures = [session.execute_async(b[0]) for b in batches[:args.concurrency]]
    next_batch = len(futures)
    done = 0
    while futures:
        futures.pop(0).result()
        done += 1
        if next_batch < len(batches):
            futures.append(session.execute_async(batches[next_batch][0]))
            next_batch += 1
    elapsed = time.perf_counter() - start
    print(f"  insert in unlogged batches of {args.batch}: {args.rows / elapsed:12,.0f} rows/s  ({elapsed:.2f} s)")

    start = time.perf_counter()
    count = sum(1 for _ in session.execute("SELECT id FROM spark_streams.created_users"))
    elapsed = time.perf_counter() - start
    assert count >= 2 * args.rows, count
    print(f"  read back (paged SELECT): {count / elapsed:12,.0f} rows/s  ({elapsed:.2f} s)")
    cluster.shutdown()

    # The same through our own client (CQLClient), into the same server.
    out = subprocess.run([args.cql_bench, f"{host}:{port}", str(args.rows), str(args.concurrency), str(args.batch)],
                         check=True, capture_output=True, text=True).stdout.split("\n")
    print(f"\n{args.rows:,} prepared INSERTs, concurrency {args.concurrency}, our CQLClient")
    for line in out:
        if line:
            label, _, seconds, rate = line.split()
            name = "insert" if label == "single" else f"insert in unlogged batches of {args.batch}"
            print(f"  {name}: {int(rate):12,d} rows/s  ({float(seconds):.2f} s)")
finally:
    if server:
        server.terminate()
        server.wait(timeout=30)
    if data:
        shutil.rmtree(data, ignore_errors=True)

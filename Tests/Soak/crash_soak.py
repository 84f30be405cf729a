"""Crash soak (`make soak`): `userstream run` with the synthetic source at full speed, SIGKILLed at random moments
while it ingests and processes, restarted each time; then the checks of what must hold after any crash:

- every user in the log's `users_created` is stored exactly once, and nothing else is stored;
- the per-minute aggregates equal the rows (total, gender, nat);
- every run reconciles: produced = stored + duplicates + dead-lettered by the processor, and produced is what the log
  holds for that run;
- every batch in the log passes its CRC-32C (read back through `userstream broker` by librdkafka with check.crcs).

Then torn writes: copies of the log with a segment cut at a random byte must open, recover to the last whole batch
before the cut, and serve exactly the records before it.

    python Tests/Soak/crash_soak.py --userstream .build/release/userstream [--kills 100] [--cuts 20] [--seed N]

Exit status 1 with every mismatch listed when something does not hold.
"""
import argparse
import csv
import io
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, TopicPartition

parser = argparse.ArgumentParser()
parser.add_argument("--userstream", default=".build/release/userstream")
parser.add_argument("--kills", type=int, default=100)
parser.add_argument("--cuts", type=int, default=20)
parser.add_argument("--seed", type=int, default=int(time.time()))
parser.add_argument("--keep", action="store_true", help="keep the data directory")
args = parser.parse_args()
rng = random.Random(args.seed)
problems = []
root = tempfile.mkdtemp(prefix="userstream-soak-")
data = os.path.join(root, "data")
print(f"crash soak: seed {args.seed}, {args.kills} kills, data in {data}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def userstream(*arguments, check=True):
    done = subprocess.run([args.userstream, *arguments, "--log-level", "warning"], capture_output=True, text=True)
    if check and done.returncode != 0:
        sys.exit(f"soak: userstream {' '.join(arguments)} failed ({done.returncode}): {done.stderr[-3000:]}")
    return done


def query_rows(sql, data_dir):
    out = userstream("query", sql, "--format", "csv", "--limit", "100000000", "--data-dir", data_dir).stdout
    return list(csv.reader(io.StringIO(out)))[1:]


def read_log(data_dir, topic="users_created"):
    """Every record of `topic` through `userstream broker` (librdkafka checks each batch's CRC): partition → [(offset,
    run id, user id)]."""
    port = free_port()
    broker = subprocess.Popen([args.userstream, "broker", "--port", str(port), "--data-dir", data_dir,
                               "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        consumer = Consumer({"bootstrap.servers": f"127.0.0.1:{port}", "group.id": "soak-check", "check.crcs": True,
                             "enable.auto.commit": False, "fetch.max.bytes": 52428800})
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = sorted(metadata.topics[topic].partitions)
        records = {p: [] for p in partitions}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            if high <= low:
                continue
            consumer.assign([TopicPartition(topic, p, low)])
            last_progress = time.perf_counter()
            while True:
                # consume() waits for all of num_messages or the timeout: short timeouts, and a bound on no progress.
                batch = consumer.consume(num_messages=10000, timeout=0.2)
                if not batch:
                    if time.perf_counter() - last_progress > 15:
                        problems.append(f"{topic}-{p}: reading stopped at "
                                        f"{records[p][-1][0] if records[p] else low} of {high}")
                        break
                    continue
                last_progress = time.perf_counter()
                for message in batch:
                    if message.error():
                        problems.append(f"{topic}-{p}: {message.error()}")
                        continue
                    headers = dict(message.headers() or [])
                    run_id = (headers.get("run_id") or b"").decode()
                    user_id = json.loads(message.value())["id"]
                    records[p].append((message.offset(), run_id, user_id))
                if records[p] and records[p][-1][0] >= high - 1:
                    break
        consumer.close()
        return records
    finally:
        stopping = time.perf_counter()
        broker.terminate()
        broker.wait(timeout=30)
        if time.perf_counter() - stopping > 2:
            print(f"  (the broker took {time.perf_counter() - stopping:.1f} s to stop)", flush=True)


# 1. Kill `run` at random moments, restart it each time.
started = time.perf_counter()
lives = []
for kill in range(args.kills):
    run = subprocess.Popen([args.userstream, "run", "--source", "synthetic", "--schedule", "@every 1s",
                            "--duration", "30s", "--kafka-port", "0", "--cql-port", "0", "--http-port", "0",
                            "--data-dir", data, "--log-level", "warning"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Mostly while both ingest and process are busy; one in five very early, in start-up and recovery.
    life = rng.uniform(0.05, 0.4) if rng.random() < 0.2 else rng.uniform(0.4, 2.0)
    time.sleep(life)
    if run.poll() is not None:
        problems.append(f"kill {kill}: run exited by itself ({run.returncode}): {run.stderr.read()[-2000:]!r}")
        break
    run.send_signal(signal.SIGKILL)
    run.wait()
    lives.append(life)
    if (kill + 1) % 10 == 0:
        print(f"  {kill + 1} kills", flush=True)

print(f"kills done in {time.perf_counter() - started:.0f} s", flush=True)

# 2. Drain what the last life left in the log.
userstream("process", "--until-idle", "--data-dir", data)
print(f"drained in {time.perf_counter() - started:.0f} s", flush=True)

# 3. The checks.
log = read_log(data)
log_records = [r for p in log.values() for r in p]
log_ids = {user_id for _, _, user_id in log_records}
stored = query_rows("SELECT id FROM spark_streams.created_users", data)
stored_ids = [row[0] for row in stored]
print(f"log: {len(log_records):,} records, {len(log_ids):,} distinct users; store: {len(stored_ids):,} rows",
      flush=True)
if len(stored_ids) != len(set(stored_ids)):
    problems.append(f"store: {len(stored_ids) - len(set(stored_ids))} ids stored more than once")
missing = log_ids - set(stored_ids)
extra = set(stored_ids) - log_ids
if missing:
    problems.append(f"store: {len(missing)} users of the log not stored, e.g. {sorted(missing)[:3]}")
if extra:
    problems.append(f"store: {len(extra)} stored users not in the log, e.g. {sorted(extra)[:3]}")

for dimension, column in [("total", "'all'"), ("gender", "gender"), ("nat", "nat")]:
    rows = dict((value, int(count)) for value, count in query_rows(
        f"SELECT {column}, count(*) FROM spark_streams.created_users GROUP BY 1", data))
    counts = dict((value, int(count)) for value, count in query_rows(
        f"SELECT value, sum(count) FROM spark_streams.user_counts WHERE dimension = '{dimension}' GROUP BY 1", data))
    if rows != counts:
        problems.append(f"aggregates by {dimension}: rows {rows} but counts {counts}")

per_run = {}
for _, run_id, _ in log_records:
    per_run[run_id] = per_run.get(run_id, 0) + 1
runs = json.loads(userstream("runs", "--format", "json", "--limit", "100000", "--data-dir", data).stdout)
for run in runs:
    produced, stored_n = int(run["produced"]), int(run["stored"])
    duplicates, dead = int(run["duplicates"]), int(run["dlq_process"])
    in_log = per_run.pop(run["run_id"], 0)
    if produced != in_log:
        problems.append(f"run {run['run_id']} ({run['state']}): produced {produced}, the log holds {in_log}")
    if stored_n + duplicates + dead != in_log:
        problems.append(f"run {run['run_id']} ({run['state']}): stored {stored_n} + duplicates {duplicates} + "
                        f"dead-lettered {dead} != {in_log} in the log")
for run_id, count in per_run.items():
    problems.append(f"{count} records of run {run_id!r} in the log, but no such run in the history")
print(f"runs: {len(runs)}; states: " + ", ".join(sorted({r['state'] for r in runs}))
      + f"; checked in {time.perf_counter() - started:.0f} s", flush=True)

# 4. Torn writes: cut a copy of a segment at a random byte; it must recover to the last whole batch before the cut.
def batches(path):
    """(start, end, last offset) of every whole batch in a segment file."""
    out = []
    with open(path, "rb") as f:
        blob = f.read()
    position = 0
    while position + 61 <= len(blob):
        base, length = struct.unpack(">qi", blob[position:position + 12])
        end = position + 12 + length
        if end > len(blob):
            break
        last_delta = struct.unpack(">i", blob[position + 23:position + 27])[0]
        out.append((position, end, base + last_delta))
        position = end
    return out


log_dir = os.path.join(data, "log")
segments = [os.path.join(log_dir, d, f) for d in sorted(os.listdir(log_dir)) if d.startswith("users_created-")
            for f in os.listdir(os.path.join(log_dir, d)) if f.endswith(".log")]
segments = [s for s in segments if os.path.getsize(s) > 0]
for cut_index in range(args.cuts if segments else 0):
    segment = rng.choice(segments)
    whole = batches(segment)
    cut = rng.randrange(1, os.path.getsize(segment))
    kept = [b for b in whole if b[1] <= cut]
    copy = os.path.join(root, f"cut-{cut_index}")
    partition_dir = os.path.basename(os.path.dirname(segment))
    # Only the cut partition: the broker serves what the log directory holds.
    shutil.copytree(os.path.dirname(segment), os.path.join(copy, "log", partition_dir))
    copied = os.path.join(copy, "log", partition_dir, os.path.basename(segment))
    # Later segments of the partition go: the cut one becomes the tail, as after a crash while writing it.
    for name in os.listdir(os.path.dirname(copied)):
        if name.endswith((".log", ".index")) and name.split(".")[0] > os.path.basename(segment).split(".")[0]:
            os.remove(os.path.join(os.path.dirname(copied), name))
    with open(copied, "r+b") as f:
        f.truncate(cut)
    partition = int(partition_dir.rsplit("-", 1)[1])
    base = int(os.path.basename(segment).split(".")[0])
    expected = [r for r in log[partition] if r[0] < base] + [
        r for r in log[partition] if base <= r[0] <= (kept[-1][2] if kept else base - 1)]
    got = read_log(copy).get(partition, [])
    if [r[0] for r in got] != [r[0] for r in expected] or [r[2] for r in got] != [r[2] for r in expected]:
        problems.append(f"torn write: {partition_dir}/{os.path.basename(segment)} cut at byte {cut}: read "
                        f"{len(got)} records, expected {len(expected)} (to offset "
                        f"{expected[-1][0] if expected else '-'})")
    shutil.rmtree(copy, ignore_errors=True)
    print(f"  cut {cut_index + 1}: {partition_dir}/{os.path.basename(segment)} at byte {cut:,}, {len(got):,} records "
          f"served ({time.perf_counter() - started:.0f} s)", flush=True)
print(f"torn writes: {args.cuts if segments else 0} cuts checked", flush=True)

if not args.keep:
    shutil.rmtree(root, ignore_errors=True)
if problems:
    print(f"\nFAILED (seed {args.seed}):")
    for problem in problems:
        print(f"  - {problem}")
    sys.exit(1)
print(f"\nOK: {len(lives)} kills, lives {min(lives):.2f}–{max(lives):.2f} s; every user stored once, aggregates equal "
      f"the rows, every run reconciles with the log, CRCs clean, {args.cuts} torn writes recovered.")

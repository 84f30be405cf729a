"""Every benchmark in one go, then one summary table: the end-to-end pipeline (three runs, the median), the paced
latency at 1,000 and 20,000 users/s, the Kafka broker, the CQL server and the snapshot refresh of `serve
--cassandra`. Each bench's own output is shown as it runs; the table at the end picks its figures.

    make bench-all                          # release build, the sizes of docs/benchmarks.md
    python bench/bench_all.py --quick       # small sizes: checks that every bench runs and parses (make test)

A figure that cannot be found in a bench's output fails the run (exit status 1) rather than leaving a blank.
"""
import argparse
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--userstream", default=".build/release/userstream")
parser.add_argument("--cql-bench", default=".build/release/cql-bench")
parser.add_argument("--rdkafka-bench", default=".build/rdkafka_bench")
parser.add_argument("--quick", action="store_true", help="small sizes, one end-to-end run, short paced runs")
parser.add_argument("--markdown", help="also write the summary table as Markdown to this file")
args = parser.parse_args()

here = os.path.dirname(os.path.abspath(__file__))
quick = args.quick
sizes = {
    "users": 20_000 if quick else 200_000,
    "runs": 1 if quick else 3,
    "paced": "2s" if quick else "10s",
    "messages": 50_000 if quick else 1_000_000,
    "cql_rows": 5_000 if quick else 100_000,
    "snapshot_users": 5_000 if quick else 100_000,
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(title, command, env=None):
    """Runs one bench, shows its output, returns it."""
    print(f"\n=== {title}: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        sys.exit(f"bench-all: {title} failed with status {done.returncode}")
    print(f"--- {title}: {time.perf_counter() - started:.1f} s", flush=True)
    return done.stdout


def find(pattern, text, what):
    match = re.search(pattern, text, re.MULTILINE)
    if not match:
        sys.exit(f"bench-all: no {what} in the output (pattern {pattern!r})")
    return match


def number(text):
    return float(text.replace(",", ""))


rows = []  # (bench, measure, figure, reference, ratio)

# End to end, with the durable defaults; the median run by throughput.
runs = []
for index in range(sizes["runs"]):
    out = run(f"end-to-end {index + 1}/{sizes['runs']}", [args.userstream, "bench", "--users", str(sizes["users"])])
    runs.append({
        "throughput": number(find(r"throughput:\s+([\d,]+) users/s", out, "throughput").group(1)),
        "p99": int(find(r"produce→commit:\s+p50 \d+ ms, p99 (\d+) ms", out, "p99").group(1)),
        "memory": int(find(r"pipeline: (\d+) MiB", out, "pipeline memory").group(1)),
        "ceiling": number(find(r"^\s+\d+-row transactions: ([\d,]+) rows/s", out, "ceiling").group(1)),
        "ratio": number(find(r"-row-transaction ceiling: ([\d.]+)", out, "ratio").group(1)),
    })
ratios = sorted(r["ratio"] for r in runs)
median = sorted(runs, key=lambda r: r["ratio"])[len(runs) // 2]
label = f"bench --users {sizes['users']:,}" + (f", median of {len(runs)}" if len(runs) > 1 else "")
rows.append(("end to end", f"users/s ({label})", f"{median['throughput']:,.0f}",
             f"{median['ceiling']:,.0f} rows/s (10k-row tx ceiling)", f"{median['ratio']:.2f}"))
if len(runs) > 1:
    rows.append(("end to end", "ratio to the ceiling, all runs", ", ".join(f"{r:.2f}" for r in ratios), "", ""))
rows.append(("end to end", "produce→commit p99, same run", f"{median['p99']} ms", "", ""))
rows.append(("end to end", "pipeline memory, same run", f"{median['memory']} MiB", "", ""))

for rate in (1000, 20000):
    out = run(f"paced {rate}/s", [args.userstream, "bench", "--rate", str(rate), "--duration", sizes["paced"]])
    match = find(r"produce→queryable:\s+p50 (\d+) ms, p99 (\d+) ms, max (\d+) ms", out, "paced latency")
    rows.append(("paced", f"produce→queryable p50 / p99 / max at {rate:,} users/s",
                 f"{match.group(1)} / {match.group(2)} / {match.group(3)} ms", "", ""))

# The Kafka broker with librdkafka clients.
out = run("kafka", [sys.executable, os.path.join(here, "kafka_bench.py"), "--userstream", args.userstream,
                    "--rdkafka-bench", args.rdkafka_bench, "--messages", str(sizes["messages"])])
kafka = {m.group(1).strip(): number(m.group(2)) for m in re.finditer(r"^  (.+?)\s+([\d,]+) msg/s", out, re.MULTILINE)}
if not kafka:
    sys.exit("bench-all: no msg/s figures in the Kafka bench's output")
for name, rate in kafka.items():
    rows.append(("Kafka broker", f"{name} ({sizes['messages']:,} × 100 B)", f"{rate:,.0f} msg/s", "", ""))

# The CQL server: the Python driver, and our client as the same run's reference.
out = run("cql", [sys.executable, os.path.join(here, "cql_bench.py"), "--userstream", args.userstream,
                  "--cql-bench", args.cql_bench, "--rows", str(sizes["cql_rows"])])
driver, _, ours = out.partition("our CQLClient")
driver_single = number(find(r"^  insert:\s+([\d,]+) rows/s", driver, "driver insert rate").group(1))
driver_batch = number(find(r"^  insert in unlogged batches of \d+:\s+([\d,]+) rows/s", driver, "driver batches").group(1))
read = number(find(r"^  read back \(paged SELECT\):\s+([\d,]+) rows/s", driver, "read-back rate").group(1))
ours_single = number(find(r"^  insert:\s+([\d,]+) rows/s", ours, "CQLClient insert rate").group(1))
ours_batch = number(find(r"^  insert in unlogged batches of \d+:\s+([\d,]+) rows/s", ours, "CQLClient batches").group(1))
rows.append(("CQL server", "cassandra-driver, one row per prepared INSERT", f"{driver_single:,.0f} rows/s",
             f"our CQLClient {ours_single:,.0f} rows/s", f"{driver_single / ours_single:.2f}"))
rows.append(("CQL server", "cassandra-driver, unlogged batches of 50", f"{driver_batch:,.0f} rows/s",
             f"our CQLClient {ours_batch:,.0f} rows/s", f"{driver_batch / ours_batch:.2f}"))
rows.append(("CQL server", "cassandra-driver, paged read back", f"{read:,.0f} rows/s", "", ""))

# The snapshot refresh of `serve --cassandra`, on free ports.
env = dict(os.environ, USERSTREAM=args.userstream, CQL_PORT=str(free_port()), HTTP_PORT=str(free_port()))
out = run("snapshot", ["sh", os.path.join(here, "snapshot_bench.sh"), str(sizes["snapshot_users"])], env=env)
processed = number(find(r"processed \d+ users into the CQL store in ([\d.]+) s", out, "process time").group(1))
refreshes = [float(m.group(1)) for m in re.finditer(r"^([\d.]+) s \[", out, re.MULTILINE)]
if not refreshes:
    sys.exit("bench-all: no snapshot refresh in the snapshot bench's output")
users = sizes["snapshot_users"]
rows.append(("snapshot", f"process --cassandra of {users:,} users into userstream store",
             f"{users / processed:,.0f} users/s", "", ""))
rows.append(("snapshot", f"serve --cassandra first refresh (full copy) of {users:,} users", f"{refreshes[0]:.2f} s",
             "", ""))
if len(refreshes) > 1:
    rows.append(("snapshot", "serve --cassandra later refreshes, median", f"{statistics.median(refreshes[1:]):.2f} s",
                 "", ""))

header = ("bench", "measure", "figure", "reference (same run)", "ratio")
machine = f"{os.cpu_count()} cores, {platform.system()} {platform.release()}"
lines = [
    f"Summary ({'quick sizes' if quick else 'full sizes'}; {machine}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
    "",
    "| " + " | ".join(header) + " |",
    "|" + "---|" * len(header),
]
lines += ["| " + " | ".join(row) + " |" for row in rows]
print("\n" + "\n".join(lines))
if args.markdown:
    with open(args.markdown, "w") as f:
        f.write("\n".join(lines) + "\n")

"""What the real-engine scripts share: the userstream binary, child processes that are always stopped, cqlsh against
the node `cassandra_node.sh` started (CASSANDRA_HOST), and the checks of a keyspace the processor wrote.

Standard library only, plus cqlsh from the same virtualenv (.venv-interop).
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def log(message):
    print(message, flush=True)


def fail(message):
    log("FAIL " + message)
    sys.exit(1)


def userstream_bin():
    path = os.environ.get("USERSTREAM_BIN") or str(REPO / ".build" / "debug" / "userstream")
    if not os.access(path, os.X_OK):
        fail(f"no userstream binary at {path} (swift build --product userstream, or set USERSTREAM_BIN)")
    return path


def cassandra_host():
    host = os.environ.get("CASSANDRA_HOST")
    if not host:
        fail("CASSANDRA_HOST is not set: run through Tests/Engines/cassandra_node.sh run -- …")
    return host


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Children:
    """Child processes that are stopped (SIGKILL) when the block ends, whatever happens; SIGTERM/SIGINT to this
    script end the block too."""

    def __init__(self):
        self.procs = []

    def __enter__(self):
        def stop(signum, _frame):
            raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        return self

    def start(self, args, log_path, env=None):
        out = open(log_path, "ab")
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        out.close()
        proc.log_path = log_path
        self.procs.append(proc)
        return proc

    def __exit__(self, *exc):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return False


def run(args, timeout=900, check=True, env=None):
    """Runs a command to its end; its output, or a failure showing it."""
    started = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        fail(f"{' '.join(args)} exited {proc.returncode} after {time.monotonic() - started:.1f}s\n"
             f"stdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-5000:]}")
    return proc


def tail(path, size=3000):
    try:
        return Path(path).read_text(errors="replace")[-size:]
    except OSError:
        return ""


# --- cqlsh ------------------------------------------------------------------------------------------------------

def cqlsh_bin():
    path = os.environ.get("CQLSH") or str(Path(sys.executable).parent / "cqlsh")
    if not os.access(path, os.X_OK):
        fail(f"no cqlsh at {path} (make test-deps)")
    return path


def cql_rows(statement, timeout=600):
    """The rows of one SELECT through cqlsh, as lists of text cells (cqlsh's own rendering; null is '')."""
    host, port = cassandra_host().rsplit(":", 1)
    args = [cqlsh_bin(), host, port, "--request-timeout=300", "--connect-timeout=30", "-e",
            "PAGING OFF; " + statement]
    if os.environ.get("CASSANDRA_USER"):
        args[3:3] = ["-u", os.environ["CASSANDRA_USER"], "-p", os.environ.get("CASSANDRA_PASSWORD", "")]
    proc = run(args, timeout=timeout)
    rows = []
    lines = proc.stdout.splitlines()
    # Header, a dashed rule, the rows, a blank line, "(N rows)".
    for index, line in enumerate(lines):
        if set(line.strip()) <= set("-+") and line.strip():
            for row in lines[index + 1:]:
                if not row.strip():
                    break
                rows.append([cell.strip() for cell in row.split("|")])
            break
    return rows


def age_bucket(age):
    if age == "" or age == "null":
        return "unknown"
    age = int(age)
    if age < 20:
        return "<20"
    if age >= 70:
        return "70+"
    return f"{age // 10 * 10}-{age // 10 * 10 + 9}"


def check_keyspace(keyspace, expected_ids, expected_runs):
    """Checks what the processor left in `keyspace`: each of `expected_ids` users stored once, every aggregate
    dimension of `user_counts` equal, value by value, to the rows, and `run_stats` matching `expected_runs`
    ({run_id: produced}). Prints the numbers; returns the list of mismatches (empty when all hold)."""
    problems = []
    rows = cql_rows(f"SELECT id, gender, nat, age FROM {keyspace}.created_users")
    ids = [row[0] for row in rows]
    log(f"rows: {len(rows)} (distinct ids {len(set(ids))}), expected {expected_ids}")
    if len(rows) != expected_ids or len(set(ids)) != len(ids):
        problems.append(f"rows {len(rows)} != distinct ids ingested {expected_ids}")
    from_rows = {
        "total": Counter("all" for _ in rows),
        "gender": Counter(row[1] for row in rows),
        "nat": Counter(row[2] if row[2] not in ("", "null") else "unknown" for row in rows),
        "age_bucket": Counter(age_bucket(row[3]) for row in rows),
    }
    counts = cql_rows(f"SELECT dimension, value, count FROM {keyspace}.user_counts")
    sums = {}
    for dimension, value, count in counts:
        sums.setdefault(dimension, Counter())[value] += int(count)
    for dimension in sorted(set(sums) | set(from_rows)):
        got = sums.get(dimension, Counter())
        want = from_rows.get(dimension)
        total = sum(got.values())
        line = f"user_counts {dimension}: total {total}"
        if want is None:
            log(line + " (a dimension the check does not know)")
            if total != len(rows):
                problems.append(f"user_counts {dimension} sums to {total}, rows {len(rows)}")
            continue
        log(line + f", rows {len(rows)}" + ("" if got == want else f"; differing values: " + ", ".join(
            f"{value}: {got.get(value, 0)} vs {want.get(value, 0)}"
            for value in sorted(set(got) | set(want)) if got.get(value, 0) != want.get(value, 0))))
        if got != want:
            problems.append(f"user_counts {dimension} (total {total}) != the rows' {dimension} (total {len(rows)})")
    stats = {row[0]: [int(x or 0) for x in row[1:]] for row in
             cql_rows(f"SELECT run_id, stored, duplicates, dead_lettered FROM {keyspace}.run_stats")}
    stored_total = sum(s[0] for s in stats.values())
    log(f"run_stats: {len(stats)} runs, stored {stored_total}, duplicates {sum(s[1] for s in stats.values())}, "
        f"dead_lettered {sum(s[2] for s in stats.values())}; expected runs {expected_runs}")
    if stored_total != len(rows):
        problems.append(f"run_stats stored {stored_total} != rows {len(rows)}")
    for run_id, produced in expected_runs.items():
        got = stats.get(run_id)
        if got is None:
            problems.append(f"run_stats has no row for run {run_id}")
        elif got[0] + got[2] != produced:
            problems.append(f"run {run_id}: stored {got[0]} + dead-lettered {got[2]} != produced {produced}")
    unknown = set(stats) - set(expected_runs)
    if unknown:
        problems.append(f"run_stats has runs that were not ingested: {sorted(unknown)}")
    return problems


def recorded_runs(keyspace):
    """{run_id: produced} of the runs `userstream ingest --cassandra` recorded in the keyspace's job_runs."""
    return {run_id: int(produced or 0)
            for run_id, produced in cql_rows(f"SELECT run_id, produced FROM {keyspace}.job_runs")}


def temporary_directory():
    return tempfile.TemporaryDirectory(prefix="engines-")

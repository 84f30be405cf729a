"""Crash loops of `userstream process --cassandra` against a real Cassandra node.

embedded: USERS synthetic users ingested into an embedded log first; then `process --cassandra … --process-batch N`
  SIGKILLed KILLS times at random moments, N changed between restarts; then `process --until-idle`.
group: the same over `userstream broker` (`--kafka`), with two processors in one consumer group, killed alternately.

After the final `--until-idle`: every id stored once (rows = distinct ids ingested), every aggregate dimension of
user_counts equal to the rows, run_stats matching the ingested runs. The numbers are printed; the exit status is
non-zero on any mismatch. The randomness is seeded (--seed, default: the clock) and the seed printed, so that a
failing sequence can be replayed.

Usage (through `Tests/Engines/cassandra_node.sh run -- …`, CASSANDRA_HOST set):
  crash_loop.py [embedded|group|both] [--users N] [--group-users N] [--kills K] [--seed S]
"""
import argparse
import random
import signal
import socket
import time

from engines import (Children, cassandra_host, check_keyspace, cql_rows, fail, free_port, log, recorded_runs, run,
                     tail, temporary_directory, userstream_bin)

BATCHES = [500, 2000, 7000, 1000, 3000, 250, 5000, 1500, 4000, 800, 10000, 600]


def ingest(binary, users, data, extra, seed):
    """Two ingestion runs of synthetic users (distinct ids: different generator seeds)."""
    first = users // 2
    for index, count in enumerate((first, users - first)):
        run([binary, "ingest", "--source", "synthetic", "--seed", str(seed * 10 + index), "--count", str(count),
             "--rate", "0", "--batch-size", "5000", "--data-dir", data, *extra], timeout=900)


def report(name, keyspace, users):
    runs = recorded_runs(keyspace)
    produced = sum(runs.values())
    log(f"[{name}] ingested runs: {runs}")
    problems = [] if produced == users else [f"the runs produced {produced} users, asked for {users}"]
    problems += check_keyspace(keyspace, users, runs)
    # The batch journal: plans a killed processor left behind, and whether a later batch finished them.
    journal = cql_rows(f"SELECT batch_id, attempt, state, inserted, duplicates FROM {keyspace}.batch_commits")
    states = {}
    for batch_id, attempt, state, inserted, duplicates in journal:
        states[state] = states.get(state, 0) + 1
        if state != "committed":
            log(f"[{name}] batch_commits: {batch_id} attempt {attempt} {state} ({inserted} new, {duplicates} dup)")
    log(f"[{name}] batch_commits by state: {states}")
    if problems:
        log(f"[{name}] MISMATCH: " + "; ".join(problems))
    else:
        log(f"[{name}] ok: every id stored once, aggregates equal the rows, run_stats match the runs")
    return problems


def embedded(binary, rng, users, kills):
    keyspace = "engines_crash"
    cassandra = ["--cassandra", cassandra_host(), "--keyspace", keyspace]
    with temporary_directory() as tmp, Children() as children:
        data = tmp + "/data"
        ingest(binary, users, data, cassandra, rng.randrange(1, 1000))
        log(f"[embedded] {users} users ingested into an embedded log")
        for kill in range(kills):
            batch = rng.choice(BATCHES)
            delay = rng.uniform(1.0, 6.0)
            proc = children.start([binary, "process", "--process-batch", str(batch), "--data-dir", data, *cassandra],
                                  f"{tmp}/process-{kill}.log")
            time.sleep(delay)
            if proc.poll() is not None:
                fail(f"[embedded] process exited {proc.returncode} before its kill: {tail(proc.log_path)}")
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            log(f"[embedded] kill {kill + 1}/{kills}: --process-batch {batch}, SIGKILL after {delay:.2f}s")
        started = time.monotonic()
        run([binary, "process", "--until-idle", "--data-dir", data, *cassandra], timeout=900)
        log(f"[embedded] process --until-idle: {time.monotonic() - started:.1f}s")
        return report("embedded", keyspace, users)


def wait_for_port(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None:
                fail(f"{proc.args[1]} exited {proc.returncode}: {tail(proc.log_path)}")
            time.sleep(0.2)
    fail(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def group(binary, rng, users, kills):
    keyspace = "engines_crash_group"
    cassandra = ["--cassandra", cassandra_host(), "--keyspace", keyspace]
    with temporary_directory() as tmp, Children() as children:
        port = free_port()
        broker = children.start([binary, "broker", "--port", str(port), "--data-dir", tmp + "/broker"],
                                tmp + "/broker.log")
        kafka = ["--kafka", f"127.0.0.1:{port}"]
        wait_for_port(port, broker)
        ingest(binary, users, tmp + "/ingest", [*kafka, *cassandra], rng.randrange(1, 1000))
        log(f"[group] {users} users ingested into userstream broker on port {port}")
        # Short sessions, so that a killed member's partitions move on within seconds.
        member = [*kafka, "--kafka-property", "session.timeout.ms=6000", "--kafka-property",
                  "heartbeat.interval.ms=1000", "--group", "engines", *cassandra]
        procs = {}

        def start(name, batch):
            procs[name] = children.start([binary, "process", "--process-batch", str(batch),
                                          "--data-dir", f"{tmp}/{name}", *member], f"{tmp}/{name}.log")

        start("a", rng.choice(BATCHES))
        start("b", rng.choice(BATCHES))
        for kill in range(kills):
            name = "ab"[kill % 2]
            delay = rng.uniform(2.0, 8.0)
            time.sleep(delay)
            proc = procs[name]
            if proc.poll() is not None:
                fail(f"[group] processor {name} exited {proc.returncode} before its kill: {tail(proc.log_path)}")
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            batch = rng.choice(BATCHES)
            log(f"[group] kill {kill + 1}/{kills}: processor {name} after {delay:.2f}s; restarted with "
                f"--process-batch {batch}")
            start(name, batch)
        for proc in procs.values():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        started = time.monotonic()
        run([binary, "process", "--until-idle", "--data-dir", tmp + "/final", *member], timeout=900)
        log(f"[group] process --until-idle: {time.monotonic() - started:.1f}s")
        return report("group", keyspace, users)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variant", nargs="?", default="both", choices=["embedded", "group", "both"])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--group-users", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    log(f"crash loop seed {seed} (replay with --seed {seed})")
    rng = random.Random(seed)
    binary = userstream_bin()
    problems = []
    if args.variant in ("embedded", "both"):
        problems += embedded(binary, rng, args.users, args.kills)
    if args.variant in ("group", "both"):
        problems += group(binary, rng, args.group_users, args.kills)
    if problems:
        fail(f"crash loop (seed {seed}): " + "; ".join(problems))
    log(f"crash loop (seed {seed}): all checks passed")


if __name__ == "__main__":
    main()

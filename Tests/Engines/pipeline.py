"""The pipeline into a real Cassandra node: `userstream ingest --source synthetic` (two runs, into an embedded log,
job runs recorded in Cassandra), `userstream process --cassandra … --until-idle`, then cqlsh checks (each id stored
once, every aggregate dimension equal to the rows, run_stats matching the runs), then `userstream serve --cassandra`:
the dashboard's /api/summary and a trino-client GROUP BY equal to the rows.

Run through `Tests/Engines/cassandra_node.sh run -- python pipeline.py [USERS]` (CASSANDRA_HOST), with the Python of
.venv-interop (cqlsh, trino). Exits non-zero on the first mismatch.
"""
import json
import sys
import time
import urllib.request

from engines import (Children, cassandra_host, check_keyspace, cql_rows, fail, free_port, log, recorded_runs, run,
                     tail, temporary_directory, userstream_bin)

USERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
KEYSPACE = "engines_pipeline"


def main():
    binary = userstream_bin()
    host = cassandra_host()
    cassandra = ["--cassandra", host, "--keyspace", KEYSPACE]
    with temporary_directory() as tmp, Children() as children:
        data = tmp + "/data"
        first = USERS // 2
        for seed, count in ((101, first), (202, USERS - first)):
            run([binary, "ingest", "--source", "synthetic", "--seed", str(seed), "--count", str(count), "--rate", "0",
                 "--batch-size", "1000", "--data-dir", data, *cassandra])
        runs = recorded_runs(KEYSPACE)
        log(f"ingested {sum(runs.values())} users in {len(runs)} runs")
        if sum(runs.values()) != USERS:
            fail(f"the runs produced {sum(runs.values())} users, asked for {USERS}")
        started = time.monotonic()
        run([binary, "process", "--until-idle", "--data-dir", data, *cassandra])
        log(f"process --cassandra --until-idle: {time.monotonic() - started:.1f}s")
        problems = check_keyspace(KEYSPACE, USERS, runs)
        if problems:
            fail("; ".join(problems))
        log("ok cqlsh: rows, aggregates and run_stats")

        port = free_port()
        serve = children.start([binary, "serve", "--port", str(port), "--snapshot-interval", "1s",
                                "--data-dir", tmp + "/serve", *cassandra], tmp + "/serve.log")
        summary = {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if serve.poll() is not None:
                fail(f"serve exited {serve.returncode}: {tail(serve.log_path)}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/summary", timeout=10) as response:
                    summary = json.load(response)
                if summary.get("storedUsers") == USERS:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        log(f"/api/summary: storedUsers {summary.get('storedUsers')}, producedTotal {summary.get('producedTotal')}, "
            f"processedTotal {summary.get('processedTotal')}, runCount {summary.get('runCount')}")
        expected = {"storedUsers": USERS, "producedTotal": USERS, "processedTotal": USERS, "runCount": len(runs),
                    "deadLetteredTotal": 0}
        wrong = {key: (summary.get(key), value) for key, value in expected.items() if summary.get(key) != value}
        if wrong:
            fail(f"/api/summary (got, expected): {wrong}\n{tail(serve.log_path)}")
        log("ok /api/summary")

        import trino
        connection = trino.dbapi.connect(host="127.0.0.1", port=port, user="engines", catalog="cassandra",
                                         schema=KEYSPACE, http_scheme="http")
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT gender, count(*) FROM created_users GROUP BY gender")
            served = {gender: count for gender, count in cursor.fetchall()}
        finally:
            connection.close()
        from_cql = {}
        for (gender,) in cql_rows(f"SELECT gender FROM {KEYSPACE}.created_users"):
            from_cql[gender] = from_cql.get(gender, 0) + 1
        log(f"trino GROUP BY gender: {served}; cqlsh rows: {from_cql}")
        if served != from_cql or sum(served.values()) != USERS:
            fail("the trino GROUP BY differs from the rows")
        log("ok trino GROUP BY gender")
        serve.terminate()
        if serve.wait(timeout=60) != 0:
            fail(f"serve exited {serve.returncode} on SIGTERM: {tail(serve.log_path)}")
    log("pipeline: all checks passed")


if __name__ == "__main__":
    main()

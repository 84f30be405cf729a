"""Concurrent aggregate rewriters, as CassandraStore's processors write them: each rewrites the same user_counts and
run_stats rows with `USING TIMESTAMP <version>`, its versions in a shuffled order; whatever the arrival order, the
highest version must be what is read back.

    python versioned_writers.py HOST PORT write WRITER WRITERS VERSIONS   writes the versions v with v % WRITERS == WRITER
    python versioned_writers.py HOST PORT read                            prints the rows as JSON
"""
import json
import random
import sys

from cassandra.cluster import Cluster

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cluster = Cluster([host], port=port, protocol_version=4, connect_timeout=10)
session = cluster.connect("spark_streams")
try:
    if mode == "write":
        writer, writers, versions = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        counts = session.prepare(
            "INSERT INTO user_counts (minute, dimension, value, count) VALUES (?, ?, ?, ?) USING TIMESTAMP ?")
        stats = session.prepare(
            "INSERT INTO run_stats (run_id, stored, duplicates, dead_lettered) VALUES (?, ?, ?, ?) USING TIMESTAMP ?")
        mine = [v for v in range(1, versions + 1) if v % writers == writer]
        random.shuffle(mine)
        for version in mine:
            session.execute(counts, (29000000, "gender", "female", version * 10, version))
            session.execute(stats, ("run-1", version, version % 7, 0, version))
    else:
        count = session.execute(
            "SELECT count, writetime(count) FROM user_counts WHERE minute = 29000000 AND dimension = 'gender' "
            "AND value = 'female'").one()
        stats = session.execute("SELECT stored, duplicates, writetime(stored) FROM run_stats WHERE run_id = 'run-1'").one()
        print(json.dumps({"count": list(count), "stats": list(stats)}))
finally:
    cluster.shutdown()

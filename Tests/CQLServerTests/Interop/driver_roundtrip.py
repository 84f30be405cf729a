"""The DataStax Python driver against our CQL server: protocol negotiation, schema metadata, DDL, simple and
prepared statements with bound values, paging (fetch_size and paging_state), batches, consistency levels, USE,
lightweight transactions, and errors with the right codes.

    python driver_roundtrip.py HOST PORT [USER PASSWORD]
"""
import datetime
import json
import sys
import uuid

from cassandra import ConsistencyLevel, InvalidRequest, Unauthorized
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster
from cassandra.protocol import SyntaxException
from cassandra.query import BatchStatement, BatchType, SimpleStatement

host, port = sys.argv[1], int(sys.argv[2])
ks = "itest_" + uuid.uuid4().hex[:8]
auth = PlainTextAuthProvider(sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else None
# No protocol_version: the driver starts above v4 and must be told to downgrade.
cluster = Cluster([host], port=port, auth_provider=auth, connect_timeout=10)
session = cluster.connect()
assert cluster.protocol_version == 4, cluster.protocol_version

# Schema metadata.
keyspaces = cluster.metadata.keyspaces
assert "spark_streams" in keyspaces and "system" in keyspaces, list(keyspaces)
users = keyspaces["spark_streams"].tables["created_users"]
assert [c.name for c in users.partition_key] == ["id"], users.partition_key
assert users.columns["first_name"].cql_type == "text" and users.columns["age"].cql_type == "int"

# DDL.
session.execute(
    f"CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
)
session.execute(
    f"CREATE TABLE IF NOT EXISTS {ks}.events (day text, ts timestamp, id uuid, payload text, tags set<text>, "
    "n int, PRIMARY KEY ((day), ts, id)) WITH CLUSTERING ORDER BY (ts DESC, id ASC)"
)
cluster.refresh_schema_metadata()
events = cluster.metadata.keyspaces[ks].tables["events"]
assert [c.name for c in events.clustering_key] == ["ts", "id"], events.clustering_key

# USE and prepared statements with bound values.
session.set_keyspace(ks)
insert = session.prepare("INSERT INTO events (day, ts, id, payload, tags, n) VALUES (?, ?, ?, ?, ?, ?)")
base = datetime.datetime(2026, 11, 21, 12, 0, 0)
ids = []
for i in range(1050):
    ident = uuid.uuid4()
    ids.append(ident)
    session.execute(insert, ("d1", base + datetime.timedelta(seconds=i), ident, f"p{i}", {"a", f"t{i % 3}"}, i))

# Paging: fetch_size, then by hand with paging_state.
statement = SimpleStatement("SELECT ts, n FROM events WHERE day = 'd1'", fetch_size=100)
rows = list(session.execute(statement))
assert len(rows) == 1050, len(rows)
assert [r.n for r in rows] == list(range(1049, -1, -1)), "clustering order DESC"
first = session.execute(statement)
assert len(first.current_rows) == 100 and first.paging_state is not None
second = session.execute(statement, paging_state=first.paging_state)
assert [r.n for r in second.current_rows] == list(range(949, 849, -1))

# Selected by key, IN, LIMIT, COUNT(*).
one = session.execute(
    "SELECT payload, tags FROM events WHERE day = %s AND ts = %s AND id = %s", ("d1", base, ids[0])
).one()
assert one.payload == "p0" and one.tags == {"a", "t0"}, one
assert session.execute("SELECT count(*) FROM events WHERE day IN ('d1', 'd2')").one()[0] == 1050
assert len(list(session.execute("SELECT * FROM events WHERE day = 'd1' LIMIT 7"))) == 7

# Batches.
batch = BatchStatement(batch_type=BatchType.UNLOGGED)
for i in range(5):
    batch.add(insert, ("d2", base, uuid.uuid4(), f"b{i}", None, i))
session.execute(batch)
assert session.execute("SELECT count(*) FROM events WHERE day = 'd2'").one()[0] == 5

# Consistency levels are accepted (one node answers them all).
for level in [ConsistencyLevel.ONE, ConsistencyLevel.QUORUM, ConsistencyLevel.ALL, ConsistencyLevel.LOCAL_QUORUM,
              ConsistencyLevel.LOCAL_ONE]:
    session.execute(SimpleStatement("SELECT n FROM events WHERE day = 'd2'", consistency_level=level))

# Lightweight transactions.
lwt = session.execute("INSERT INTO events (day, ts, id, n) VALUES ('d3', '2026-11-21 00:00:00+0000', "
                      "00000000-0000-4000-8000-000000000001, 1) IF NOT EXISTS")
assert lwt.was_applied
again = session.execute("INSERT INTO events (day, ts, id, n) VALUES ('d3', '2026-11-21 00:00:00+0000', "
                        "00000000-0000-4000-8000-000000000001, 2) IF NOT EXISTS")
assert not again.was_applied

# Errors with the right codes.
try:
    session.execute("SELEC * FROM events")
    raise SystemExit("a syntax error was accepted")
except SyntaxException:
    pass
try:
    session.execute("SELECT * FROM no_such_table")
    raise SystemExit("an unknown table was accepted")
except InvalidRequest as error:
    assert "no_such_table" in str(error), error
try:
    session.execute("INSERT INTO system.local (key) VALUES ('x')")
    raise SystemExit("a write to a system table was accepted")
except Unauthorized:
    pass

# The pipeline's table reads back through the driver.
count = session.execute("SELECT count(*) FROM spark_streams.created_users").one()[0]
sample = list(session.execute("SELECT id, first_name, age FROM spark_streams.created_users LIMIT 3"))
cluster.shutdown()
print(json.dumps({"ok": True, "created_users": count, "sample": len(sample)}))

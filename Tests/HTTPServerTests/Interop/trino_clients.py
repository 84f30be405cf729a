"""Real Trino clients against userstream's HTTP server: the `trino` DBAPI, SQLAlchemy's trino dialect + pandas the
way Superset uses them, and /metrics parsed by prometheus_client.

Usage: trino_clients.py PORT [MIN_USERS]. Prints one `ok <check>` line per check; exits non-zero on the first failure.
"""
import json
import sys
import urllib.request

import pandas
import trino
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, inspect, text

PORT = int(sys.argv[1])
MIN_USERS = int(sys.argv[2]) if len(sys.argv) > 2 else 1


def ok(name):
    print("ok", name, flush=True)


def dbapi(sql):
    conn = trino.dbapi.connect(
        host="127.0.0.1", port=PORT, user="trino", catalog="cassandra", schema="spark_streams", http_scheme="http"
    )
    try:
        cur = conn.cursor()
        cur.execute(sql)
        rows = cur.fetchall()
        return [d[0] for d in cur.description], rows
    finally:
        conn.close()


# --- DBAPI -------------------------------------------------------------------------------------------------------
cols, rows = dbapi("SELECT gender, count(*) FROM created_users GROUP BY gender")
assert len(cols) == 2, cols
total = sum(r[1] for r in rows)
assert total >= MIN_USERS, (rows, MIN_USERS)
assert all(isinstance(r[1], int) for r in rows), rows
ok("group by gender: %s" % sorted(rows))

_, rows = dbapi("SHOW CATALOGS")
assert ["cassandra"] in [list(r) for r in rows], rows
ok("show catalogs")

_, rows = dbapi("SHOW SCHEMAS")
assert ["spark_streams"] in [list(r) for r in rows], rows
ok("show schemas")

_, rows = dbapi("SHOW TABLES")
assert ["created_users"] in [list(r) for r in rows], rows
ok("show tables")

_, rows = dbapi("SHOW COLUMNS FROM created_users")
names = [r[0] for r in rows]
for column in ("id", "gender", "ingested_at"):
    assert column in names, names
ok("show columns")

_, rows = dbapi("DESCRIBE created_users")
assert [r[0] for r in rows] == names, rows
ok("describe")

_, rows = dbapi("SELECT version()")
assert len(rows) == 1 and isinstance(rows[0][0], str) and rows[0][0], rows
ok("version: %s" % rows[0][0])

_, rows = dbapi(
    "SELECT table_name, column_name, data_type FROM information_schema.columns "
    "WHERE table_schema = 'spark_streams' AND table_name = 'created_users'"
)
assert any(r[1] == "gender" for r in rows), rows
ok("information_schema.columns")

# --- SQLAlchemy + pandas, as Superset --------------------------------------------------------------------------------
engine = create_engine("trino://trino@127.0.0.1:%d/cassandra/spark_streams" % PORT)
inspector = inspect(engine)
schemas = inspector.get_schema_names()
assert "spark_streams" in schemas, schemas
ok("sqlalchemy schemas")
tables = inspector.get_table_names("spark_streams")
assert "created_users" in tables, tables
ok("sqlalchemy tables")
columns = inspector.get_columns("created_users", "spark_streams")
assert "gender" in [c["name"] for c in columns], columns
ok("sqlalchemy columns")
# ingested_at is timestamp(3) with time zone: the dialect maps it to a zoned TIMESTAMP (Superset's time column), and
# the client decodes values as zoned datetimes; Superset's 5-minute grain (interval arithmetic) works through it.
ingested = [c for c in columns if c["name"] == "ingested_at"][0]
assert type(ingested["type"]).__name__ == "TIMESTAMP" and ingested["type"].timezone, ingested
_, rows = dbapi(
    "SELECT max(ingested_at), date_trunc('minute', CAST(max(ingested_at) AS TIMESTAMP)) "
    "- interval '1' minute * (minute(CAST(max(ingested_at) AS TIMESTAMP)) % 5) FROM created_users"
)
newest, bucket = rows[0]
assert newest.tzinfo is not None and newest.utcoffset().total_seconds() == 0, rows
assert bucket.tzinfo is None and bucket.minute % 5 == 0 and bucket <= newest.replace(tzinfo=None), rows
ok("zoned ingested_at and interval arithmetic: %s → %s" % (newest, bucket))

with engine.connect() as connection:
    frame = pandas.read_sql(
        text(
            "SELECT date_trunc('minute', from_iso8601_timestamp(ingested_at)) AS m, count(*) AS n "
            "FROM created_users GROUP BY 1 ORDER BY 1"
        ),
        connection,
    )
assert list(frame.columns) == ["m", "n"], frame.columns
assert int(frame["n"].sum()) >= MIN_USERS, frame
ok("pandas read_sql time series: %d minutes" % len(frame))

# --- /metrics, /healthz --------------------------------------------------------------------------------------------
with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % PORT, timeout=10) as response:
    assert json.load(response)["status"] == "ok"
ok("healthz")
with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % PORT, timeout=10) as response:
    families = {f.name: f for f in text_string_to_metric_families(response.read().decode("utf-8"))}
# prometheus_client strips `_total` from counter family names.
assert "userstream_http_requests" in families, sorted(families)
samples = families["userstream_http_requests"].samples
assert any(s.labels.get("route") == "/v1/statement" and s.labels.get("status") == "200" for s in samples), samples
ok("metrics parsed: %d families" % len(families))

#!/usr/bin/env python3
"""Differential test of our CQL server against real Apache Cassandra.

    cql_differential.py REAL_HOST:PORT OURS_HOST:PORT [--known FILE] [--write-known] [--verbose]
    cql_differential.py [REAL_HOST:PORT] --userstream PATH/TO/userstream [...]

With --userstream, the script starts `userstream store` itself on a free loopback port with a fresh temporary data
directory and stops it at the end (also on failure); the real node defaults to $CASSANDRA_HOST, as
Tests/Engines/cassandra_node.sh run sets it:

    Tests/Engines/cassandra_node.sh run -- .venv-interop/bin/python Tests/Engines/cql_differential.py \
        --userstream .build/debug/userstream

Runs the same script of CQL statements and driver calls (DataStax cassandra-driver, protocol v4) against both
contact points, normalises each answer (rows, column types, errors as code + message), and compares them step by step.
Every step whose answers differ must be listed in the known-differences file (default: cql_known_differences.json
beside this script) with exactly those two answers, and every listed step must still differ in exactly that way:
a new difference fails, and so does a listed one that went away or changed. Exit status 0 when the differences are
exactly the listed ones.

--write-known rewrites the file from this run (keeping the reasons already written) instead of checking.
"""

import argparse
import datetime
import decimal
import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import sys
import time
import uuid

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import RoundRobinPolicy
from cassandra.protocol import ErrorMessage
from cassandra.query import BatchStatement, BatchType, SimpleStatement, tuple_factory
from cassandra.util import Date, OrderedMapSerializedKey, SortedSet, Time

KS = "diff_ks"


# ---------------------------------------------------------------------------------------------------------------------
# Normalisation: answers as plain JSON values, so that they compare and print the same on both sides.


def norm_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return "decimal:" + str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return "uuid:" + str(value)
    if isinstance(value, datetime.datetime):
        return "ts:" + value.isoformat()
    if isinstance(value, (Date, Time, datetime.date, datetime.time)):
        return type(value).__name__.lower() + ":" + str(value)
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return "inet:" + str(value)
    if isinstance(value, (OrderedMapSerializedKey, dict)):
        return {"map": [[norm_value(k), norm_value(v)] for k, v in value.items()]}
    if isinstance(value, (SortedSet, set, frozenset)):
        return {"set": [norm_value(v) for v in value]}
    if isinstance(value, tuple):
        return {"tuple": [norm_value(v) for v in value]}
    if isinstance(value, list):
        return [norm_value(v) for v in value]
    return "?" + type(value).__name__ + ":" + str(value)


def norm_rows(result):
    names = list(result.column_names or [])
    types = [t.cql_parameterized_type() if hasattr(t, "cql_parameterized_type") else str(t)
             for t in (result.column_types or [])]
    return {"columns": names, "types": types, "rows": [[norm_value(v) for v in row] for row in result.current_rows]}


SERVER_ERROR = re.compile(r'^Error from server: code=([0-9a-fA-F]+) \[[^\]]*\] message="(.*)"$', re.S)


def norm_error(error, text=True):
    """An error as {"error": "0x2200", "message": ...}: the protocol code, and the text when compared."""
    if isinstance(error, ErrorMessage):
        code, message = "0x%04x" % error.code, error.message
    else:
        match = SERVER_ERROR.match(str(error))
        if match is None:
            return {"error": type(error).__name__, "message": str(error)}
        code, message = "0x" + match.group(1).lower().rjust(4, "0"), match.group(2)
    answer = {"error": code}
    if text:
        answer["message"] = message
    return answer


# ---------------------------------------------------------------------------------------------------------------------
# The script. Each step gets a Side (one cluster) and returns a JSON value.


class Side:
    def __init__(self, name, contact):
        host, port = contact.rsplit(":", 1)
        self.name = name
        profile = ExecutionProfile(
            load_balancing_policy=RoundRobinPolicy(),
            row_factory=tuple_factory,
            consistency_level=ConsistencyLevel.ONE,
            request_timeout=30,
        )
        self.cluster = Cluster(
            contact_points=[host],
            port=int(port),
            protocol_version=4,
            execution_profiles={EXEC_PROFILE_DEFAULT: profile},
            connect_timeout=20,
            control_connection_timeout=20,
        )
        self.session = self.cluster.connect()

    def close(self):
        self.cluster.shutdown()

    def rows(self, query, values=None, fetch_size=None):
        statement = SimpleStatement(query, fetch_size=fetch_size)
        return norm_rows(self.session.execute(statement, values))

    def run(self, query, values=None):
        self.session.execute(query, values)


def step_query(query, values=None, text=True):
    """A step running one statement: its rows (or void) or its error."""

    def run(side):
        try:
            result = side.session.execute(SimpleStatement(query), values)
        except Exception as error:  # noqa: BLE001 - every error is an answer
            return norm_error(error, text)
        if result.column_names is None:
            return {"void": True}
        return norm_rows(result)

    return run


STEPS = []


def step(name, body):
    STEPS.append((name, body))


def q(name, query, values=None, text=True):
    step(name, step_query(query, values, text))


# --- schema -----------------------------------------------------------------------------------------------------------

q("ddl.create_keyspace",
  f"CREATE KEYSPACE {KS} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}")
q("ddl.create_keyspace_again",
  f"CREATE KEYSPACE {KS} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}")
q("ddl.create_keyspace_if_not_exists",
  f"CREATE KEYSPACE IF NOT EXISTS {KS} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}")
q("ddl.keyspace_bad_strategy",
  "CREATE KEYSPACE bad_ks WITH replication = {'class': 'NoSuchStrategy'}")
q("ddl.types_table",
  f"""CREATE TABLE {KS}.types (k int PRIMARY KEY, a ascii, bi bigint, bl blob, bo boolean, d date, de decimal,
  db double, f float, i inet, si smallint, t text, ti time, ts timestamp, tu timeuuid, ty tinyint, u uuid,
  vc varchar, vi varint)""")
q("ddl.table_again", f"CREATE TABLE {KS}.types (k int PRIMARY KEY)")
q("ddl.collections_table",
  f"""CREATE TABLE {KS}.coll (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>,
  fl frozen<list<int>>, tp tuple<int, text>)""")
q("ddl.clustered_table",
  f"CREATE TABLE {KS}.cl (p int, c1 int, c2 text, v text, PRIMARY KEY (p, c1, c2)) "
  "WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC)")
q("ddl.kv_table", f"CREATE TABLE {KS}.kv (k int PRIMARY KEY, v text, n int)")
q("ddl.counter_table", f"CREATE TABLE {KS}.counts (k int PRIMARY KEY, c counter)")
q("ddl.ttl_table", f"CREATE TABLE {KS}.short (k int PRIMARY KEY, v text) WITH default_time_to_live = 2")
q("ddl.drop_missing_table", f"DROP TABLE {KS}.nope")
q("ddl.drop_missing_table_if_exists", f"DROP TABLE IF EXISTS {KS}.nope")
q("ddl.unknown_type", f"CREATE TABLE {KS}.bad (k int PRIMARY KEY, v nosuchtype)")
q("ddl.no_primary_key", f"CREATE TABLE {KS}.bad (k int, v int)")
q("ddl.use_missing_keyspace", "USE no_such_keyspace")

# --- system tables the drivers read -----------------------------------------------------------------------------------

q("system.local.fixed",
  "SELECT key, bootstrapped, cql_version, native_protocol_version, partitioner, data_center, rack, "
  "release_version, tokens FROM system.local WHERE key = 'local'")
step("system.local.columns", lambda side: side.rows("SELECT * FROM system.local")["columns"])
step("system.peers", lambda side: side.rows("SELECT * FROM system.peers"))
q("system.peers_v2", "SELECT * FROM system.peers_v2")
q("system_schema.keyspace",
  f"SELECT keyspace_name, durable_writes, replication FROM system_schema.keyspaces WHERE keyspace_name = '{KS}'")
q("system_schema.tables",
  "SELECT table_name, bloom_filter_fp_chance, caching, comment, compaction, compression, crc_check_chance, "
  "dclocal_read_repair_chance, default_time_to_live, extensions, flags, gc_grace_seconds, max_index_interval, "
  "memtable_flush_period_in_ms, min_index_interval, read_repair_chance, speculative_retry "
  f"FROM system_schema.tables WHERE keyspace_name = '{KS}'")
q("system_schema.columns",
  "SELECT table_name, column_name, clustering_order, kind, position, type "
  f"FROM system_schema.columns WHERE keyspace_name = '{KS}'")
q("system_schema.tables.columns_of_table",
  "SELECT * FROM system_schema.tables WHERE keyspace_name = 'system_schema' AND table_name = 'tables'")
step("system_schema.tables.columns",
     lambda side: side.rows("SELECT * FROM system_schema.tables LIMIT 1")["columns"])
step("system_schema.columns.columns",
     lambda side: side.rows("SELECT * FROM system_schema.columns LIMIT 1")["columns"])
step("system_schema.keyspaces.system",
     # Only the system keyspaces and this script's: a shared node may hold other tests' keyspaces (and the store's
     # spark_streams always exists on ours).
     lambda side: sorted(r[0] for r in side.rows("SELECT keyspace_name FROM system_schema.keyspaces")["rows"]
                         if r[0].startswith("system") or r[0] == KS))


def driver_metadata(side):
    side.cluster.refresh_schema_metadata()
    keyspace = side.cluster.metadata.keyspaces[KS]
    return {name: keyspace.tables[name].export_as_string() for name in sorted(keyspace.tables)}


step("driver.schema_metadata", driver_metadata)

# --- types ------------------------------------------------------------------------------------------------------------

q("types.insert_literals",
  f"""INSERT INTO {KS}.types (k, a, bi, bl, bo, d, de, db, f, i, si, t, ti, ts, tu, ty, u, vc, vi) VALUES
  (1, 'ascii', -9223372036854775808, 0xcafe, true, '2024-02-29', 12.3450, 1.5e300, 3.25, '10.0.0.1', -32768,
  'tëxt ☃', '13:14:15.123456789', '2024-05-01 12:00:00.123+0000', 50554d6e-29bb-11e5-b345-feff819cdc9f, 127,
  123e4567-e89b-12d3-a456-426614174000, 'varchar', 123456789012345678901234567890)""")
q("types.insert_literals_2",
  f"""INSERT INTO {KS}.types (k, i, d, ts, vi, de, db, f) VALUES
  (2, '::1', '1970-01-01', 0, -1, -0.001, -0.0, 1e-30)""")
q("types.select", f"SELECT * FROM {KS}.types WHERE k IN (1, 2)")


def types_prepared(side):
    prepared = side.session.prepare(
        f"INSERT INTO {KS}.types (k, a, bi, bl, bo, d, de, db, f, i, si, t, ti, ts, tu, ty, u, vc, vi) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    side.session.execute(prepared, (
        3, "a", 42, b"\x00\x01", False, Date(datetime.date(2000, 1, 1)), decimal.Decimal("-1.50"), 2.5, 0.5,
        "192.168.1.1", 7, "t", Time(1), datetime.datetime(2001, 2, 3, 4, 5, 6, 789000),
        uuid.UUID("50554d6e-29bb-11e5-b345-feff819cdc9f"), -128, uuid.UUID(int=1), "v", -(10 ** 30)))
    bound = [[c.name, c.type.cql_parameterized_type()] for c in prepared.column_metadata]
    return {"bound": bound, "row": side.rows(f"SELECT * FROM {KS}.types WHERE k = 3")}


step("types.prepared", types_prepared)
q("types.bad_int_literal", f"INSERT INTO {KS}.types (k, si) VALUES (4, 40000)")
q("types.int_overflow", f"INSERT INTO {KS}.types (k, vi, i) VALUES (4, 1, '1.2.3.4') USING TTL 3000000000")
q("types.int_literal_overflow", f"INSERT INTO {KS}.types (k, si) VALUES (4, 3000000000)")
q("types.bigint_literal_overflow", f"INSERT INTO {KS}.types (k, bi) VALUES (4, 99999999999999999999)")
q("types.tinyint_overflow", f"INSERT INTO {KS}.types (k, ty) VALUES (4, 300)")
q("types.quoted_uuid", f"INSERT INTO {KS}.types (k, u) VALUES (4, '123e4567-e89b-12d3-a456-426614174000')")
q("types.bad_text_for_int", f"INSERT INTO {KS}.types (k, bi) VALUES (4, 'x')")
q("types.bad_uuid", f"INSERT INTO {KS}.types (k, u) VALUES (4, 'not-a-uuid')")
q("types.functions",
  f"SELECT totimestamp(tu), todate(tu), tounixtimestamp(tu), tounixtimestamp(ts) FROM {KS}.types WHERE k = 1")

# --- collections ------------------------------------------------------------------------------------------------------

q("coll.insert",
  f"INSERT INTO {KS}.coll (k, l, s, m, fl, tp) VALUES (1, [3, 1, 2], {{'b', 'a', 'b'}}, {{'y': 2, 'x': 1}}, "
  "[1, 2], (7, 'seven'))")
q("coll.select", f"SELECT * FROM {KS}.coll WHERE k = 1")
q("coll.append", f"UPDATE {KS}.coll SET l = l + [4], s = s + {{'c'}}, m = m + {{'z': 3}} WHERE k = 1")
q("coll.prepend", f"UPDATE {KS}.coll SET l = [0] + l WHERE k = 1")
q("coll.remove", f"UPDATE {KS}.coll SET l = l - [1], s = s - {{'a'}}, m = m - {{'x'}} WHERE k = 1")
q("coll.set_element", f"UPDATE {KS}.coll SET l[0] = 9, m['w'] = 0 WHERE k = 1")
q("coll.after_updates", f"SELECT l, s, m FROM {KS}.coll WHERE k = 1")
q("coll.index_out_of_bounds", f"UPDATE {KS}.coll SET l[10] = 1 WHERE k = 1")
q("coll.empty_is_null", f"INSERT INTO {KS}.coll (k, l, s, m) VALUES (2, [], {{}}, {{}})")
q("coll.empty_select", f"SELECT l, s, m FROM {KS}.coll WHERE k = 2")
q("coll.contains", f"SELECT k FROM {KS}.coll WHERE s CONTAINS 'c' ALLOW FILTERING")
q("coll.frozen_append", f"UPDATE {KS}.coll SET fl = fl + [3] WHERE k = 1")
q("coll.writetime_collection", f"SELECT writetime(l) FROM {KS}.coll WHERE k = 1")

# --- clustering order, restrictions, paging ---------------------------------------------------------------------------


def fill_clustered(side):
    prepared = side.session.prepare(f"INSERT INTO {KS}.cl (p, c1, c2, v) VALUES (?, ?, ?, ?)")
    for p in range(3):
        for c1 in range(4):
            for c2 in ("a", "b"):
                side.session.execute(prepared, (p, c1, c2, f"{p}-{c1}-{c2}"))
    return prepared.routing_key_indexes


step("cl.fill", fill_clustered)
q("cl.partition", f"SELECT * FROM {KS}.cl WHERE p = 1")
q("cl.order_asc", f"SELECT c1, c2 FROM {KS}.cl WHERE p = 1 ORDER BY c1 ASC")
q("cl.order_desc", f"SELECT c1, c2 FROM {KS}.cl WHERE p = 1 ORDER BY c1 DESC, c2 ASC")
q("cl.order_bad", f"SELECT c1, c2 FROM {KS}.cl WHERE p = 1 ORDER BY c2 ASC")
q("cl.order_without_partition", f"SELECT c1 FROM {KS}.cl ORDER BY c1 ASC")
q("cl.range", f"SELECT c1, c2 FROM {KS}.cl WHERE p = 2 AND c1 > 0 AND c1 <= 2")
q("cl.in", f"SELECT p, c1, c2 FROM {KS}.cl WHERE p IN (2, 0) AND c1 = 3")
q("cl.limit", f"SELECT c1, c2 FROM {KS}.cl WHERE p = 0 LIMIT 3")
q("cl.limit_zero", f"SELECT c1 FROM {KS}.cl WHERE p = 0 LIMIT 0")
q("cl.count", f"SELECT count(*) FROM {KS}.cl")
q("cl.count_partition", f"SELECT count(*), count(v) FROM {KS}.cl WHERE p = 1")
q("cl.distinct", f"SELECT DISTINCT p FROM {KS}.cl")
q("cl.filtering_needed", f"SELECT * FROM {KS}.cl WHERE v = '1-1-a'")
q("cl.filtering", f"SELECT p, c1, c2 FROM {KS}.cl WHERE v = '1-1-a' ALLOW FILTERING")
q("cl.skip_clustering", f"SELECT * FROM {KS}.cl WHERE p = 1 AND c2 = 'a'")
q("cl.after_slice", f"SELECT * FROM {KS}.cl WHERE p = 1 AND c1 > 0 AND c2 = 'a'")
q("cl.alias", f"SELECT c1 AS first, v AS value FROM {KS}.cl WHERE p = 0 AND c1 = 0")
q("cl.unknown_column", f"SELECT nope FROM {KS}.cl")
q("cl.unknown_table", f"SELECT * FROM {KS}.nope")
q("cl.delete_range", f"DELETE FROM {KS}.cl WHERE p = 2 AND c1 >= 2")
q("cl.after_range_delete", f"SELECT c1, c2 FROM {KS}.cl WHERE p = 2")


def paging(side):
    pages = []
    statement = SimpleStatement(f"SELECT p, c1, c2 FROM {KS}.cl WHERE p = 1", fetch_size=3)
    result = side.session.execute(statement)
    while True:
        pages.append([[norm_value(v) for v in row] for row in result.current_rows])
        if not result.has_more_pages:
            break
        result = side.session.execute(statement, paging_state=result.paging_state)
    return pages


step("paging.partition", paging)


def paging_all(side):
    statement = SimpleStatement(f"SELECT p FROM {KS}.cl", fetch_size=5)
    result = side.session.execute(statement)
    # Row order across partitions is token order in Cassandra: compare the multiset and the page sizes.
    sizes = []
    rows = []
    while True:
        sizes.append(len(result.current_rows))
        rows += [row[0] for row in result.current_rows]
        if not result.has_more_pages:
            break
        result = side.session.execute(statement, paging_state=result.paging_state)
    return {"sizes": sizes, "rows": sorted(rows)}


step("paging.table", paging_all)
step("order.partitions_token_order",
     lambda side: [r[0] for r in side.rows(f"SELECT DISTINCT p FROM {KS}.cl")["rows"]])

# --- lightweight transactions -----------------------------------------------------------------------------------------

q("lwt.insert_new", f"INSERT INTO {KS}.kv (k, v, n) VALUES (1, 'one', 1) IF NOT EXISTS")
q("lwt.insert_existing", f"INSERT INTO {KS}.kv (k, v, n) VALUES (1, 'uno', 1) IF NOT EXISTS")
q("lwt.update_condition_false", f"UPDATE {KS}.kv SET v = 'x' WHERE k = 1 IF v = 'nope'")
q("lwt.update_condition_true", f"UPDATE {KS}.kv SET v = 'x' WHERE k = 1 IF v = 'one'")
q("lwt.update_missing_row", f"UPDATE {KS}.kv SET v = 'x' WHERE k = 99 IF v = 'one'")
q("lwt.update_if_exists_missing", f"UPDATE {KS}.kv SET v = 'x' WHERE k = 98 IF EXISTS")
q("lwt.delete_if_exists", f"DELETE FROM {KS}.kv WHERE k = 1 IF EXISTS")
q("lwt.delete_if_exists_again", f"DELETE FROM {KS}.kv WHERE k = 1 IF EXISTS")
q("lwt.condition_on_key", f"UPDATE {KS}.kv SET v = 'x' WHERE k = 1 IF k = 1")
q("lwt.timestamp", f"INSERT INTO {KS}.kv (k, v) VALUES (2, 'x') IF NOT EXISTS USING TIMESTAMP 5")

# --- batches ----------------------------------------------------------------------------------------------------------

q("batch.logged",
  f"BEGIN BATCH INSERT INTO {KS}.kv (k, v) VALUES (10, 'ten'); UPDATE {KS}.kv SET n = 10 WHERE k = 10; "
  f"INSERT INTO {KS}.kv (k, v) VALUES (11, 'eleven'); APPLY BATCH")
q("batch.select", f"SELECT k, v, n FROM {KS}.kv WHERE k IN (10, 11)")
q("batch.using_timestamp",
  f"BEGIN BATCH USING TIMESTAMP 1000 INSERT INTO {KS}.kv (k, v) VALUES (12, 'b'); "
  f"UPDATE {KS}.kv SET n = 12 WHERE k = 12; APPLY BATCH")
q("batch.using_timestamp_select", f"SELECT v, writetime(v), n, writetime(n) FROM {KS}.kv WHERE k = 12")
q("batch.older_after_batch", f"INSERT INTO {KS}.kv (k, v) VALUES (12, 'older') USING TIMESTAMP 999")
q("batch.older_after_batch_select", f"SELECT v FROM {KS}.kv WHERE k = 12")
q("batch.both_timestamps",
  f"BEGIN BATCH USING TIMESTAMP 5 INSERT INTO {KS}.kv (k, v) VALUES (13, 'x') USING TIMESTAMP 6; APPLY BATCH")
q("batch.select_in_batch", f"BEGIN BATCH SELECT * FROM {KS}.kv; APPLY BATCH", text=False)
q("batch.counter_in_logged",
  f"BEGIN BATCH UPDATE {KS}.counts SET c = c + 1 WHERE k = 1; APPLY BATCH")
q("batch.counter_batch", f"BEGIN COUNTER BATCH UPDATE {KS}.counts SET c = c + 2 WHERE k = 1; APPLY BATCH")
q("batch.counter_value", f"SELECT c FROM {KS}.counts WHERE k = 1")


def batch_message(side):
    prepared = side.session.prepare(f"INSERT INTO {KS}.kv (k, v, n) VALUES (?, ?, ?)")
    batch = BatchStatement(batch_type=BatchType.UNLOGGED)
    batch.add(prepared, (20, "twenty", 20))
    batch.add(SimpleStatement(f"UPDATE {KS}.kv SET v = %s WHERE k = %s"), ("twenty-one", 21))
    side.session.execute(batch)
    return side.rows(f"SELECT k, v, n FROM {KS}.kv WHERE k IN (20, 21)")


step("batch.message", batch_message)


def batch_message_timestamp(side):
    prepared = side.session.prepare(f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?)")
    batch = BatchStatement()
    batch.add(prepared, (22, "x"))
    # The driver sends its timestamp generator's value as each request's default timestamp.
    generator = side.cluster.timestamp_generator
    try:
        side.cluster.timestamp_generator = lambda: 123456
        side.session.execute(batch)
        side.cluster.timestamp_generator = lambda: 654321
        side.session.execute(f"INSERT INTO {KS}.kv (k, n) VALUES (22, 5)")
        side.cluster.timestamp_generator = lambda: 100
        side.session.execute(f"INSERT INTO {KS}.kv (k, n) VALUES (22, 6)")
    finally:
        side.cluster.timestamp_generator = generator
    return side.rows(f"SELECT writetime(v), n, writetime(n) FROM {KS}.kv WHERE k = 22")


step("batch.message_timestamp", batch_message_timestamp)

# --- write timestamps -------------------------------------------------------------------------------------------------

q("ts.write_200", f"INSERT INTO {KS}.kv (k, v, n) VALUES (30, 'new', 2) USING TIMESTAMP 200")
q("ts.write_100", f"INSERT INTO {KS}.kv (k, v, n) VALUES (30, 'old', 1) USING TIMESTAMP 100")
q("ts.after_older", f"SELECT v, n, writetime(v), writetime(n) FROM {KS}.kv WHERE k = 30")
q("ts.update_one_newer", f"UPDATE {KS}.kv USING TIMESTAMP 300 SET v = 'v300' WHERE k = 30")
q("ts.update_mixed", f"UPDATE {KS}.kv USING TIMESTAMP 250 SET v = 'v250', n = 250 WHERE k = 30")
q("ts.per_cell", f"SELECT v, n, writetime(v), writetime(n) FROM {KS}.kv WHERE k = 30")
q("ts.delete_200", f"DELETE FROM {KS}.kv USING TIMESTAMP 260 WHERE k = 30")
q("ts.after_delete", f"SELECT k, v, n FROM {KS}.kv WHERE k = 30")
q("ts.insert_older_than_delete", f"INSERT INTO {KS}.kv (k, v, n) VALUES (30, 'late', 9) USING TIMESTAMP 255")
q("ts.after_older_insert", f"SELECT k, v, n FROM {KS}.kv WHERE k = 30")
q("ts.delete_missing_row", f"DELETE FROM {KS}.kv USING TIMESTAMP 500 WHERE k = 31")
q("ts.insert_tie_with_delete", f"INSERT INTO {KS}.kv (k, v) VALUES (31, 'tie') USING TIMESTAMP 500")
q("ts.tie_delete_wins", f"SELECT * FROM {KS}.kv WHERE k = 31")
q("ts.tie_live_b", f"INSERT INTO {KS}.kv (k, v) VALUES (32, 'b') USING TIMESTAMP 60")
q("ts.tie_live_a", f"INSERT INTO {KS}.kv (k, v) VALUES (32, 'a') USING TIMESTAMP 60")
q("ts.tie_int_pos", f"INSERT INTO {KS}.kv (k, n) VALUES (33, 1) USING TIMESTAMP 70")
q("ts.tie_int_neg", f"INSERT INTO {KS}.kv (k, n) VALUES (33, -1) USING TIMESTAMP 70")
q("ts.tie_results", f"SELECT k, v, n FROM {KS}.kv WHERE k IN (32, 33)")
q("ts.partition_delete", f"DELETE FROM {KS}.cl USING TIMESTAMP 10 WHERE p = 0")
q("ts.insert_under_partition_delete", f"INSERT INTO {KS}.cl (p, c1, c2, v) VALUES (0, 9, 'z', 'x') USING TIMESTAMP 5")
q("ts.partition_after", f"SELECT * FROM {KS}.cl WHERE p = 0")
q("ts.partition_rows_10", f"INSERT INTO {KS}.cl (p, c1, c2, v) VALUES (5, 1, 'a', 'x') USING TIMESTAMP 10")
q("ts.partition_delete_20", f"DELETE FROM {KS}.cl USING TIMESTAMP 20 WHERE p = 5")
q("ts.partition_insert_15", f"INSERT INTO {KS}.cl (p, c1, c2, v) VALUES (5, 2, 'b', 'y') USING TIMESTAMP 15")
q("ts.partition_insert_25", f"INSERT INTO {KS}.cl (p, c1, c2, v) VALUES (5, 3, 'c', 'z') USING TIMESTAMP 25")
q("ts.partition_after_tombstone", f"SELECT c1, c2, v, writetime(v) FROM {KS}.cl WHERE p = 5")
q("ts.range_rows_10", f"INSERT INTO {KS}.cl (p, c1, c2, v) VALUES (6, 1, 'a', 'x') USING TIMESTAMP 10")
q("ts.range_delete_20", f"DELETE FROM {KS}.cl USING TIMESTAMP 20 WHERE p = 6 AND c1 >= 1")
q("ts.range_insert_15", f"INSERT INTO {KS}.cl (p, c1, c2, v) VALUES (6, 2, 'b', 'y') USING TIMESTAMP 15")
q("ts.range_insert_25", f"INSERT INTO {KS}.cl (p, c1, c2, v) VALUES (6, 3, 'c', 'z') USING TIMESTAMP 25")
q("ts.range_after_tombstone", f"SELECT c1, c2, v FROM {KS}.cl WHERE p = 6")
q("ts.collection_set_100", f"UPDATE {KS}.coll USING TIMESTAMP 100 SET s = {{'a'}}, m = {{'x': 1}} WHERE k = 5")
q("ts.collection_add_50", f"UPDATE {KS}.coll USING TIMESTAMP 50 SET s = s + {{'b'}}, m['y'] = 2 WHERE k = 5")
q("ts.collection_add_150", f"UPDATE {KS}.coll USING TIMESTAMP 150 SET s = s + {{'c'}} WHERE k = 5")
q("ts.collection_add_120", f"UPDATE {KS}.coll USING TIMESTAMP 120 SET s = s + {{'d'}} WHERE k = 5")
q("ts.collection_after", f"SELECT s, m FROM {KS}.coll WHERE k = 5")
q("ts.update_creates_no_marker", f"UPDATE {KS}.kv USING TIMESTAMP 10 SET v = 'u' WHERE k = 36")
q("ts.update_then_null", f"UPDATE {KS}.kv USING TIMESTAMP 11 SET v = null WHERE k = 36")
q("ts.update_row_gone", f"SELECT * FROM {KS}.kv WHERE k = 36")
q("ts.insert_keeps_marker", f"INSERT INTO {KS}.kv (k, v) VALUES (37, 'i') USING TIMESTAMP 10")
q("ts.insert_then_null", f"UPDATE {KS}.kv USING TIMESTAMP 11 SET v = null WHERE k = 37")
q("ts.insert_row_stays", f"SELECT * FROM {KS}.kv WHERE k = 37")
q("ts.delete_column_older", f"DELETE n FROM {KS}.kv USING TIMESTAMP 1 WHERE k = 33")
q("ts.after_delete_column_older", f"SELECT n FROM {KS}.kv WHERE k = 33")
q("ts.counter_timestamp", f"UPDATE {KS}.counts USING TIMESTAMP 5 SET c = c + 1 WHERE k = 1")
q("ts.null_timestamp", f"INSERT INTO {KS}.kv (k, v) VALUES (34, 'x') USING TIMESTAMP null", text=False)
q("ts.negative_timestamp", f"INSERT INTO {KS}.kv (k, v) VALUES (34, 'x') USING TIMESTAMP -5")
q("ts.negative_timestamp_select", f"SELECT v, writetime(v) FROM {KS}.kv WHERE k = 34")
q("ts.writetime_key", f"SELECT writetime(k) FROM {KS}.kv WHERE k = 32")
q("ts.ttl_key", f"SELECT ttl(k) FROM {KS}.kv WHERE k = 32")


def server_timestamp(side):
    before = int(time.time() * 1_000_000)
    side.run(f"INSERT INTO {KS}.kv (k, v) VALUES (35, 'now')")
    side.run(f"INSERT INTO {KS}.kv (k, n) VALUES (35, 1)")
    after = int(time.time() * 1_000_000)
    (wv, wn), = side.rows(f"SELECT writetime(v), writetime(n) FROM {KS}.kv WHERE k = 35")["rows"]
    return {"within_request_window": before - 2_000_000 <= wv <= after + 2_000_000, "increasing": wn > wv}


step("ts.server_timestamps", server_timestamp)

# --- TTL --------------------------------------------------------------------------------------------------------------

q("ttl.negative", f"INSERT INTO {KS}.kv (k, v) VALUES (40, 'x') USING TTL -1")
q("ttl.too_large", f"INSERT INTO {KS}.kv (k, v) VALUES (40, 'x') USING TTL 630720001")
q("ttl.counter", f"UPDATE {KS}.counts USING TTL 5 SET c = c + 1 WHERE k = 1")
q("ttl.in_delete", f"DELETE FROM {KS}.kv USING TTL 5 WHERE k = 40", text=False)
q("ttl.bind_marker_null", f"INSERT INTO {KS}.kv (k, v) VALUES (40, 'x') USING TTL ?", [None])
q("ttl.batch_level", f"BEGIN BATCH USING TTL 5 INSERT INTO {KS}.kv (k, v) VALUES (40, 'x'); APPLY BATCH", text=False)


def ttl_values(side):
    side.run(f"INSERT INTO {KS}.kv (k, v, n) VALUES (41, 'long', 1) USING TTL 1000")
    side.run(f"UPDATE {KS}.kv USING TTL 500 SET n = 2 WHERE k = 41")
    (tv, tn, none), = side.rows(f"SELECT ttl(v), ttl(n), ttl(v) FROM {KS}.kv WHERE k = 41")["rows"]
    side.run(f"INSERT INTO {KS}.kv (k, v) VALUES (42, 'forever')")
    (forever,), = side.rows(f"SELECT ttl(v) FROM {KS}.kv WHERE k = 42")["rows"]
    return {"v": 995 <= tv <= 1000, "n": 495 <= tn <= 500, "forever": forever}


step("ttl.values", ttl_values)


def prepared_using(side):
    prepared = side.session.prepare(f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?) USING TTL ? AND TIMESTAMP ?")
    side.session.execute(prepared, (45, "p", 1000, 777))
    side.session.execute(prepared, (45, "older", 1000, 776))
    bound = [[c.name, c.type.cql_parameterized_type()] for c in prepared.column_metadata]
    (v, writetime, ttl), = side.rows(f"SELECT v, writetime(v), ttl(v) FROM {KS}.kv WHERE k = 45")["rows"]
    return {"bound": bound, "v": v, "writetime": writetime, "ttl": 995 <= ttl <= 1000}


step("ttl.prepared_markers", prepared_using)


def ttl_expiry(side):
    # TTL 2: expiry has a one-second granularity (now in seconds + TTL), so a TTL of 2 leaves at least a second
    # to read the row back before it goes.
    side.run(f"INSERT INTO {KS}.kv (k, v, n) VALUES (43, 'short', 1) USING TTL 2")
    side.run(f"INSERT INTO {KS}.kv (k, v) VALUES (44, 'stays')")
    side.run(f"UPDATE {KS}.kv USING TTL 2 SET n = 5 WHERE k = 44")
    side.run(f"INSERT INTO {KS}.short (k, v) VALUES (1, 'default ttl')")
    side.run(f"INSERT INTO {KS}.short (k, v) VALUES (2, 'no ttl') USING TTL 0")
    before = side.rows(f"SELECT k, v, n FROM {KS}.kv WHERE k IN (43, 44)")["rows"]
    time.sleep(3.2)
    after = side.rows(f"SELECT k, v, n FROM {KS}.kv WHERE k IN (43, 44)")["rows"]
    count = side.rows(f"SELECT count(*) FROM {KS}.kv WHERE k IN (43, 44)")["rows"]
    short = side.rows(f"SELECT k, v FROM {KS}.short")["rows"]
    lwt = side.rows(f"INSERT INTO {KS}.kv (k, v) VALUES (43, 'again') IF NOT EXISTS")["rows"]
    return {"before": before, "after": after, "count": count, "short": short, "lwt": lwt}


step("ttl.expiry", ttl_expiry)

# --- other errors -----------------------------------------------------------------------------------------------------

q("error.syntax", "SELEKT * FROM system.local", text=False)
q("error.syntax_code_only_insert", f"INSERT INTO {KS}.kv (k, v) VALUES (1,", text=False)
q("error.missing_partition_key", f"INSERT INTO {KS}.kv (v) VALUES ('x')")
q("error.missing_clustering_key", f"INSERT INTO {KS}.cl (p, c1, v) VALUES (1, 1, 'x')")
q("error.update_key_column", f"UPDATE {KS}.kv SET k = 2 WHERE k = 1")
q("error.update_without_key", f"UPDATE {KS}.kv SET v = 'x' WHERE v = 'y'")
q("error.null_key", f"INSERT INTO {KS}.kv (k, v) VALUES (null, 'x')")
q("error.where_non_key_delete", f"DELETE FROM {KS}.kv WHERE v = 'x'")
q("error.counter_set", f"UPDATE {KS}.counts SET c = 5 WHERE k = 1")
q("error.counter_insert", f"INSERT INTO {KS}.counts (k, c) VALUES (1, 1)")
q("error.non_counter_increment", f"UPDATE {KS}.kv SET n = n + 1 WHERE k = 1")
q("error.system_write", "INSERT INTO system.local (key) VALUES ('x')")
q("error.no_keyspace", "SELECT * FROM kv")
q("error.wrong_value_count", f"INSERT INTO {KS}.kv (k, v) VALUES (1)")
q("error.duplicate_column", f"INSERT INTO {KS}.kv (k, v, v) VALUES (1, 'a', 'b')")
q("error.unknown_function", f"SELECT nosuchfn(v) FROM {KS}.kv")


def unprepared(side):
    prepared = side.session.prepare(f"SELECT v FROM {KS}.kv WHERE k = ?")
    side.run(f"DROP TABLE {KS}.kv")
    try:
        side.session.execute(prepared, (1,))
        return {"result": "rows"}
    except Exception as error:  # noqa: BLE001
        return norm_error(error)


step("error.prepared_after_drop", unprepared)
q("ddl.drop_keyspace", f"DROP KEYSPACE {KS}")
q("ddl.drop_keyspace_again", f"DROP KEYSPACE {KS}")


# ---------------------------------------------------------------------------------------------------------------------


def run_side(name, contact, verbose):
    side = Side(name, contact)
    answers = {}
    try:
        side.session.execute(f"DROP KEYSPACE IF EXISTS {KS}")
        for step_name, body in STEPS:
            try:
                answers[step_name] = body(side)
            except Exception as error:  # noqa: BLE001 - a failing driver call is an answer too
                answers[step_name] = {"step failed": norm_error(error)}
            if verbose:
                print(f"[{name}] {step_name}: {json.dumps(answers[step_name])[:300]}", file=sys.stderr)
    finally:
        side.close()
    return answers


class UserstreamStore:
    """`userstream store` on a free loopback port and a temporary data directory, for the length of a with block."""

    def __init__(self, binary):
        self.binary = binary

    def __enter__(self):
        self.directory = tempfile.mkdtemp(prefix="cql-differential-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = open(os.path.join(self.directory, "store.log"), "w")
        self.process = subprocess.Popen(
            [self.binary, "store", "--data-dir", os.path.join(self.directory, "data"), "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"userstream store exited with {self.process.returncode}")
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("userstream store did not listen within 60 s")
                    time.sleep(0.2)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return f"127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("real", nargs="?", default=os.environ.get("CASSANDRA_HOST"),
                        help="contact point of the real Cassandra node, host:port (default: $CASSANDRA_HOST)")
    parser.add_argument("ours", nargs="?", help="contact point of `userstream store`, host:port")
    parser.add_argument("--userstream", help="start `userstream store` from this binary instead of giving OURS")
    parser.add_argument("--known", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                        "cql_known_differences.json"))
    parser.add_argument("--write-known", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if not args.real:
        parser.error("the real node's contact point is missing (argument or $CASSANDRA_HOST)")
    if bool(args.ours) == bool(args.userstream):
        parser.error("give either OURS or --userstream")

    real = run_side("real", args.real, args.verbose)
    if args.userstream:
        with UserstreamStore(args.userstream) as contact:
            ours = run_side("ours", contact, args.verbose)
    else:
        ours = run_side("ours", args.ours, args.verbose)
    differences = {}
    for name, _ in STEPS:
        if real[name] != ours[name]:
            differences[name] = {"real": real[name], "ours": ours[name]}
    same = len(STEPS) - len(differences)
    print(f"cql_differential: {len(STEPS)} steps, {same} answered the same, {len(differences)} differ")

    known = {}
    if os.path.exists(args.known):
        with open(args.known) as file:
            known = json.load(file)
    if args.write_known:
        written = {}
        for name, difference in differences.items():
            reason = known.get(name, {}).get("reason", "TODO")
            written[name] = {"reason": reason, **difference}
        with open(args.known, "w") as file:
            json.dump(written, file, indent=2, ensure_ascii=False, sort_keys=True)
            file.write("\n")
        print(f"cql_differential: wrote {len(written)} known differences to {args.known}")
        return 0

    failures = []
    for name, difference in differences.items():
        listed = known.get(name)
        if listed is None:
            failures.append(f"NEW DIFFERENCE {name}:\n  real: {json.dumps(difference['real'])}\n"
                            f"  ours: {json.dumps(difference['ours'])}")
        elif listed.get("real") != difference["real"] or listed.get("ours") != difference["ours"]:
            failures.append(f"CHANGED DIFFERENCE {name} (listed: {listed.get('reason')}):\n"
                            f"  real: {json.dumps(difference['real'])}\n  ours: {json.dumps(difference['ours'])}\n"
                            f"  listed real: {json.dumps(listed.get('real'))}\n"
                            f"  listed ours: {json.dumps(listed.get('ours'))}")
    for name in known:
        if name not in differences:
            failures.append(f"LISTED DIFFERENCE GONE {name}: both now answer {json.dumps(real.get(name))}")
    for failure in failures:
        print(failure)
    if failures:
        print(f"cql_differential: FAILED ({len(failures)} unexpected)")
        return 1
    print(f"cql_differential: OK ({len(known)} known differences, as listed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Apache Superset (the pinned release in requirements.txt) against UserStream's Trino endpoint.

Superset runs in this process: its Flask application with the real REST API (login, CSRF, /api/v1/database,
/api/v1/dataset, /api/v1/chart/data, /api/v1/dashboard/import), its metadata database in SQLite in a temporary folder,
and the real `trino` SQLAlchemy dialect, which talks HTTP to the userstream process under test.

1. Embedded: `userstream run --source synthetic` (one short job run; the schedule then stays quiet), plus a known set of
   users with ingestion times spread over two years produced into its Kafka listener with kcat; the oracle is every row
   as `userstream query` reads it from the store.
2. Snapshot (when CASSANDRA_HOST is set, i.e. under Tests/Engines/cassandra_node.sh run): the known set produced into
   a `userstream broker`, `userstream process --cassandra` into the real Cassandra node, then
   `userstream serve --cassandra`; the oracle is the known set itself.

For each: the database is created through the REST API and SQL Lab runs a hand-written grain query; the
`created_users` dataset is created through the REST API; chart data is requested for a
pie (by gender), a bar (by nationality), a big number, a table of the newest users and a line chart at every time grain
Superset offers for Trino, each with and without a time-range filter, and compared with the oracle; then the charts of
deploy/superset/dashboard/ (imported through the API) are requested. Every process started is stopped, also on failure.

Usage: superset_check.py --userstream BIN --dashboard DIR
"""
import argparse
import datetime as dt
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import zipfile
from collections import Counter

UTC = dt.timezone.utc
KNOWN_USERS = 300
NATS = ["AU", "BR", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IN", "NL", "NZ", "US"]
# The filtered variant of every chart: a range with second-precision bounds (Superset's TIMESTAMP literals).
TIME_RANGE = ("2025-03-01T00:00:00", "2025-11-16T10:07:30")


def log(message):
    print(f"[superset] {message}", flush=True)


def fail(message):
    raise AssertionError(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Children:
    """Processes this script started; stopped (SIGTERM, then SIGKILL) whatever happens."""

    def __init__(self):
        self.processes = []

    def start(self, command, log_path):
        handle = open(log_path, "wb")
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        process.log_path = log_path
        self.processes.append(process)
        return process

    def stop(self, process, timeout=60):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode

    def stop_all(self):
        for process in reversed(self.processes):
            self.stop(process, timeout=20)


def tail(path, lines=30):
    try:
        with open(path, "rb") as handle:
            return b"\n".join(handle.read().splitlines()[-lines:]).decode("utf-8", "replace")
    except OSError:
        return ""


def wait_until(what, check, timeout=90, interval=0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as error:  # noqa: BLE001 — keep polling until the deadline
            last = error
        time.sleep(interval)
    fail(f"timed out waiting for {what}: {last!r}")


def healthy(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return response.status == 200


# --- the known users ---------------------------------------------------------------------------------------------


def known_users():
    """Users whose ingestion times cover every grain's edges: two years, one busy 20-minute stretch, week, month,
    quarter and year boundaries (a second either side)."""
    rng = random.Random(16)
    times = []
    start = dt.datetime(2025, 1, 1, tzinfo=UTC)
    for _ in range(110):
        times.append(start + dt.timedelta(seconds=rng.randrange(0, 540 * 86400), milliseconds=rng.randrange(1000)))
    busy = dt.datetime(2025, 11, 16, 10, 0, tzinfo=UTC)  # a Sunday
    for _ in range(110):
        times.append(busy + dt.timedelta(milliseconds=rng.randrange(0, 20 * 60 * 1000)))
    edges = [
        dt.datetime(2025, 11, 17, tzinfo=UTC),  # Monday 00:00
        dt.datetime(2025, 11, 16, tzinfo=UTC),  # Sunday 00:00
        dt.datetime(2025, 11, 15, tzinfo=UTC),  # Saturday 00:00
        dt.datetime(2025, 4, 1, tzinfo=UTC),
        dt.datetime(2026, 1, 1, tzinfo=UTC),
        dt.datetime(2025, 3, 1, tzinfo=UTC),  # the filter's start
        dt.datetime(2025, 11, 16, 10, 7, 30, tzinfo=UTC),  # the filter's end
    ]
    for edge in edges:
        for offset in (-1000, -1, 0, 1, 999):
            times.append(edge + dt.timedelta(milliseconds=offset))
    while len(times) < KNOWN_USERS:
        times.append(start + dt.timedelta(seconds=rng.randrange(0, 540 * 86400)))
    users = []
    for index, moment in enumerate(times[:KNOWN_USERS]):
        nat = rng.choice(NATS)
        users.append(
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"userstream-superset-{index}")),
                "first_name": f"First{index}",
                "last_name": f"Last{index}",
                "gender": rng.choice(["female", "male"]),
                "address": f"{index} Main Street, City, State, Country {nat}",
                "post_code": str(10000 + index),
                "email": f"known{index}@example.com",
                "username": f"known{index}",
                "dob": "1990-01-02T03:04:05.678Z",
                "registered_date": "2015-06-07T08:09:10.111Z",
                "phone": "01-234-5678",
                "picture": f"https://randomuser.me/api/portraits/med/women/{index % 100}.jpg",
                "nat": nat,
                "country": f"Country {nat}",
                "city": "City",
                "state": "State",
                "age": rng.randrange(18, 90),
                "latitude": rng.uniform(-80, 80),
                "longitude": rng.uniform(-170, 170),
                "cell": "07-000-0000",
                "ingested_at": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
            }
        )
    return users


def produce(users, kafka_port, tmp):
    path = os.path.join(tmp, "known.tsv")
    with open(path, "w") as handle:
        for user in users:
            handle.write(user["id"] + "\t" + json.dumps(user) + "\n")
    subprocess.run(
        ["kcat", "-b", f"127.0.0.1:{kafka_port}", "-P", "-t", "users_created", "-K", "\t", "-l", path],
        check=True,
        timeout=120,
    )


# --- the oracle: Trino's time grains in Python -------------------------------------------------------------------


def parse_time(text):
    """`2025-11-16T10:00:00.123Z` (the store) → naive UTC datetime."""
    return dt.datetime.strptime(text.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")


def trunc(t, unit):
    if unit == "second":
        return t.replace(microsecond=0)
    if unit == "minute":
        return t.replace(second=0, microsecond=0)
    if unit == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        return t.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "week":
        day = trunc(t, "day")
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return trunc(t, "day").replace(day=1)
    if unit == "quarter":
        return trunc(t, "month").replace(month=(t.month - 1) // 3 * 3 + 1)
    if unit == "year":
        return trunc(t, "month").replace(month=1)
    raise ValueError(unit)


DAY = dt.timedelta(days=1)
GRAINS = {
    None: lambda t: t,
    "PT1S": lambda t: trunc(t, "second"),
    "PT5S": lambda t: trunc(t, "second") - dt.timedelta(seconds=t.second % 5),
    "PT30S": lambda t: trunc(t, "second") - dt.timedelta(seconds=t.second % 30),
    "PT1M": lambda t: trunc(t, "minute"),
    "PT5M": lambda t: trunc(t, "minute") - dt.timedelta(minutes=t.minute % 5),
    "PT10M": lambda t: trunc(t, "minute") - dt.timedelta(minutes=t.minute % 10),
    "PT15M": lambda t: trunc(t, "minute") - dt.timedelta(minutes=t.minute % 15),
    "PT30M": lambda t: trunc(t, "minute") - dt.timedelta(minutes=t.minute % 30),
    "PT0.5H": lambda t: trunc(t, "minute") - dt.timedelta(minutes=t.minute % 30),
    "PT1H": lambda t: trunc(t, "hour"),
    "PT6H": lambda t: trunc(t, "hour") - dt.timedelta(hours=t.hour % 6),
    "P1D": lambda t: trunc(t, "day"),
    "P1W": lambda t: trunc(t, "week"),
    "P1M": lambda t: trunc(t, "month"),
    "P3M": lambda t: trunc(t, "quarter"),
    "P0.25Y": lambda t: trunc(t, "quarter"),
    "P1Y": lambda t: trunc(t, "year"),
    "1969-12-28T00:00:00Z/P1W": lambda t: trunc(t + DAY, "week") - DAY,
    "1969-12-29T00:00:00Z/P1W": lambda t: trunc(t, "week"),
    "P1W/1970-01-03T00:00:00Z": lambda t: trunc(t + DAY, "week") + 5 * DAY,
    "P1W/1970-01-04T00:00:00Z": lambda t: trunc(t, "week") + 6 * DAY,
}


def epoch_ms(t):
    return int(round(t.replace(tzinfo=UTC).timestamp() * 1000))


def in_range(rows, time_range):
    if time_range is None:
        return rows
    start, end = (dt.datetime.fromisoformat(bound) for bound in time_range)
    return [row for row in rows if start <= row["t"] < end]


# --- Superset -----------------------------------------------------------------------------------------------------


class Superset:
    def __init__(self, home):
        os.makedirs(home)
        config = os.path.join(home, "superset_config.py")
        with open(config, "w") as handle:
            handle.write(
                "SECRET_KEY = %r\n" % os.urandom(24).hex()
                + "SQLALCHEMY_DATABASE_URI = %r\n" % ("sqlite:///" + os.path.join(home, "superset.db"))
                + "DATA_CACHE_CONFIG = {'CACHE_TYPE': 'NullCache'}\n"
                + "RATELIMIT_ENABLED = False\nTALISMAN_ENABLED = False\n"
                + "SQLALCHEMY_EXAMPLES_URI = None\nSUPERSET_LOG_VIEW = False\nLOG_LEVEL = 'WARNING'\n"
                # /api/v1/security/login and /csrf_token/ (Flask-AppBuilder's security API).
                + "FAB_ADD_SECURITY_API = True\n"
            )
        os.environ["SUPERSET_CONFIG_PATH"] = config
        os.environ["SUPERSET_HOME"] = home
        started = time.monotonic()
        import logging
        import warnings

        warnings.filterwarnings("ignore")
        logging.disable(logging.INFO)
        from flask_migrate import upgrade

        import superset
        from superset.app import create_app

        self.app = create_app()
        with self.app.app_context():
            upgrade(directory=os.path.join(os.path.dirname(superset.__file__), "migrations"))
            from superset import appbuilder, security_manager

            # What `superset init` does.
            appbuilder.add_permissions(update_perms=True)
            security_manager.sync_role_definitions()
            security_manager.add_user(
                "admin", "Admin", "UserStream", "admin@example.com", security_manager.find_role("Admin"), password="admin"
            )
        log(f"metadata database migrated, roles synced, admin created ({time.monotonic() - started:.1f}s)")
        self.client = self.app.test_client()
        login = self.client.post(
            "/api/v1/security/login",
            json={"username": "admin", "password": "admin", "provider": "db", "refresh": True},
        )
        assert login.status_code == 200, ("login", login.status_code, login.get_data(as_text=True))
        self.headers = {"Authorization": "Bearer " + login.get_json()["access_token"]}
        csrf = self.client.get("/api/v1/security/csrf_token/", headers=self.headers)
        assert csrf.status_code == 200, ("csrf", csrf.status_code, csrf.get_data(as_text=True))
        self.headers["X-CSRFToken"] = csrf.get_json()["result"]
        self.headers["Referer"] = "http://localhost/"

    def call(self, method, path, expect=(200, 201), **kwargs):
        response = getattr(self.client, method)(path, headers=self.headers, **kwargs)
        if response.status_code not in expect:
            fail(f"{method.upper()} {path}: {response.status_code} {response.get_data(as_text=True)[:2000]}")
        return response.get_json()

    def create_database(self, name, uri):
        tested = self.call("post", "/api/v1/database/test_connection/", json={"sqlalchemy_uri": uri})
        assert tested.get("message") == "OK", tested
        created = self.call(
            "post", "/api/v1/database/", json={"database_name": name, "sqlalchemy_uri": uri, "expose_in_sqllab": True}
        )
        database = created["id"]
        schemas = self.call("get", f"/api/v1/database/{database}/schemas/")["result"]
        assert "spark_streams" in schemas, schemas
        return database

    def create_dataset(self, database):
        created = self.call(
            "post", "/api/v1/dataset/", json={"database": database, "schema": "spark_streams", "table_name": "created_users"}
        )
        dataset = created["id"]
        detail = self.call("get", f"/api/v1/dataset/{dataset}")["result"]
        columns = {column["column_name"]: column for column in detail["columns"]}
        ingested = columns["ingested_at"]
        if not ingested["is_dttm"] or "TIMESTAMP" not in (ingested["type"] or "").upper():
            fail(f"ingested_at is not a time column in Superset: {ingested}")
        if columns["dob"]["is_dttm"]:
            fail(f"dob should stay text: {columns['dob']}")
        metrics = [metric["metric_name"] for metric in detail["metrics"]]
        assert "count" in metrics, metrics
        log(f"dataset {dataset}: ingested_at {ingested['type']} is_dttm, main_dttm_col {detail['main_dttm_col']}")
        return dataset

    def chart_data(self, dataset, query, viz_type):
        body = {
            "datasource": {"id": dataset, "type": "table"},
            "force": True,
            "queries": [query],
            "form_data": {"viz_type": viz_type, "datasource": f"{dataset}__table"},
            "result_format": "json",
            "result_type": "full",
        }
        result = self.call("post", "/api/v1/chart/data", json=body)["result"][0]
        if result.get("error"):
            fail(f"{viz_type}: {result['error']}\n{result.get('query')}")
        return result


def filters(time_range, column="ingested_at"):
    if time_range is None:
        return [], "No filter"
    text = f"{time_range[0]} : {time_range[1]}"
    return [{"col": column, "op": "TEMPORAL_RANGE", "val": text}], text


def check_charts(superset, dataset, rows, grains, label):
    """Pie, bar, big number, table and line (every grain), with and without a time range, against `rows`."""
    checked = 0
    for time_range in (None, TIME_RANGE):
        expected_rows = in_range(rows, time_range)
        where, time_text = filters(time_range)
        suffix = "" if time_range is None else " (time range)"

        pie = superset.chart_data(
            dataset,
            {"columns": ["gender"], "metrics": ["count"], "orderby": [["count", False]], "row_limit": 100,
             "filters": where, "time_range": time_text},
            "pie",
        )
        got = {row["gender"]: row["count"] for row in pie["data"]}
        want = dict(Counter(row["gender"] for row in expected_rows))
        if got != want:
            fail(f"{label} pie{suffix}: {got} != {want}\n{pie['query']}")

        bar = superset.chart_data(
            dataset,
            # Superset 6's bar chart: a categorical x axis.
            {"columns": [{"columnType": "BASE_AXIS", "sqlExpression": "nat", "label": "nat", "expressionType": "SQL"}],
             "metrics": ["count"], "orderby": [["count", False]], "row_limit": 1000, "filters": where,
             "time_range": time_text, "series_columns": []},
            "echarts_timeseries_bar",
        )
        got = {row["nat"]: row["count"] for row in bar["data"]}
        want = dict(Counter(row["nat"] for row in expected_rows))
        if got != want:
            fail(f"{label} bar{suffix}: {got} != {want}\n{bar['query']}")

        big = superset.chart_data(
            dataset, {"metrics": ["count"], "filters": where, "time_range": time_text, "row_limit": 1},
            "big_number_total",
        )
        if big["data"] != [{"count": len(expected_rows)}]:
            fail(f"{label} big number{suffix}: {big['data']} != {len(expected_rows)}\n{big['query']}")

        table = superset.chart_data(
            dataset,
            {"columns": ["email", "ingested_at"], "orderby": [["ingested_at", False]], "row_limit": 25,
             "filters": where, "time_range": time_text},
            "table",
        )
        newest = sorted(expected_rows, key=lambda row: row["t"], reverse=True)[:25]
        got_times = [row["ingested_at"] for row in table["data"]]
        if got_times != [epoch_ms(row["t"]) for row in newest]:
            fail(f"{label} table{suffix}: {got_times} != {[epoch_ms(r['t']) for r in newest]}\n{table['query']}")
        cutoff = newest[-1]["t"] if newest else None
        if {row["email"] for row in table["data"] if cutoff and row["ingested_at"] > epoch_ms(cutoff)} != {
            row["email"] for row in newest if row["t"] > cutoff
        }:
            fail(f"{label} table{suffix}: emails differ\n{table['query']}")
        checked += 4

        for grain in grains:
            axis = {"columnType": "BASE_AXIS", "sqlExpression": "ingested_at", "label": "ingested_at",
                    "expressionType": "SQL", "timeGrain": grain}
            line = superset.chart_data(
                dataset,
                {"columns": [axis], "metrics": ["count"], "orderby": [], "row_limit": 100000, "filters": where,
                 "time_range": time_text, "series_columns": [], "is_timeseries": False},
                "echarts_timeseries_line",
            )
            got = {row["ingested_at"]: row["count"] for row in line["data"]}
            want = dict(Counter(epoch_ms(GRAINS[grain](row["t"])) for row in expected_rows))
            if got != want:
                extra = {k: v for k, v in got.items() if want.get(k) != v}
                missing = {k: v for k, v in want.items() if got.get(k) != v}
                fail(f"{label} line {grain}{suffix}: got {len(got)} buckets, want {len(want)}; "
                     f"wrong {list(extra.items())[:5]}, expected {list(missing.items())[:5]}\n{line['query']}")
            checked += 1
    log(f"{label}: {checked} chart queries equal the oracle ({len(rows)} users, {len(in_range(rows, TIME_RANGE))} "
        f"in the time range)")


def import_dashboard(superset, bundle_dir, uri, tmp):
    """Imports deploy/superset/dashboard/ through the API, its database pointed at `uri`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for folder, _, files in os.walk(bundle_dir):
            for name in files:
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, os.path.dirname(bundle_dir))
                with open(path) as handle:
                    text = handle.read()
                if relative.endswith(os.path.join("databases", "UserStream.yaml")):
                    lines = [f"sqlalchemy_uri: {uri}" if line.startswith("sqlalchemy_uri:") else line
                             for line in text.splitlines()]
                    text = "\n".join(lines) + "\n"
                archive.writestr(relative, text)
    buffer.seek(0)
    superset.call(
        "post",
        "/api/v1/dashboard/import/",
        data={"formData": (buffer, "userstream-dashboard.zip"), "overwrite": "true"},
        content_type="multipart/form-data",
    )
    dashboards = superset.call("get", "/api/v1/dashboard/")["result"]
    board = [d for d in dashboards if d["dashboard_title"] == "UserStream"]
    assert board, dashboards
    charts = superset.call("get", f"/api/v1/dashboard/{board[0]['id']}/charts")["result"]
    datasets = superset.call("get", f"/api/v1/dashboard/{board[0]['id']}/datasets")["result"]
    assert [d["table_name"] for d in datasets] == ["created_users"], datasets
    log(f"dashboard imported: {len(charts)} charts: {sorted(c['slice_name'] for c in charts)}")
    return charts, datasets[0]["id"]


def point_database(superset, uri):
    databases = superset.call("get", "/api/v1/database/")["result"]
    imported = [d for d in databases if d["database_name"] == "UserStream"][0]
    superset.call("put", f"/api/v1/database/{imported['id']}", json={"sqlalchemy_uri": uri})


def dashboard_query(params, dataset):
    """The query Superset's front end builds for each chart of the bundle (its viz type's buildQuery)."""
    viz = params["viz_type"]
    where = []
    time_text = params.get("time_range", "No filter")
    for adhoc in params.get("adhoc_filters", []):
        if adhoc.get("operator") == "TEMPORAL_RANGE":
            where.append({"col": adhoc["subject"], "op": "TEMPORAL_RANGE", "val": adhoc["comparator"]})
            time_text = adhoc["comparator"]
    query = {"filters": where, "time_range": time_text, "row_limit": params.get("row_limit", 10000)}
    if viz == "table":
        query.update(columns=params["all_columns"],
                     orderby=[json.loads(item) for item in params.get("order_by_cols", [])])
    elif viz == "big_number_total":
        query.update(metrics=[params["metric"]])
    elif viz == "pie":
        query.update(columns=params["groupby"], metrics=[params["metric"]], orderby=[[params["metric"], False]])
    elif viz.startswith("echarts_timeseries"):
        axis = {"columnType": "BASE_AXIS", "sqlExpression": params["x_axis"], "label": params["x_axis"],
                "expressionType": "SQL", "timeGrain": params.get("time_grain_sqla")}
        query.update(columns=[axis] + params.get("groupby", []), metrics=params["metrics"], orderby=[],
                     series_columns=params.get("groupby", []))
    else:
        fail(f"no query builder for the dashboard's {viz} chart")
    return query


def check_dashboard(superset, charts, dataset, rows, label):
    for chart in charts:
        detail = superset.call("get", f"/api/v1/chart/{chart['id']}")["result"]
        params = json.loads(detail["params"])
        result = superset.chart_data(dataset, dashboard_query(params, dataset), params["viz_type"])
        name = chart["slice_name"]
        window = None
        if params.get("time_range", "No filter") != "No filter":
            window = (dt.datetime.utcnow() - dt.timedelta(hours=6), dt.datetime.utcnow() + dt.timedelta(minutes=5))
        expected = [row for row in rows if window is None or window[0] <= row["t"] < window[1]]
        if params["viz_type"] == "big_number_total":
            assert result["data"] == [{params["metric"]: len(expected)}], (name, result["data"], len(expected))
        elif params["viz_type"] == "pie":
            got = {row[params["groupby"][0]]: row[params["metric"]] for row in result["data"]}
            assert got == dict(Counter(row["gender"] for row in expected)), (name, got)
        elif params["viz_type"] == "table":
            assert len(result["data"]) == min(len(expected), params["row_limit"]), (name, len(result["data"]))
            newest = sorted((row["t"] for row in expected), reverse=True)[: params["row_limit"]]
            assert [row["ingested_at"] for row in result["data"]] == [epoch_ms(t) for t in newest], name
        else:
            grain = GRAINS[params.get("time_grain_sqla")]
            got = {row[params["x_axis"]]: row[params["metrics"][0]] for row in result["data"]}
            want = dict(Counter(epoch_ms(grain(row["t"])) for row in expected))
            assert got == want, (name, got, want, result["query"])
        log(f"{label} dashboard chart '{name}' ({params['viz_type']}): {len(result['data'])} rows as expected")


def trino_grains():
    from superset.db_engine_specs.trino import TrinoEngineSpec

    grains = [None] + [grain for grain in TrinoEngineSpec.get_time_grain_expressions() if grain is not None]
    unknown = [grain for grain in grains if grain not in GRAINS]
    if unknown:
        fail(f"Superset offers grains this check has no oracle for: {unknown}")
    return grains


# --- the two phases ------------------------------------------------------------------------------------------------


def embedded_endpoint(args, children, tmp, known):
    """`userstream run --source synthetic` plus the known users; returns its Trino URI and the rows
    `userstream query` reads."""
    data = os.path.join(tmp, "run")
    kafka, cql, http = free_port(), free_port(), free_port()
    run = children.start(
        [args.userstream, "run", "--source", "synthetic", "--seed", "16", "--rate", "40", "--batch-size", "20",
         "--duration", "3s", "--schedule", "0 0 1 1 *", "--data-dir", data, "--kafka-port", str(kafka),
         "--cql-port", str(cql), "--http-port", str(http), "--log-level", "warning"],
        os.path.join(tmp, "run.log"),
    )

    def count():
        if run.poll() is not None:
            fail(f"userstream run exited {run.returncode}: {tail(run.log_path)}")
        out = subprocess.run([args.userstream, "query", "--data-dir", data, "--format", "json",
                              "SELECT count(*) AS n FROM spark_streams.created_users"],
                             capture_output=True, text=True, timeout=60)
        return int(json.loads(out.stdout)[0]["n"]) if out.returncode == 0 else None

    wait_until("userstream run's HTTP endpoint", lambda: healthy(http))
    # The synthetic job run streams for 3 s; then the table stays as it is until the known users arrive.
    previous = []

    def settled():
        previous.append(count())
        return len(previous) >= 4 and previous[-1] and previous[-1] == previous[-4]

    wait_until("the synthetic job run to finish", settled, timeout=120, interval=1.5)
    synthetic = previous[-1]
    produce(known, kafka, tmp)
    wait_until("the known users in the store", lambda: count() == synthetic + len(known), timeout=120)
    out = subprocess.run(
        [args.userstream, "query", "--data-dir", data, "--format", "json", "--limit", "1000000",
         "SELECT id, gender, nat, email, ingested_at FROM spark_streams.created_users"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    rows = json.loads(out.stdout)
    for row in rows:
        row["t"] = parse_time(row["ingested_at"])
    log(f"embedded: {synthetic} synthetic users from `userstream run`, {len(known)} known users; "
        f"`userstream query` reads {len(rows)} rows")
    by_id = {row["id"]: row for row in rows}
    for user in known:
        if by_id.get(user["id"], {}).get("ingested_at") != user["ingested_at"]:
            fail(f"known user {user['id']} stored as {by_id.get(user['id'])}")
    return f"trino://trino@127.0.0.1:{http}/cassandra/spark_streams", rows, run


def snapshot_endpoint(args, children, tmp, known, host):
    """The known users through `userstream process --cassandra` into the Cassandra node at `host`, served by
    `userstream serve --cassandra`; returns its Trino URI and the rows (the known users)."""
    data = os.path.join(tmp, "snapshot")
    kafka, http = free_port(), free_port()
    broker = children.start([args.userstream, "broker", "--data-dir", data, "--port", str(kafka)],
                            os.path.join(tmp, "broker.log"))
    wait_until("userstream broker", lambda: socket.create_connection(("127.0.0.1", kafka), timeout=2).close() or True)
    produce(known, kafka, tmp)
    if children.stop(broker) != 0:
        fail(f"userstream broker exited {broker.returncode}: {tail(broker.log_path)}")
    cassandra = ["--cassandra", host, "--keyspace", "spark_streams"]
    subprocess.run([args.userstream, "process", "--until-idle", "--data-dir", data, *cassandra], check=True,
                   timeout=300, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    serve = children.start([args.userstream, "serve", "--port", str(http), "--snapshot-interval", "1s",
                            "--data-dir", os.path.join(tmp, "serve"), *cassandra], os.path.join(tmp, "serve.log"))
    import trino

    def served():
        if serve.poll() is not None:
            fail(f"serve --cassandra exited {serve.returncode}: {tail(serve.log_path)}")
        connection = trino.dbapi.connect(host="127.0.0.1", port=http, user="trino", catalog="cassandra",
                                         schema="spark_streams")
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM created_users")
        return cursor.fetchall()[0][0] == len(known)

    wait_until("serve --cassandra's snapshot of the known users", served, timeout=120, interval=1)
    log(f"snapshot: {len(known)} known users in Cassandra at {host}, served by serve --cassandra")
    return f"trino://trino@127.0.0.1:{http}/cassandra/spark_streams", [
        dict(user, t=parse_time(user["ingested_at"])) for user in known
    ], serve


def check_sql_lab(superset, database, rows, label):
    """SQL Lab (/api/v1/sqllab/execute/): a 15-minute grain written by hand, with a zoned-timestamp filter."""
    sql = (
        "SELECT date_trunc('minute', CAST(ingested_at AS TIMESTAMP)) - interval '1' minute * "
        "(minute(CAST(ingested_at AS TIMESTAMP)) % 15) AS t, count(*) AS n FROM created_users "
        "WHERE ingested_at >= TIMESTAMP '2025-11-16 00:00:00 UTC' GROUP BY 1 ORDER BY 1"
    )
    result = superset.call(
        "post",
        "/api/v1/sqllab/execute/",
        json={"database_id": database, "sql": sql, "schema": "spark_streams", "runAsync": False,
              "client_id": uuid.uuid4().hex[:10], "tab": "superset_check", "queryLimit": 100000,
              "select_as_cta": False, "expand_data": True},
        expect=(200, 202),
    )
    if result.get("status") != "success":
        fail(f"{label} SQL Lab: {result}")
    got = {}
    for row in result["data"]:
        value = row["t"]
        moment = (dt.datetime.fromtimestamp(value / 1000, UTC).replace(tzinfo=None) if isinstance(value, (int, float))
                  else dt.datetime.fromisoformat(str(value).replace("T", " ")))
        got[moment] = row["n"]
    start = dt.datetime(2025, 11, 16)
    want = dict(Counter(GRAINS["PT15M"](row["t"]) for row in rows if row["t"] >= start))
    if got != want:
        fail(f"{label} SQL Lab: {sorted(got.items())[:5]} != {sorted(want.items())[:5]}\n{result.get('query', {}).get('executedSql')}\n{str(result)[:1500]}")
    log(f"{label}: SQL Lab's 15-minute grain with a zoned filter: {len(got)} buckets as expected")


def check_endpoint(superset, name, uri, rows, grains):
    """The database and dataset created through the REST API, every chart checked, then both deleted again
    (Superset's SQLite metadata database keeps a unique constraint on dataset names)."""
    database = superset.create_database(name, uri)
    check_sql_lab(superset, database, rows, name)
    dataset = superset.create_dataset(database)
    check_charts(superset, dataset, rows, grains, name)
    superset.call("delete", f"/api/v1/dataset/{dataset}")
    superset.call("delete", f"/api/v1/database/{database}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--userstream", required=True)
    parser.add_argument("--dashboard", required=True)
    args = parser.parse_args()
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="userstream-superset-")
    children = Children()
    ok = False
    try:
        superset = Superset(os.path.join(tmp, "superset"))
        with superset.app.app_context():
            grains = trino_grains()
        log(f"Superset offers {len(grains)} time grains for Trino (None included): {[str(g) for g in grains]}")
        known = known_users()
        endpoints = [("UserStream run",) + embedded_endpoint(args, children, tmp, known)]
        host = os.environ.get("CASSANDRA_HOST")
        if host:
            endpoints.append(("UserStream serve --cassandra",) + snapshot_endpoint(args, children, tmp, known, host))
        else:
            log("CASSANDRA_HOST not set: the serve --cassandra endpoint is not checked")
        for name, uri, rows, _ in endpoints:
            check_endpoint(superset, name, uri, rows, grains)
        charts, dataset = import_dashboard(superset, args.dashboard, endpoints[0][1], tmp)
        for name, uri, rows, _ in endpoints:
            point_database(superset, uri)
            check_dashboard(superset, charts, dataset, rows, name)
        for name, _, _, process in reversed(endpoints):
            if children.stop(process) != 0:
                fail(f"{name} exited {process.returncode} on SIGTERM: {tail(process.log_path)}")
        ok = True
    finally:
        children.stop_all()
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"FAILED; logs kept in {tmp}")
    log(f"passed in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    os.makedirs(os.path.join(tempfile.gettempdir()), exist_ok=True)
    try:
        main()
    except AssertionError as error:
        print(f"[superset] FAILED: {error}", file=sys.stderr, flush=True)
        sys.exit(1)

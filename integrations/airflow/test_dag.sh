#!/usr/bin/env bash
# The user_automation DAG under real Airflow (`make test-airflow`):
# 1. it imports without errors and has the schedule, concurrency and retry policy docs/deployment.md states;
# 2. `airflow dags test` runs its task against a running `userstream broker` (synthetic users, a 5 s run), after
#    which the users are in topic users_created, each keyed by its id (read back with kcat);
# 3. a run that delivers zero users fails the task, which is retried with backoff and then fails the DAG run.
# Needs: AIRFLOW_VENV (a virtualenv with apache-airflow), USERSTREAM_BIN (the built binary), kcat.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${AIRFLOW_VENV:-$root/.venv-airflow}
bin=${USERSTREAM_BIN:-$root/.build/debug/userstream}
python=$venv/bin/python

# Only the settings this script chooses reach userstream (make test exports USERSTREAM_BIN and others).
for name in $(env | sed -n 's/^\(USERSTREAM_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done

work=$(mktemp -d /tmp/userstream-airflow-XXXXXX)
broker_pid=""
cleanup() {
    if [ -n "$broker_pid" ]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

export AIRFLOW_HOME=$work/airflow
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_FOLDER=$here/dags

echo "== airflow $("$venv/bin/airflow" version 2>/dev/null | tail -n 1), metadata database in $AIRFLOW_HOME"
"$venv/bin/airflow" db migrate > "$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; fail "airflow db migrate"; }

echo "== 1. the DAG imports and is configured as documented"
"$python" - <<'PY'
import os
from datetime import timedelta

try:  # Airflow 3
    from airflow.dag_processing.dagbag import DagBag
except ImportError:  # Airflow 2
    from airflow.models.dagbag import DagBag

bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
assert not bag.import_errors, f"import errors: {bag.import_errors}"
assert set(bag.dag_ids) == {"user_automation"}, bag.dag_ids
dag = bag.get_dag("user_automation")
schedule = getattr(dag, "schedule", None) or getattr(dag, "schedule_interval", None)  # Airflow 3, Airflow 2
assert schedule == "* * * * *", schedule
assert dag.max_active_runs == 1 and dag.catchup is False
[task] = dag.tasks
assert task.task_type == "BashOperator", task.task_type
assert task.retries >= 1 and task.retry_exponential_backoff
assert task.retry_delay == timedelta(seconds=10) and task.max_retry_delay == timedelta(minutes=5)
assert " ingest " in task.bash_command and "--kafka" in task.bash_command and "--duration" in task.bash_command
print(f"ok: {dag.dag_id}, schedule {schedule}, task {task.task_id}, {task.retries} retries with backoff")
PY

echo "== 2. airflow dags test streams users into users_created on a running userstream broker"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" broker --port "$port" --data-dir "$work/broker" 2> "$work/broker.log" &
broker_pid=$!
for _ in $(seq 1 100); do
    grep -q kafka.listening "$work/broker.log" && break
    sleep 0.1
done
grep -q kafka.listening "$work/broker.log" || { cat "$work/broker.log"; fail "the broker did not start"; }

export USERSTREAM_BIN=$bin USERSTREAM_KAFKA=127.0.0.1:$port USERSTREAM_DURATION=5s
export USERSTREAM_SOURCE=synthetic USERSTREAM_DATA_DIR=$work/ingest
if ! "$venv/bin/airflow" dags test user_automation > "$work/run.log" 2>&1; then
    tail -n 40 "$work/run.log"
    fail "airflow dags test user_automation failed"
fi
grep -q "Command exited with return code 0" "$work/run.log" || { tail -n 40 "$work/run.log"; fail "the task did not run"; }
kcat -b "127.0.0.1:$port" -C -t users_created -e -q -f '%k\t%s\n' > "$work/users.tsv"
"$python" - "$work/users.tsv" <<'PY'
import json, sys

lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines, "users_created is empty"
for line in lines:
    key, value = line.split("\t", 1)
    user = json.loads(value)
    assert user["id"] == key, f"key {key!r} is not the user id {user['id']!r}"
    assert user["first_name"] and user["email"], user
print(f"ok: {len(lines)} users in users_created, each keyed by its id")
PY

echo "== 3. a run that delivers zero users fails the task; Airflow retries it with backoff, then fails the run"
echo '[]' > "$work/empty.json"
export USERSTREAM_SOURCE=replay:$work/empty.json USERSTREAM_DURATION=2s
if "$venv/bin/airflow" dags test user_automation > "$work/fail.log" 2>&1; then
    tail -n 40 "$work/fail.log"
    fail "the DAG run succeeded although the run delivered zero users"
fi
attempts=$(grep -c "Command exited with return code 1" "$work/fail.log" || true)
[ "$attempts" -eq 4 ] || { tail -n 40 "$work/fail.log"; fail "expected 4 attempts (1 + 3 retries), saw $attempts"; }
echo "ok: the DAG run failed after $attempts attempts"

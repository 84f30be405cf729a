"""The seeds' ``user_automation`` job for people who schedule with Airflow: every minute, one run of
``userstream ingest``, which streams users from randomuser.me to the topic ``users_created`` for a minute.

The task fails when the run delivered zero users or failed (``userstream ingest`` exits 1 then), so Airflow's retries
and alerts see what the seeds' DAG hid. Settings, each from an Airflow Variable when set, else from the worker's
environment, else a default (read when the task runs, not when the file is parsed):

- ``USERSTREAM_BIN``: the ``userstream`` binary (default: ``userstream`` on the PATH);
- ``USERSTREAM_KAFKA``: Kafka bootstrap servers (default ``localhost:9092``);
- ``USERSTREAM_DURATION``: how long each run streams users (default ``60s``).

Every other option of ``userstream ingest`` is read by the binary itself from its ``USERSTREAM_*`` environment
variable (``USERSTREAM_SOURCE``, ``USERSTREAM_RATE``, ``USERSTREAM_CASSANDRA``, …), which the task inherits.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG

try:  # Airflow 3, and Airflow 2 with the standard provider
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2
    from airflow.operators.bash import BashOperator

# Variable, else environment, else default: the Variables arrive through the templated `env`, the environment through
# `append_env`, and the shell picks the first one set.
STREAM_USERS = (
    'exec "${VAR_BIN:-${USERSTREAM_BIN:-userstream}}" ingest'
    ' --kafka "${VAR_KAFKA:-${USERSTREAM_KAFKA:-localhost:9092}}"'
    ' --duration "${VAR_DURATION:-${USERSTREAM_DURATION:-60s}}"'
)

default_args = {
    "owner": "userstream",
    "retries": 3,
    "retry_delay": timedelta(seconds=10),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=5),
}

with DAG(
    dag_id="user_automation",
    description="Stream users from randomuser.me to users_created, every minute",
    schedule="* * * * *",
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["userstream"],
) as dag:
    BashOperator(
        task_id="stream_users",
        bash_command=STREAM_USERS,
        env={
            "VAR_BIN": "{{ var.value.get('USERSTREAM_BIN', '') }}",
            "VAR_KAFKA": "{{ var.value.get('USERSTREAM_KAFKA', '') }}",
            "VAR_DURATION": "{{ var.value.get('USERSTREAM_DURATION', '') }}",
        },
        append_env=True,
        # A run streams for its duration, then flushes: bound it, so that a hung run fails and is retried.
        execution_timeout=timedelta(minutes=10),
    )

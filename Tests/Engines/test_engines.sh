#!/usr/bin/env bash
# What `make test-engines` runs once the wheel, the JDK and the build are in place: our Cassandra code against real
# Apache Cassandra 3.11.12 nodes (Tests/Engines/cassandra_node.sh), each node stopped whatever happens.
#
# 1. a node without authentication: the Store contract on CassandraStore and the CQLClient node suite
#    (swift test, USERSTREAM_CASSANDRA), the pipeline (ingest → process --cassandra → cqlsh, serve --cassandra →
#    /api/summary, trino), the CQL differential against `userstream store` (Tests/Engines/cql_differential.py and its
#    known differences), the crash loops (Tests/Engines/crash_loop.py);
# 2. a node with PasswordAuthenticator: the CQLClient node suite with credentials.
#
# Environment: SWIFT (default swift), PYTHON (the interop virtualenv's python, with cqlsh and trino), USERSTREAM_BIN,
# ENGINES_VENV, CRASH_ARGS (extra crash_loop.py arguments, e.g. "--seed 42").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
SWIFT="${SWIFT:-swift}"
PYTHON="${PYTHON:?set PYTHON to the interop virtualenv python (cqlsh, trino)}"
export CQLSH="${CQLSH:-$(dirname "$PYTHON")/cqlsh}"
export USERSTREAM_BIN USERSTREAM_PYTHON="$PYTHON"
SUITES='CassandraStoreContractTests|CQLClientNodeTests'
status=0
failed=()

step() {
    local name="$1"; shift
    local started=$SECONDS
    echo "=== $name"
    if "$@"; then
        echo "=== $name: passed ($((SECONDS - started))s)"
    else
        echo "=== $name: FAILED ($((SECONDS - started))s)"
        failed+=("$name")
        status=1
    fi
}

# Runs inside cassandra_node.sh run (CASSANDRA_HOST set); every step runs, failures are summed up at the end.
open_node() {
    export USERSTREAM_CASSANDRA="$CASSANDRA_HOST"
    step "swift test ($SUITES) on Cassandra 3.11.12" \
        "$SWIFT" test --skip-build --filter "$SUITES"
    step "pipeline: ingest, process --cassandra, cqlsh, serve --cassandra, trino" \
        "$PYTHON" "$here/pipeline.py" 6000
    step "CQL differential: the same statements against Cassandra 3.11.12 and userstream store" \
        "$PYTHON" "$here/cql_differential.py" --userstream "$USERSTREAM_BIN"
    # shellcheck disable=SC2086
    step "crash loops: process --cassandra SIGKILLed (embedded log; two members over userstream broker)" \
        "$PYTHON" "$here/crash_loop.py" both ${CRASH_ARGS:-}
    if [ "$status" -ne 0 ]; then
        echo "failed on the open node: ${failed[*]}"
    fi
    return "$status"
}

auth_node() {
    export USERSTREAM_CASSANDRA="$CASSANDRA_HOST" USERSTREAM_CASSANDRA_USER="$CASSANDRA_USER"
    export USERSTREAM_CASSANDRA_PASSWORD="$CASSANDRA_PASSWORD"
    "$SWIFT" test --skip-build --filter 'CQLClientNodeTests'
}

case "${1:-all}" in
    open) open_node ;;
    auth) auth_node ;;
    all)
        overall=0
        "$here/cassandra_node.sh" run -- "$0" open || overall=1
        echo "=== CQLClient node suite with PasswordAuthenticator"
        if "$here/cassandra_node.sh" run --auth -- "$0" auth; then
            echo "=== PasswordAuthenticator node: passed"
        else
            echo "=== PasswordAuthenticator node: FAILED"
            overall=1
        fi
        exit "$overall"
        ;;
    *) echo "usage: test_engines.sh [all|open|auth]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# What `make test-superset` runs once Superset's virtualenv, the Cassandra wheel, the JDK and the build are in place:
# integrations/superset/superset_check.py inside Tests/Engines/cassandra_node.sh run, so that a real Apache Cassandra
# 3.11.12 node on free loopback ports backs the `serve --cassandra` endpoint and is stopped whatever happens.
# SUPERSET_NO_CASSANDRA=1 checks the embedded endpoint (`userstream run`) alone, without a node.
#
# Environment: SUPERSET_VENV (Superset's virtualenv), USERSTREAM_BIN, ENGINES_VENV and CQLSH (for
# cassandra_node.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
SUPERSET_VENV="${SUPERSET_VENV:?set SUPERSET_VENV to the Superset virtualenv}"
USERSTREAM_BIN="${USERSTREAM_BIN:?set USERSTREAM_BIN to the userstream binary}"
check=("$SUPERSET_VENV/bin/python" "$here/superset_check.py" --userstream "$USERSTREAM_BIN"
    --dashboard "$repo/deploy/superset/dashboard")
started=$SECONDS
if [ "${SUPERSET_NO_CASSANDRA:-0}" = 1 ]; then
    "${check[@]}"
else
    "$repo/Tests/Engines/cassandra_node.sh" run -- "${check[@]}"
fi
echo "=== test-superset: passed ($((SECONDS - started))s)"

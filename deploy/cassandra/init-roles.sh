#!/usr/bin/env bash
# One-shot job of the compose file (service cassandra-init): creates the application role CASSANDRA_USER with
# CASSANDRA_PASSWORD (from deploy/.env) as a superuser, then retires Cassandra's default superuser cassandra/cassandra.
# Idempotent: once the application role logs in, it only makes sure the default one is retired.
set -euo pipefail
host=${CASSANDRA_HOST:-cassandra}
user=${CASSANDRA_USER:?CASSANDRA_USER is not set}
password=${CASSANDRA_PASSWORD:?CASSANDRA_PASSWORD is not set}

# CQL literals: a quoted identifier doubles its double quotes, a string literal its single quotes.
identifier="\"${user//\"/\"\"}\""
literal="'${password//\'/\'\'}'"

cql() { # cql USER PASSWORD STATEMENT
    cqlsh "$host" 9042 -u "$1" -p "$2" --request-timeout=30 -e "$3"
}

for attempt in $(seq 1 60); do
    if cql "$user" "$password" "SELECT release_version FROM system.local" > /dev/null 2>&1; then
        if [ "$user" != cassandra ] && cql cassandra cassandra "SELECT release_version FROM system.local" > /dev/null 2>&1
        then
            cql "$user" "$password" "ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false"
            echo "cassandra-init: the default superuser cassandra can no longer log in"
        fi
        echo "cassandra-init: role $user logs in"
        exit 0
    fi
    if [ "$user" = cassandra ]; then
        cql cassandra cassandra "ALTER ROLE cassandra WITH PASSWORD = $literal" || true
    else
        cql cassandra cassandra \
            "CREATE ROLE IF NOT EXISTS $identifier WITH PASSWORD = $literal AND SUPERUSER = true AND LOGIN = true" \
            || true
    fi
    echo "cassandra-init: waiting for role $user to log in (attempt $attempt)"
    sleep 5
done
echo "cassandra-init: role $user could not log in" >&2
exit 1

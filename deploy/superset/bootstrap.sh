#!/usr/bin/env bash
# Superset's start in deploy/compose.yml: migrate the metadata database, create the admin from deploy/.env, and import
# the starter bundle in deploy/superset/dashboard/ — the database trino://trino@trino:8080/cassandra/spark_streams
# (Trino's Cassandra catalog), the dataset spark_streams.created_users, four charts and the UserStream dashboard —
# then run the server. Every step is idempotent: a restart re-imports the bundle over itself.
set -euo pipefail
superset db upgrade
superset fab create-admin --username "$SUPERSET_ADMIN_USER" --password "$SUPERSET_ADMIN_PASSWORD" \
    --firstname Admin --lastname UserStream --email "$SUPERSET_ADMIN_EMAIL" || true
superset init
bundle=$(mktemp -d)/userstream-dashboard.zip
(cd /deploy/superset && python -c 'import shutil, sys; shutil.make_archive(sys.argv[1][:-4], "zip", ".", "dashboard")' "$bundle")
superset import-dashboards --path "$bundle" --username "$SUPERSET_ADMIN_USER"
exec /usr/bin/run-server.sh

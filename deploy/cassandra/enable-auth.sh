#!/usr/bin/env bash
# Entry point of the compose file's Cassandra: turns on PasswordAuthenticator (the image ships AllowAllAuthenticator),
# then hands over to the image's own entry point. cassandra-init then creates the application role from deploy/.env.
set -euo pipefail
sed -i -e 's/^authenticator:.*/authenticator: PasswordAuthenticator/' \
    -e 's/^authorizer:.*/authorizer: CassandraAuthorizer/' /etc/cassandra/cassandra.yaml
exec docker-entrypoint.sh "$@"

#!/bin/sh
# Runs `userstream ARGS…` now and then at the start of every minute (UTC), like `userstream run`'s default schedule:
# a run still going at a minute's start makes that start skipped, not caught up. A failed run (e.g. one that
# delivered zero users: `userstream ingest` exits 1) is logged, and the next minute runs again.
# USERSTREAM_EVERY (seconds, default 60) changes the period. SIGTERM/SIGINT stop the current run gracefully and exit.
set -u
period=${USERSTREAM_EVERY:-60}
child=""
stop() {
    if [ -n "$child" ]; then
        kill -TERM "$child" 2> /dev/null
        wait "$child"
    fi
    exit 0
}
trap stop TERM INT
while :; do
    userstream "$@" &
    child=$!
    wait "$child"
    status=$?
    child=""
    [ "$status" -eq 0 ] || echo "every-minute: userstream $1 exited with status $status" >&2
    now=$(date +%s)
    sleep $((period - now % period)) &
    child=$!
    wait "$child"
    child=""
done

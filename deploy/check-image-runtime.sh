#!/usr/bin/env bash
# The Dockerfile's runtime stage without a Docker engine (as root, on Debian): builds the binary as the build stage
# does (release, --static-swift-stdlib, strip --strip-debug), debootstraps a minimal Debian 12 root, runs the runtime
# stage's RUN lines in it, then as the image's user: `userstream run` with its data in /var/lib/userstream, the
# HEALTHCHECK's command, a query, and `userstream ingest --kafka` (librdkafka) against a broker on the host.
# Needs debootstrap and Debian's archive; about 10 minutes of build on 2 cores, then a minute.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap, chroot, mount)" >&2; exit 1; }
command -v debootstrap > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap

swift build -c release --product userstream --static-swift-stdlib --scratch-path .build-static
work=$(mktemp -d /tmp/userstream-rootfs-XXXXXX)
rootfs=$work/rootfs
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    sleep 1
    umount "$rootfs/proc" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian > "$work/debootstrap.log"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
# The runtime stage's RUN instructions, continuation lines joined.
stage=$(sed -n '/^FROM ${RUNTIME_IMAGE}/,$p' Dockerfile | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
grep '^RUN ' <<< "$stage" | sed 's/^RUN //' | while read -r command; do chroot "$rootfs" /bin/sh -ec "$command" < /dev/null; done
install -m 0755 .build-static/release/userstream "$rootfs/usr/local/bin/userstream"
strip --strip-debug "$rootfs/usr/local/bin/userstream"
mount -t proc proc "$rootfs/proc"  # a container always has /proc; Swift reads the arguments from it

as_user() { chroot --userspec=10001:10001 "$rootfs" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin \
    USERSTREAM_DATA_DIR=/var/lib/userstream USERSTREAM_HTTP_PORT=18097 "$@"; }
if chroot "$rootfs" ldd /usr/local/bin/userstream | grep 'not found'; then exit 1; fi
as_user sh -c 'cd /var/lib/userstream && exec userstream run --source synthetic --http-host 0.0.0.0 \
    --kafka-port 0 --cql-port 0' 2> "$work/run.log" &
pids+=($!)
sleep 8
healthcheck=$(grep -A1 '^HEALTHCHECK' Dockerfile | sed -n 's/^ *CMD //p')
as_user sh -c "$healthcheck" && echo "ok: the HEALTHCHECK command passes"
as_user userstream query "SELECT count(*) FROM spark_streams.created_users" --format csv 2> /dev/null

port=19311
.build-static/release/userstream broker --port "$port" --data-dir "$work/broker" 2> "$work/broker.log" &
pids+=($!)
sleep 2
as_user sh -c "cd /tmp && userstream ingest --kafka 127.0.0.1:$port --source synthetic --count 50 --rate 0 \
    --data-dir /tmp/ingest" 2> /dev/null
echo "ok: the image's runtime runs userstream"

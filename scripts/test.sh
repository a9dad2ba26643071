#!/usr/bin/env bash
# The whole test suite: core unit and integration tests on real SQLite files,
# the CLI, the UI's type check and unit tests, the bindings check, and the
# E2E tests that drive the real window under Xvfb through WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "ui: type check, unit tests, build"
(cd ui && npm run check && npm test && npm run build)

step "format and lints (the shell embeds ui/dist, so after the UI build)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "core: unit and integration tests (with a throwaway Postgres for the sync tests)"
WAGNER_TEST_PG_URL=$(scripts/pg.sh start)
export WAGNER_TEST_PG_URL WAGNER_REQUIRE_PG=1
trap 'scripts/pg.sh stop' EXIT
cargo test -p wagner-coach
# A short, bounded kill -9 run (the long one: scripts/crash-trials.sh 60).
scripts/crash-trials.sh 6

step "desktop shell: bindings up to date, debug build"
cargo test -p wagner-desktop
cargo build -p wagner-desktop

step "e2e: the real window under Xvfb"
export WAGNER_DESKTOP_BIN="$CARGO_TARGET_DIR/debug/wagner-desktop"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  cargo test -p wagner-coach --test 'e2e*' -- --ignored --test-threads=1

step "dates: the date-sensitive tests at several instants and time zones"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" scripts/test-dates.sh

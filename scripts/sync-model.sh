#!/usr/bin/env bash
# Longer runs of the model-based sync test (tests/sync_model.rs) against a
# throwaway Postgres: SEEDS seeds of STEPS random operations each.
#   scripts/sync-model.sh [SEEDS] [STEPS] [FIRST_SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="${1:-20}"; STEPS="${2:-150}"; FIRST="${3:-1000}"
url="${WAGNER_TEST_PG_URL:-$(scripts/pg.sh start)}"
WAGNER_TEST_PG_URL="$url" WAGNER_REQUIRE_PG=1 \
WAGNER_SYNC_MODEL_SEEDS="$SEEDS" WAGNER_SYNC_MODEL_STEPS="$STEPS" WAGNER_SYNC_MODEL_SEED="$FIRST" \
  cargo test -p wagner-coach --test sync_model -- --nocapture

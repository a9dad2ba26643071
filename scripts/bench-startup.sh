#!/usr/bin/env bash
# Cold start to an interactive Today page, and idle memory, on the demo profile.
#
#   scripts/bench-startup.sh [APP_BINARY] [RUNS]
#
# APP_BINARY defaults to the release build ($CARGO_TARGET_DIR/release/wagner-desktop;
# /usr/bin/wagner-desktop measures the installed package). Each run launches the
# app under Xvfb on the same demo database and times from the launch to the
# moment the window reports Today shown with its data (the UI calls the
# `window_ready` command after the first paint with data; the shell writes
# WAGNER_READY_FILE). Then, after IDLE_SECONDS (default 5) idle, it sums the
# resident memory (RSS and PSS) of the app and its WebKit child processes.
# IDLE_SECONDS=150 shows memory after the app has let the embedding model go
# (it does after two minutes without indexing or searches).
# Run 1 is the first launch after building (files may still be in the page
# cache; this script does not drop caches on a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

app="${1:-$CARGO_TARGET_DIR/release/wagner-desktop}"
runs="${2:-5}"
[ -x "$app" ] || { echo "no app binary at $app (cargo build --release -p wagner-desktop)" >&2; exit 1; }
cli=""
for c in "$CARGO_TARGET_DIR/release/wagner" "$CARGO_TARGET_DIR/debug/wagner" /usr/bin/wagner; do
  [ -x "$c" ] && { cli=$c; break; }
done
[ -n "$cli" ] || { echo "the wagner CLI is needed to make the demo database (cargo build)" >&2; exit 1; }

work=$(mktemp -d)
display=":$((80 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill -- -"$app_pid" 2>/dev/null || true
  kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sleep 0.5

db="$work/wagner.db"
"$cli" --db "$db" demo >/dev/null

# The pids of a process and all its descendants.
tree() {
  local pids=("$1") i=0
  while [ $i -lt ${#pids[@]} ]; do
    for child in $(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null); do pids+=("$child"); done
    i=$((i + 1))
  done
  echo "${pids[@]}"
}

kb_sum() { # field (VmRSS from status, or Pss from smaps_rollup) over pids
  local field=$1; shift
  local total=0 v
  for pid in "$@"; do
    if [ "$field" = Pss ]; then
      v=$(awk '/^Pss:/ {print $2}' /proc/"$pid"/smaps_rollup 2>/dev/null || echo 0)
    else
      v=$(awk '/^VmRSS:/ {print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)
    fi
    total=$((total + ${v:-0}))
  done
  echo $total
}

printf '| run | launch → Today ready (ms) | in-process (ms) | idle RSS, app + WebKit (MB) | idle PSS (MB) | processes |\n|---|---|---|---|---|---|\n'
for run in $(seq "$runs"); do
  ready="$work/ready"
  rm -f "$ready"
  set -m
  t0=$(date +%s%N)
  DISPLAY=$display WAGNER_DB="$db" WAGNER_READY_FILE="$ready" "$app" >"$work/app.log" 2>&1 &
  app_pid=$!
  set +m
  for _ in $(seq 3000); do [ -s "$ready" ] && break; sleep 0.01; done
  [ -s "$ready" ] || { echo "run $run: the window never reported ready" >&2; cat "$work/app.log" >&2; exit 1; }
  read -r t_ready in_process _page _pid <"$ready"
  ms=$(( (t_ready - t0) / 1000000 ))
  sleep "${IDLE_SECONDS:-5}"
  pids=$(tree "$app_pid")
  rss=$(kb_sum VmRSS $pids)
  pss=$(kb_sum Pss $pids)
  printf '| %d | %d | %.0f | %.0f | %.0f | %d |\n' "$run" "$ms" "$in_process" "$(awk "BEGIN {print $rss / 1024}")" "$(awk "BEGIN {print $pss / 1024}")" "$(wc -w <<<"$pids")"
  kill -- -"$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
  sleep 1
done

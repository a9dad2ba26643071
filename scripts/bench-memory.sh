#!/usr/bin/env bash
# Idle memory per process of the desktop app on the demo profile, and where it goes.
#
#   scripts/bench-memory.sh [APP_BINARY] [RUNS]
#
# APP_BINARY defaults to the release build ($CARGO_TARGET_DIR/release/wagner-desktop),
# else the debug build. Each run makes a fresh demo database (the wagner CLI), launches
# the app under its own Xvfb, waits for the Today page to report itself painted with
# data (`window_ready`, WAGNER_READY_FILE), then waits IDLE_SECONDS (default 30) and
# reads /proc/PID/smaps_rollup of the app and every process under it (WebKit's web and
# network processes, and the sandbox helpers between them): RSS, PSS, and PSS split
# into anonymous memory (heaps: Rust, JavaScriptCore, WebKit), file-backed pages
# (shared libraries, the database if mapped) and shared memory (graphics buffers).
# The demo is embedded before the runs (FRESH_DEMO=1: not, see below).
# After the last run it also sums PSS by mapping (from /proc/PID/smaps) for each process.
# Extra environment for the app (e.g. WAGNER_WEBKIT_COMPOSITING=1) is passed through.
#
# VISIT_PAGES=N (N rounds, default 0): the app is started through tauri-driver
# (WebDriver) instead, every page is opened in turn N times (each until its page
# element is there, plus 1 s for its data and charts), then Today again, and the
# memory is read IDLE_SECONDS after returning to Today. Compare with a VISIT_PAGES=0
# run for the idle number; a WebDriver session costs a little memory itself.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

app="${1:-}"
if [ -z "$app" ]; then
  app="$CARGO_TARGET_DIR/release/wagner-desktop"
  [ -x "$app" ] || app="$CARGO_TARGET_DIR/debug/wagner-desktop"
fi
runs="${2:-3}"
idle="${IDLE_SECONDS:-30}"
visits="${VISIT_PAGES:-0}"
[ -x "$app" ] || { echo "no app binary at $app (cargo build -p wagner-desktop)" >&2; exit 1; }
cli=""
for c in "$CARGO_TARGET_DIR/release/wagner" "$CARGO_TARGET_DIR/debug/wagner" /usr/bin/wagner; do
  [ -x "$c" ] && { cli=$c; break; }
done
[ -n "$cli" ] || { echo "the wagner CLI is needed to make the demo database (cargo build)" >&2; exit 1; }

work=$(mktemp -d)
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
app_pid=""
driver_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill -- -"$app_pid" 2>/dev/null || true
  [ -n "$driver_pid" ] && kill -- -"$driver_pid" 2>/dev/null || true
  kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sleep 0.5

# The pids of a process and all its descendants.
tree() {
  local pids=("$1") i=0
  while [ $i -lt ${#pids[@]} ]; do
    for child in $(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null); do pids+=("$child"); done
    i=$((i + 1))
  done
  echo "${pids[@]}"
}

name_of() { basename "$(readlink /proc/"$1"/exe 2>/dev/null || echo "?")"; }

# kB values of one process: Rss Pss Pss_Anon Pss_File Pss_Shmem
rollup() {
  awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} /^Pss_Anon:/ {a=$2} /^Pss_File:/ {f=$2} /^Pss_Shmem:/ {s=$2}
       END {printf "%d %d %d %d %d\n", r, p, a, f, s}' /proc/"$1"/smaps_rollup 2>/dev/null || echo "0 0 0 0 0"
}

mb() { awk "BEGIN {printf \"%.0f\", $1 / 1024}"; }

# PSS (MB) of one process by kind of mapping, largest first.
by_mapping() {
  awk -v db="$2" '
    /^[0-9a-f]+-[0-9a-f]+ / {
      path = (NF >= 6) ? $6 : ""
      for (i = 7; i <= NF; i++) path = path " " $i
      if (path == "" || path ~ /^\[(heap|stack|anon)/) kind = "anonymous (heaps, stacks, JS heap)"
      else if (index(path, db) == 1) kind = "the database file"
      else if (path ~ /\.so(\.[0-9.]+)?$/ || path ~ /\.so[.-]/) kind = "shared libraries"
      else if (path ~ /memfd:|\/dev\/shm|SYSV|\/dev\/dri|\/drm/) kind = "shared memory (graphics buffers, memfd)"
      else if (path ~ /^\[/) kind = "kernel ([vvar], [vdso])"
      else kind = "other files (executable, fonts, icons, caches)"
      next
    }
    /^Pss:/ { pss[kind] += $2 }
    END { for (k in pss) if (pss[k] >= 512) printf "%d\t%s\n", pss[k], k }
  ' /proc/"$1"/smaps 2>/dev/null | sort -rn | awk -F'\t' '{printf "%s %.0f MB %s", (NR > 1 ? ";" : ""), $1 / 1024, $2} END {print ""}'
}

# One demo database, copied for each run. Embedded beforehand (`wagner embed`), so the
# app finds nothing to embed and never loads the embedding model: the steady state of
# a user's install. FRESH_DEMO=1 leaves it unembedded (the app then loads the model
# and embeds the demo while it is being measured).
mkdir -p "$work/template"
"$cli" --db "$work/template/wagner.db" demo >/dev/null
if [ "${FRESH_DEMO:-0}" != 1 ]; then
  "$cli" --db "$work/template/wagner.db" embed >/dev/null 2>&1 ||
    echo "(wagner embed failed: without the model the app has nothing to embed either)"
fi

echo "app: $app"
echo "demo: $([ "${FRESH_DEMO:-0}" = 1 ] && echo "fresh, not embedded" || echo "embedded beforehand")"
echo "idle: ${idle} s after Today reported ready; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| run | process | RSS MB | PSS MB | PSS anon | PSS file | PSS shmem |\n|---|---|---|---|---|---|---|\n'
for run in $(seq "$runs"); do
  db="$work/run$run/wagner.db"
  cp -r "$work/template" "$work/run$run"
  ready="$work/run$run/ready"
  if [ "$visits" -gt 0 ]; then
    port=$((4500 + RANDOM % 400))
    set -m
    DISPLAY=$display WAGNER_DB="$db" WAGNER_READY_FILE="$ready" \
      tauri-driver --port "$port" --native-port $((port + 1000)) >"$work/app.log" 2>&1 &
    driver_pid=$!
    set +m
    for _ in $(seq 200); do curl -s "http://127.0.0.1:$port/status" >/dev/null && break; sleep 0.1; done
    session=$(curl -s -X POST "http://127.0.0.1:$port/session" -H 'Content-Type: application/json' \
      -d "$(jq -n --arg app "$app" '{capabilities: {alwaysMatch: {"tauri:options": {application: $app}}}}')" |
      jq -r '.value.sessionId')
    [ -n "$session" ] && [ "$session" != null ] || { echo "run $run: no WebDriver session" >&2; cat "$work/app.log" >&2; exit 1; }
  else
    set -m
    DISPLAY=$display WAGNER_DB="$db" WAGNER_READY_FILE="$ready" "$app" >"$work/app.log" 2>&1 &
    app_pid=$!
    set +m
  fi
  for _ in $(seq 6000); do [ -s "$ready" ] && break; sleep 0.01; done
  [ -s "$ready" ] || { echo "run $run: the window never reported ready" >&2; cat "$work/app.log" >&2; exit 1; }
  if [ "$visits" -gt 0 ]; then
    read -r _ _ _ app_pid <"$ready"
    js() {
      curl -s -X POST "http://127.0.0.1:$port/session/$session/execute/sync" -H 'Content-Type: application/json' \
        -d "$(jq -n --arg s "$1" '{script: $s, args: []}')" | jq -r '.value'
    }
    for _ in $(seq "$visits"); do
      for page in log nutrition activities body programs coach settings today; do
        js "location.hash = '#/$page'; return true" >/dev/null
        for _ in $(seq 300); do
          [ "$(js "return document.querySelector(\"[data-testid='$page-page']\") !== null")" = true ] && break
          sleep 0.1
        done
        sleep 1
      done
    done
  fi
  sleep "$idle"
  pids=$(tree "$app_pid")
  tr=0 tp=0 ta=0 tf=0 ts=0
  for pid in $pids; do
    read -r r p a f s < <(rollup "$pid")
    [ "$r" -gt 0 ] || continue
    tr=$((tr + r)) tp=$((tp + p)) ta=$((ta + a)) tf=$((tf + f)) ts=$((ts + s))
    [ "$p" -ge 1024 ] || continue # sandbox helpers (bwrap, dbus proxy) in the total only
    printf '| %d | %s | %s | %s | %s | %s | %s |\n' "$run" "$(name_of "$pid")" "$(mb "$r")" "$(mb "$p")" "$(mb "$a")" "$(mb "$f")" "$(mb "$s")"
  done
  printf '| %d | **total (%d processes)** | **%s** | **%s** | %s | %s | %s |\n' "$run" "$(wc -w <<<"$pids")" "$(mb "$tr")" "$(mb "$tp")" "$(mb "$ta")" "$(mb "$tf")" "$(mb "$ts")"
  if [ "$run" = "$runs" ]; then
    echo
    echo "PSS by mapping, run $run:"
    for pid in $pids; do
      read -r _ p _ _ _ < <(rollup "$pid")
      [ "$p" -ge 1024 ] || continue
      echo "- $(name_of "$pid"):$(by_mapping "$pid" "$db")"
    done
  fi
  if [ "$visits" -gt 0 ]; then
    curl -s -X DELETE "http://127.0.0.1:$port/session/$session" >/dev/null || true
    kill -- -"$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
    driver_pid=""
  else
    kill -- -"$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  app_pid=""
  sleep 1
done

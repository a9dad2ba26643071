#!/usr/bin/env bash
# kill -9 crash trials: imports, quick entries (stored and processed), backup
# and restore are killed at a random moment; after each kill the database must
# pass `wagner db check` (integrity, foreign keys, attachment hashes), keep
# every entry a finished `wagner log` acknowledged, hold no half-written
# activity or meal, and a rerun must complete without duplicates.
#
#   scripts/crash-trials.sh [TRIALS]      (default 60; WAGNER_BIN overrides the binary)
#
# Prints one line per trial and a summary; exits 1 on the first violation.
set -uo pipefail

trials=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${WAGNER_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/wagner}
[ -x "$bin" ] || { echo "no wagner binary at $bin (cargo build -p wagner-coach first)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/data/w.db
export WAGNER_DB=$db
fixtures=$root/tests/fixtures/activities
mkdir -p "$work/files"
cp "$fixtures"/fit/garmin-fenix-5-bike.fit "$fixtures"/fit/hrv-activity.fit "$fixtures"/fit/strength-sets.fit \
   "$fixtures"/gpx/cerknicko-jezero.gpx "$fixtures"/gpx/korita-zbevnica.gpx "$fixtures"/gpx/around-visnjan-with-car.gpx \
   "$fixtures"/tcx/20210119_run_garmin_fenix6.tcx.gz "$work/files/"
# What a clean, uninterrupted import stores: the number every rerun must reach, no more.
"$bin" --db "$work/reference.db" init --time-zone UTC >/dev/null || exit 2
"$bin" --db "$work/reference.db" import "$work/files" >/dev/null 2>&1
expected_activities=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM activities").fetchone()[0])' "$work/reference.db")

"$bin" init --time-zone UTC >/dev/null || exit 2
"$bin" --db "$work/empty.db" init --time-zone UTC >/dev/null || exit 2
acked=$work/acked.txt
: >"$acked"

q() { python3 - "$db" "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(c.execute(sys.argv[2]).fetchone()[0])
EOF
}

fail() { echo "FAIL trial $t ($op): $*" >&2; exit 1; }

check() {
  "$bin" db check >"$work/check.txt" 2>&1 || fail "db check: $(cat "$work/check.txt")"
  # Every acknowledged entry is still there.
  while read -r id; do
    [ "$(q "SELECT count(*) FROM quick_entry_logs WHERE id = '$id'")" = 1 ] || fail "acknowledged entry $id lost"
  done <"$acked"
  # No meal stored twice for one entry; no activity without its streams' owner row.
  [ "$(q "SELECT count(*) FROM (SELECT 1 FROM meal_logs WHERE quick_entry_log_id IS NOT NULL GROUP BY quick_entry_log_id HAVING count(*) > 1)")" = 0 ] \
    || fail "an entry's meal was stored twice"
  [ "$(q "SELECT count(*) FROM activity_streams s LEFT JOIN activities a ON a.id = s.activity_id WHERE a.id IS NULL")" = 0 ] \
    || fail "streams without their activity (half-written import)"
  [ "$(q "SELECT count(*) FROM quick_entry_logs WHERE processing_status = 'completed' AND contains_meal = 1 AND NOT EXISTS (SELECT 1 FROM meal_logs m WHERE m.quick_entry_log_id = quick_entry_logs.id)")" = 0 ] \
    || fail "an entry marked completed without its meal (half-written)"
}

# Runs "$@" in its own process group, kills it with SIGKILL after a random delay.
kill_at_random() {
  delay=$((RANDOM % ${MAX_DELAY_MS:-1200}))
  setsid "$@" >"$work/out.txt" 2>&1 &
  local pid=$!
  sleep "$(printf '0.%03d' "$delay")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 -- -"$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null
    killed=$((killed + 1)); state=killed
  else
    state=finished
  fi
  wait "$pid" 2>/dev/null
}

ops=(import log log_process backup restore)
killed=0
declare -A per_op per_killed
for t in $(seq 1 "$trials"); do
  op=${ops[$((RANDOM % ${#ops[@]}))]}
  case $op in
    import)
      # Into a fresh database each time, so the kill lands mid-import, not on duplicates.
      rm -rf "$work/imp"; mkdir -p "$work/imp"; cp "$work/empty.db" "$work/imp/w.db"
      kill_at_random "$bin" --db "$work/imp/w.db" import "$work/files"
      "$bin" --db "$work/imp/w.db" db check >"$work/check.txt" 2>&1 || fail "db check after a killed import: $(cat "$work/check.txt")"
      # Every activity that is there is whole: the same streams and laps as in a clean import.
      n=$(python3 - "$work/imp/w.db" "$work/reference.db" <<'EOF2'
import sqlite3, sys
def shape(path):
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = ("SELECT a.file_hash, (SELECT count(*) FROM activity_streams s WHERE s.activity_id = a.id), "
         "(SELECT count(*) FROM activity_segments g WHERE g.activity_id = a.id) FROM activities a")
    return {h: (s, g) for h, s, g in c.execute(q)}
got, ref = shape(sys.argv[1]), shape(sys.argv[2])
print(sum(1 for h, v in got.items() if ref.get(h) != v))
EOF2
)
      [ "$n" = 0 ] || fail "$n activities differ from a clean import (half-written)"
      "$bin" --db "$work/imp/w.db" import "$work/files" >/dev/null 2>&1
      n=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM activities").fetchone()[0])' "$work/imp/w.db")
      [ "$n" = "$expected_activities" ] || fail "$n activities after the rerun of a killed import, expected $expected_activities"
      ;;
    log|log_process)
      flag=--no-process; [ "$op" = log_process ] && flag=""
      # A short burst; the ids of the finished ones are acknowledged.
      cat >"$work/burst.sh" <<EOF
for i in 1 2 3 4; do "$bin" --json log $flag "\$i eggs and toast trial $t" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("entry", d)["id"])' >>"$work/ids-$t.txt" || exit 0; done
EOF
      kill_at_random bash "$work/burst.sh"
      # A line is written only after `log` exited 0 (stdout piped through python): acknowledged.
      [ -f "$work/ids-$t.txt" ] && grep -E '^[0-9a-f-]{36}$' "$work/ids-$t.txt" >>"$acked"
      ;;
    backup) kill_at_random "$bin" backup "$work/data/backups/b-$t.zip" ;;
    restore)
      # A backup of the current state, restored and killed: either way nothing acknowledged is lost.
      "$bin" backup "$work/current.zip" >/dev/null 2>&1 || fail "backup before restore"
      kill_at_random "$bin" restore "$work/current.zip" --yes
      ;;
  esac
  check
  # The rerun: a killed import completes, without duplicates; stale claims are taken over.
  "$bin" import "$work/files" >/dev/null 2>&1
  "$bin" entries process >/dev/null 2>&1
  check
  n=$(q "SELECT count(*) FROM activities")
  [ "$n" = "$expected_activities" ] || fail "$n activities after the rerun, expected $expected_activities (duplicates or lost)"
  [ "$(q "SELECT count(*) FROM quick_entry_logs WHERE processing_status = 'processing'")" = 0 ] || fail "an entry left claimed"
  per_op[$op]=$(( ${per_op[$op]:-0} + 1 ))
  [ "$state" = killed ] && per_killed[$op]=$(( ${per_killed[$op]:-0} + 1 ))
  echo "trial $t: $op killed after ${delay} ms ($state): ok"
done
# Leftovers of killed backups and restores are gone after the next start.
"$bin" today >/dev/null 2>&1
left=$(find "$work/data" -maxdepth 2 \( -name '.wagner-staging-*' -o -name '*.zip.part' \) | wc -l)
summary="$trials trials ($(for k in "${!per_op[@]}"; do printf '%s %s/%s killed, ' "$k" "${per_killed[$k]:-0}" "${per_op[$k]}"; done)) $killed killed mid-way; \
entries acknowledged: $(wc -l <"$acked"), lost: 0; integrity ok after every trial; leftovers after restart: $left"
echo "$summary"
[ "$left" = 0 ] || { echo "FAIL: $left leftovers" >&2; exit 1; }

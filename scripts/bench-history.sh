#!/usr/bin/env bash
# Benchmarks on a generated history of 1 month, 1 year and 5 years (issue 23):
# builds each profile with `wagner demo --days N`, then times the interactive
# reads, the first search, export and backup with the release CLI; median of
# RUNS runs, wall time and peak RSS (/usr/bin/time). Prints a Markdown table
# for BENCHMARKS.md with the 5y/1m ratio.
#
#   scripts/bench-history.sh [RUNS]   (needs: cargo build --release --bin wagner)
set -euo pipefail
runs=${1:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${WAGNER_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/wagner}
[ -x "$bin" ] || { echo "build first: cargo build --release --bin wagner" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WAGNER_MODELS_DIR=${WAGNER_MODELS_DIR:-/nonexistent} # keyword search: "before embedding"

declare -A days=([1m]=16 [1y]=351 [5y]=1812) # + the demo's 14 days
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_cmd NAME DB CMD... -> "ms rss_mb" (median of $runs)
time_cmd() {
  local db=$1; shift
  local t=() m=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$bin" --db "$db" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
    read -r s kb <"$work/t"
    t+=("$(awk -v s="$s" 'BEGIN {printf "%d", s * 1000}')")
    m+=("$((kb / 1024))")
  done
  echo "$(printf '%s\n' "${t[@]}" | median) $(printf '%s\n' "${m[@]}" | median)"
}

declare -A result
for size in 1m 1y 5y; do
  db="$work/$size/wagner.db"
  start=$(date +%s.%N)
  "$bin" --db "$db" demo --days "${days[$size]}" >"$work/$size.demo"
  build=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  result[$size,build]="$build s ($(cat "$work/$size.demo" | sed 's/.*profile "[^"]*": //'))"
  result[$size,size]="$(($(stat -c %s "$db") / 1000000)) MB"
  for cmd in today day week month body targets activities; do
    result[$size,$cmd]=$(time_cmd "$db" "$cmd")
  done
  # First search: builds the search documents of the whole history, once.
  cp "$db" "$work/$size/first.db"
  /usr/bin/time -f "%e %M" -o "$work/t" "$bin" --db "$work/$size/first.db" search salmon >/dev/null 2>&1
  read -r s kb <"$work/t"
  result[$size,first_search]="$(awk -v s="$s" 'BEGIN {printf "%d", s * 1000}') $((kb / 1024))"
  result[$size,search]=$(time_cmd "$work/$size/first.db" search salmon)
  result[$size,export]=$(rm -rf "$work/$size/export"; time_cmd "$db" export "$work/$size/export")
  result[$size,backup]=$(time_cmd "$db" backup "$work/$size/backup.zip")
done

echo "| command | 1 month | 1 year | 5 years | 5y ÷ 1m |"
echo "|---|---|---|---|---|"
echo "| build (\`wagner demo --days N\`) | ${result[1m,build]} | ${result[1y,build]} | ${result[5y,build]} | |"
echo "| database | ${result[1m,size]} | ${result[1y,size]} | ${result[5y,size]} | |"
for cmd in today day week month body targets activities first_search search export backup; do
  read -r a am <<<"${result[1m,$cmd]}"
  read -r b bm <<<"${result[1y,$cmd]}"
  read -r c cm <<<"${result[5y,$cmd]}"
  ratio=$(awk -v a="$a" -v c="$c" 'BEGIN {printf "%.2f", (a > 0 ? c / a : 0)}')
  echo "| \`$cmd\` | $a ms, $am MB | $b ms, $bm MB | $c ms, $cm MB | $ratio |"
done

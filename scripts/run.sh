#!/usr/bin/env bash
# Builds and launches the desktop app. With no data yet, the default profile
# gets the demo (two weeks of meals, training, weigh-ins, a 12-week program).
# Extra arguments go to the app, e.g. --db /path/to/wagner.db.
#
# Offline speech builds CTranslate2 from source (~26 min clean on 2 cores).
# Until that build is cached, the window comes up without it (voice notes then
# need a provider) and the full build runs in the background, at low priority,
# for the next launch (log: $CARGO_TARGET_DIR/voice-build.log).
# WAGNER_VOICE_BUILD=wait builds it first instead; =off never builds it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

(cd ui && npm run build --silent)

voice_log="$CARGO_TARGET_DIR/voice-build.log"
voice_pid="$CARGO_TARGET_DIR/voice-build.pid"
mode="${WAGNER_VOICE_BUILD:-background}"
# The ct2rs build script leaves its output file only once CTranslate2 is built.
voice_cached() { compgen -G "$CARGO_TARGET_DIR/debug/build/ct2rs-*/output" >/dev/null; }
# Still running, and still that cargo (a pid can be reused).
building() {
  local pid cmd
  pid=$(cat "$voice_pid" 2>/dev/null) || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"cargo build"* ]]
}

if building && [ -x "$CARGO_TARGET_DIR/debug/wagner-desktop" ]; then
  # Its cargo holds the build lock: launch what is built rather than wait.
  echo "Offline speech is still building in the background (see $voice_log): launching the current build." >&2
elif voice_cached || [ "$mode" = wait ]; then
  cargo build -p wagner-coach -p wagner-desktop
else
  cargo build -p wagner-coach -p wagner-desktop --no-default-features --features wagner-desktop/custom-protocol
  if [ "$mode" != off ]; then
    echo "Launching without offline speech; building it in the background for the next launch (see $voice_log)." >&2
    nohup nice -n 19 cargo build -p wagner-coach -p wagner-desktop >"$voice_log" 2>&1 </dev/null &
    echo $! >"$voice_pid"
  fi
fi
"$CARGO_TARGET_DIR/debug/wagner" "$@" demo --if-empty

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$CARGO_TARGET_DIR/debug/wagner-desktop" "$@"
fi
echo "No display found: starting the app on a virtual display (Xvfb)." >&2
exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$CARGO_TARGET_DIR/debug/wagner-desktop" "$@"

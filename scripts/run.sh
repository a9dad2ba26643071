#!/usr/bin/env bash
# Builds and launches the desktop app. With no data yet, the default profile
# gets the demo (two weeks of meals, training, weigh-ins, a 12-week program).
# Extra arguments go to the app, e.g. --db /path/to/wagner.db.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

(cd ui && npm run build --silent)
cargo build -p wagner-coach -p wagner-desktop
"$CARGO_TARGET_DIR/debug/wagner" "$@" demo --if-empty

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$CARGO_TARGET_DIR/debug/wagner-desktop" "$@"
fi
echo "No display found: starting the app on a virtual display (Xvfb)." >&2
exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$CARGO_TARGET_DIR/debug/wagner-desktop" "$@"

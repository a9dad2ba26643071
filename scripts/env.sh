# Sourced by the scripts: where builds go. The target dir lives outside the
# clone so CI and fresh clones build incrementally.
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wagner-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

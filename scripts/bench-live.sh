#!/usr/bin/env bash
# The live-updates benchmark (see BENCHMARKS.md, "Live updates"): builds the release
# binaries, makes sure PostgreSQL runs (and the Kafka-protocol broker, tansu, for
# `--topology split`), then opens thousands of SSE streams while bids are accepted.
# Arguments go to `live` (`--help` lists them), e.g.
# `./scripts/bench-live.sh --clients 10000 --private-clients 100 --bidders 100 --rate 1000 --seconds 30`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_build_tools
ensure_bench_postgres

# Split roles talk over the broker; one process uses its in-process bus.
if [[ " $* " == *" split "* || " $* " == *"--topology=split"* ]]; then
  KAFKA_PORT="${KAFKA_BENCH_PORT:-19092}"
  start_tansu "$KAFKA_PORT"
  export KAFKA_URL="127.0.0.1:$KAFKA_PORT"
fi

log "building the release binaries"
cargo build --release --locked -p bench -p platform-app --bin platform --bin live

log "running the live-updates benchmark"
"$CARGO_TARGET_DIR/release/live" --platform-bin "$CARGO_TARGET_DIR/release/platform" "$@"

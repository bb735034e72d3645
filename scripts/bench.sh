#!/usr/bin/env bash
# The bid-path benchmark (see BENCHMARKS.md): builds the release binaries, makes sure
# PostgreSQL and the Kafka-protocol broker (tansu) run, then measures the raw broker and
# the platform's bid path in one run. Arguments go to `bid-path` (`--help` lists them),
# e.g. `./scripts/bench.sh --topology split --rate 4000 --seconds 30`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_build_tools
ensure_bench_postgres

KAFKA_PORT="${KAFKA_BENCH_PORT:-19092}"
start_tansu "$KAFKA_PORT"
export KAFKA_URL="127.0.0.1:$KAFKA_PORT"

log "building the release binaries"
cargo build --release --locked -p bench -p platform-app --bin platform --bin bid-path

log "running the bid-path benchmark"
"$CARGO_TARGET_DIR/release/bid-path" --platform-bin "$CARGO_TARGET_DIR/release/platform" "$@"

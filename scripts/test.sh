#!/usr/bin/env bash
# Installs what the tests need and runs every test: formatting and lints, unit tests,
# integration tests against a real PostgreSQL and a real Kafka-protocol broker (tansu),
# end-to-end tests of the platform as one process and as separate processes, and the
# browser tests.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_build_tools
TEST_DATABASE_URL="$(ensure_test_postgres)"
export TEST_DATABASE_URL
log "PostgreSQL for tests: $TEST_DATABASE_URL"
drop_test_databases "$TEST_DATABASE_URL"

KAFKA_PORT="${KAFKA_TEST_PORT:-19092}"
start_tansu "$KAFKA_PORT"
export KAFKA_TEST_URL="127.0.0.1:$KAFKA_PORT"

log "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

log "running the Rust tests"
cargo test --workspace --locked --no-fail-fast -- --test-threads="${TEST_THREADS:-4}"

log "checking the deployment manifests"
"$ROOT/scripts/test-deploy.sh"

if [ -f web/package.json ]; then
  log "running the browser tests"
  apt_install chromium
  ensure_node
  # The browser tests start the debug platform binary the Rust tests built.
  cargo build --locked --bin platform
  export PLATFORM_BIN="$CARGO_TARGET_DIR/debug/platform"
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent && npm test)
fi
log "all tests passed"

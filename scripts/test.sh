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

log "checking formatting, lints and unused dependencies"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
ensure_cargo_machete
cargo machete

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
  # The web's API types are generated from the document the platform serves; a change of
  # the API that was not regenerated into web/src/api/schema.d.ts fails here.
  mkdir -p "$DATA_DIR"
  "$PLATFORM_BIN" openapi > "$DATA_DIR/openapi.json"
  (cd web && npm ci --no-audit --no-fund --loglevel=error &&
    OPENAPI_JSON="$DATA_DIR/openapi.json" npm run check:api &&
    npm run build --silent && npm test)
fi

log "fuzzing the API against its OpenAPI document"
cargo build --locked --bin platform
PLATFORM_BIN="$CARGO_TARGET_DIR/debug/platform" "$ROOT/scripts/test-api.sh"
log "all tests passed"

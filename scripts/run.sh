#!/usr/bin/env bash
# Brings up the whole platform on this machine: every service in one process, the
# in-memory bus, the embedded search index, the built web front end, and PostgreSQL
# (the project's own local cluster unless DATABASE_URL is set).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_build_tools
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(start_local_postgres "${LOCAL_PG_PORT:-55432}")/auction"
  export DATABASE_URL
fi
"$(pg_bin_dir)/psql" "${DATABASE_URL%/*}/postgres" -qtAc \
  "SELECT 1 FROM pg_database WHERE datname = '${DATABASE_URL##*/}'" | grep -q 1 ||
  "$(pg_bin_dir)/psql" "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"${DATABASE_URL##*/}\""

if [ -f web/package.json ]; then
  log "building the web front end"
  ensure_node
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
  export WEB_DIR="$ROOT/web/dist"
fi

log "building the platform"
cargo build --release --locked --bin platform
export BUS_URL="${BUS_URL:-embedded://}"
export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
export DATA_DIR
export SEARCH_DATA_DIR="${SEARCH_DATA_DIR:-$DATA_DIR/search}"
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@example.com}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-change-me-now}"
log "admin account: $ADMIN_EMAIL / $ADMIN_PASSWORD"
exec "$CARGO_TARGET_DIR/release/platform"

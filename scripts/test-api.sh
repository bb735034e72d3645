#!/usr/bin/env bash
# Fuzzes the public API against its own OpenAPI document with schemathesis: the debug
# `platform` binary (every role, in-memory bus) on a free loopback port and a fresh
# database, rate limits raised, a signed-in account whose token goes with every request.
# Fails on a server error, a response that contradicts the document (status, content
# type, body, headers) and on any schemathesis warning (e.g. most requests the document
# allows being refused). Environment:
#   PLATFORM_BIN             the binary to test (default: the debug build, built if missing)
#   API_TEST_MAX_EXAMPLES    generated cases per operation and phase (default 30)
#   API_TEST_MAX_SECONDS     bound of the schemathesis run; a run cut short fails (default 900)
#   API_TEST_SEED            schemathesis seed, to replay a run
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/auction-platform/schemathesis-$SCHEMATHESIS_VERSION"
MAX_EXAMPLES="${API_TEST_MAX_EXAMPLES:-30}"
MAX_SECONDS="${API_TEST_MAX_SECONDS:-900}"
ADMIN_EMAIL="${ADMIN_EMAIL:-admin@example.com}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin-password-1}"
PLATFORM_BIN="${PLATFORM_BIN:-$CARGO_TARGET_DIR/debug/platform}"
REPORT_DIR="$DATA_DIR/test-api"

# schemathesis in a virtual environment of its own, pinned: its checks and warnings
# change between versions.
ensure_schemathesis() {
  if [ -x "$SCHEMATHESIS_VENV/bin/st" ]; then return 0; fi
  log "installing schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_VENV"
  command -v python3 >/dev/null 2>&1 || apt_install python3
  mkdir -p "$(dirname "$SCHEMATHESIS_VENV")"
  if ! python3 -m venv "$SCHEMATHESIS_VENV" >/dev/null 2>&1; then
    apt_install python3-venv
    python3 -m venv "$SCHEMATHESIS_VENV"
  fi
  "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# `json_field FIELD` prints FIELD of the JSON object on stdin (dots go deeper).
json_field() {
  python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[key]
print(value)' "$1"
}

# `api METHOD PATH [TOKEN] [BODY]`: the response body; fails unless the status is 2xx.
api() {
  local method="$1" path="$2" token="${3:-}" body="${4:-}" args=()
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H "Content-Type: application/json" --data "$body")
  curl --silent --show-error --fail-with-body --max-time 10 -X "$method" "${args[@]}" "$BASE_URL$path"
}

ensure_schemathesis
if [ ! -x "$PLATFORM_BIN" ]; then
  ensure_build_tools
  log "building the platform binary"
  cargo build --locked --bin platform
fi
command -v curl >/dev/null 2>&1 || apt_install curl

BASE_DATABASE_URL="$(ensure_test_postgres)"
PSQL="$(pg_bin_dir)/psql"
[ -x "$PSQL" ] || PSQL=psql
DATABASE_NAME="api_test_$(python3 -c 'import uuid; print(uuid.uuid4().hex)')"
"$PSQL" "$BASE_DATABASE_URL" -qc "CREATE DATABASE $DATABASE_NAME" >/dev/null
DATABASE_URL="${BASE_DATABASE_URL%/*}/$DATABASE_NAME"
PORT="$(free_port)"
BASE_URL="http://127.0.0.1:$PORT"
mkdir -p "$REPORT_DIR"
SERVER_LOG="$REPORT_DIR/platform.log"

log "starting $PLATFORM_BIN on $BASE_URL (database $DATABASE_NAME)"
env DATABASE_URL="$DATABASE_URL" \
  BUS_URL=memory:// \
  SEARCH_URL=memory:// \
  DATABASE_MAX_CONNECTIONS=8 \
  GATEWAY_HOST=127.0.0.1 \
  GATEWAY_PORT="$PORT" \
  JWT_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
  ADMIN_EMAIL="$ADMIN_EMAIL" \
  ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  AUTH_RATE_PER_MINUTE=1000000 \
  AUTH_RATE_BURST=100000 \
  BID_RATE_PER_SECOND=100000 \
  BID_RATE_BURST=100000 \
  RUST_LOG="${RUST_LOG:-info}" \
  "$PLATFORM_BIN" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

stop_server() {
  local status=$?
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  "$PSQL" "$BASE_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $DATABASE_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  exit "$status"
}
trap stop_server EXIT

for _ in $(seq 1 600); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the platform exited while starting; its log:" >&2
    tail -n 40 "$SERVER_LOG" >&2
    exit 1
  fi
  curl --silent --fail --max-time 2 "$BASE_URL/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl --silent --show-error --fail --max-time 2 "$BASE_URL/readyz" >/dev/null

# What the run works on: a seller's auction, opened by the admin; the tested account, and
# a bid of it on that auction.
log "creating the test data"
stamp="$(date +%s%N)"
signup() {
  api POST /api/auth/signup "" \
    "{\"email\":\"$1-$stamp@example.com\",\"password\":\"password-$stamp\",\"displayName\":\"$1\"}" |
    json_field accessToken
}
SELLER_TOKEN="$(signup seller)"
TESTER_TOKEN="$(signup tester)"
ADMIN_TOKEN="$(api POST /api/auth/login "" \
  "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | json_field accessToken)"
API_TEST_AUCTION_ID="$(api POST /api/auctions "$SELLER_TOKEN" \
  '{"title":"Film camera","description":"Works.","category":"electronics","startingPrice":1000}' |
  json_field id)"
window="$(python3 -c 'import datetime as d
now = d.datetime.now(d.timezone.utc)
fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
print("{\"startsAt\":\"%s\",\"endsAt\":\"%s\"}" % (fmt(now - d.timedelta(minutes=1)), fmt(now + d.timedelta(days=1))))')"
api POST "/api/admin/auctions/$API_TEST_AUCTION_ID/schedule" "$ADMIN_TOKEN" "$window" >/dev/null
API_TEST_BID_ID="$(api POST "/api/auctions/$API_TEST_AUCTION_ID/bids" "$TESTER_TOKEN" \
  '{"amount":1000}' | json_field bidId)"
API_TEST_CACHE_DIR="$REPORT_DIR/cache"
export API_TEST_AUCTION_ID API_TEST_BID_ID API_TEST_CACHE_DIR

# Live streams are left out: a stream answers for as long as the client listens, so a
# request to one only ends at the request timeout.
log "running schemathesis (at most $MAX_EXAMPLES cases per operation and phase, ${MAX_SECONDS}s)"
seed_args=()
[ -n "${API_TEST_SEED:-}" ] && seed_args=(--seed "$API_TEST_SEED")
started=$SECONDS
status=0
# Not `--max-time`: with it, schemathesis repeats its phases until the time is spent.
timeout --signal=INT --kill-after=30 "$MAX_SECONDS" \
  "$SCHEMATHESIS_VENV/bin/st" --config-file "$ROOT/scripts/schemathesis.toml" run \
  "$BASE_URL/api/openapi.json" \
  --url "$BASE_URL" \
  --header "Authorization: Bearer $TESTER_TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  --request-timeout 10 \
  --workers 2 \
  --exclude-path-regex '/events$' \
  --generation-database none \
  --report junit,ndjson --report-dir "$REPORT_DIR" \
  --no-color "${seed_args[@]}" || status=$?
log "schemathesis took $((SECONDS - started))s (report in $REPORT_DIR)"
if grep -qE ' (ERROR|panicked)' "$SERVER_LOG"; then
  echo "the platform logged errors during the run:" >&2
  grep -E ' (ERROR|panicked)' "$SERVER_LOG" | head -n 20 >&2
  status=1
fi
exit "$status"

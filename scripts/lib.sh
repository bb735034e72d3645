# Shared steps of the run and test commands: install what is missing, start what is needed.
# Sourced, not executed. Everything is idempotent: a second run reuses what the first set up.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${DATA_DIR:-$ROOT/.data}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/auction-platform/target}"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq >/dev/null; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Build tools the Rust crates need (librdkafka is compiled from source by rdkafka-sys).
ensure_build_tools() {
  apt_install build-essential cmake pkg-config curl ca-certificates
}

# Node.js and npm for the web front end (its build tools need Node 20.19 or newer).
ensure_node() {
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "the web front end needs Node.js 20.19 or newer; found $(node --version)" >&2
    return 1
  fi
}

pg_bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# Starts the project's own PostgreSQL cluster under $DATA_DIR/postgres (port $1) and
# prints its URL. Installs PostgreSQL from Debian's packages when it is missing.
start_local_postgres() {
  local port="$1" bin dir="$DATA_DIR/postgres" run_as=()
  bin="$(pg_bin_dir)"
  if [ -z "$bin" ]; then
    apt_install postgresql
    bin="$(pg_bin_dir)"
  fi
  mkdir -p "$DATA_DIR"
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root.
    id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
    mkdir -p "$dir"; chown postgres "$dir"
    run_as=(runuser -u postgres --)
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "initialising a local PostgreSQL cluster in $dir"
    "${run_as[@]}" "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q; then
    log "starting PostgreSQL on 127.0.0.1:$port"
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "-p $port -k /tmp -h 127.0.0.1 -c max_connections=300 -c fsync=on" start >/dev/null
  fi
  echo "postgres://postgres@127.0.0.1:$port"
}

# A PostgreSQL base URL for tests: $TEST_DATABASE_URL, else the server at 127.0.0.1:5432
# when one answers, else the project's own cluster.
ensure_test_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then echo "$TEST_DATABASE_URL"; return; fi
  local bin; bin="$(pg_bin_dir)"
  if [ -n "$bin" ] && "$bin/pg_isready" -h 127.0.0.1 -p 5432 -q; then
    echo "postgres://postgres@127.0.0.1:5432/postgres"
  else
    echo "$(start_local_postgres 55432)/postgres"
  fi
}

# The Kafka-protocol broker the tests use (tansu, from crates.io).
ensure_tansu() {
  if ! command -v tansu >/dev/null 2>&1; then
    log "installing the tansu broker (takes a while the first time)"
    cargo install --locked tansu --features dynostore,libsql
  fi
}

# cargo-machete, which finds dependencies a crate declares and never uses.
ensure_cargo_machete() {
  if ! command -v cargo-machete >/dev/null 2>&1; then
    log "installing cargo-machete"
    cargo install --locked cargo-machete
  fi
}

# Exports BENCH_DATABASE_URL: the one given, or the test PostgreSQL (started if needed).
ensure_bench_postgres() {
  BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-$(ensure_test_postgres)}"
  export BENCH_DATABASE_URL
  log "PostgreSQL: $BENCH_DATABASE_URL"
}

# Starts tansu on 127.0.0.1:$1 with in-memory storage; stops it when the shell exits.
start_tansu() {
  local port="$1"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "a broker already listens on 127.0.0.1:$port: using it"
    return 0
  fi
  ensure_tansu
  mkdir -p "$DATA_DIR"
  log "starting the tansu broker on 127.0.0.1:$port"
  tansu broker \
    --listener-url "tcp://127.0.0.1:$port" \
    --advertised-listener-url "tcp://127.0.0.1:$port" \
    --storage-engine memory://tansu/ >"$DATA_DIR/tansu-$port.log" 2>&1 &
  TANSU_PID=$!
  trap 'kill $TANSU_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if ! kill -0 "$TANSU_PID" 2>/dev/null; then break; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "tansu did not start; see $DATA_DIR/tansu-$port.log" >&2
  return 1
}

# Drops the databases earlier test runs created on the server at $1 (each test makes its
# own, named <crate>_test_<uuid> or similar, and leaves it for inspection).
drop_test_databases() {
  local url="$1" psql
  psql="$(pg_bin_dir)/psql"
  [ -x "$psql" ] || psql=psql
  "$psql" "$url" -qtAc "SELECT datname FROM pg_database
      WHERE datname ~ '^[a-z]+_test_[0-9a-f]{32}$'" 2>/dev/null |
    while read -r db; do
      [ -n "$db" ] && "$psql" "$url" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
    done
  return 0
}

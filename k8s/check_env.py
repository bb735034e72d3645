#!/usr/bin/env python3
"""Every environment variable the deployment files set must be one the platform reads.

The names the platform reads are taken from its Rust sources: `env = "NAME"` in clap
attributes, `std::env::var("NAME")` / `var_os` calls, and RUST_LOG where tracing's
`EnvFilter::*from_default_env` is used. Only the crates the `platform` binary is built
from count (the crate that declares the binary and the workspace crates it depends on).

Checked: the ConfigMaps and Secrets and the containers' `env`/`envFrom` of rendered
Kubernetes manifests, the `environment` of the compose services that run the platform
image, and the Dockerfile's `ENV`. Every platform Deployment and compose service must
also set the settings without which the roles cannot work together (REQUIRED).

    check_env.py --repo . --manifests dev.yaml prod.yaml --compose compose.yaml \
                 --dockerfile Dockerfile
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

import yaml

BINARY = "platform"
# Without these the roles of separate processes cannot share data, bus or identities.
REQUIRED = {"DATABASE_URL", "BUS_URL", "INTERNAL_TOKEN", "SERVICES"}
# A gateway without a configured secret signs with a random one per process: tokens
# issued by one replica would be refused by the next.
REQUIRED_FOR_GATEWAY = {"JWT_SECRET"}

CLAP_ENV = re.compile(r'\benv\s*=\s*"([A-Za-z_][A-Za-z0-9_]*)"')
STD_ENV = re.compile(r'env::var(?:_os)?\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)')
DEFAULT_ENV_FILTER = re.compile(r"EnvFilter::(?:try_)?from_default_env")
TEST_MODULE = re.compile(r"^#\[cfg\(test\)\]\s*\n\s*mod\s", re.MULTILINE)


def platform_crates(repo: Path) -> list[Path]:
    """Folders of the workspace crates the `platform` binary is built from."""
    root = tomllib.loads((repo / "Cargo.toml").read_text())
    crates = {}
    for member in root["workspace"]["members"]:
        manifest = tomllib.loads((repo / member / "Cargo.toml").read_text())
        crates[manifest["package"]["name"]] = (repo / member, manifest)
    start = [
        name
        for name, (_, manifest) in crates.items()
        if any(b.get("name") == BINARY for b in manifest.get("bin", []))
    ]
    if not start:
        sys.exit(f"no workspace crate declares the binary {BINARY!r}")
    seen, todo = set(), list(start)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        deps = crates[name][1].get("dependencies", {})
        todo.extend(dep for dep in deps if dep in crates)
    return sorted(crates[name][0] for name in seen)


def names_read(repo: Path) -> dict[str, str]:
    """Environment variable -> the first source file that reads it."""
    read = {}
    for crate in platform_crates(repo):
        for source in sorted((crate / "src").rglob("*.rs")):
            text = source.read_text()
            # Unit tests sit in a trailing `#[cfg(test)] mod`: what they read is not read
            # by the binary.
            cut = TEST_MODULE.search(text)
            if cut:
                text = text[: cut.start()]
            found = CLAP_ENV.findall(text) + STD_ENV.findall(text)
            if DEFAULT_ENV_FILTER.search(text):
                found.append("RUST_LOG")
            for name in found:
                read.setdefault(name, str(source.relative_to(repo)))
    return read


def manifest_settings(path: Path):
    """(where, names set) pairs and (where, effective names, role) per Deployment."""
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    by_ref = {}
    sets = []
    for doc in docs:
        if doc["kind"] in ("ConfigMap", "Secret"):
            keys = set(doc.get("data") or {}) | set(doc.get("stringData") or {})
            where = f"{path.name}: {doc['kind']}/{doc['metadata']['name']}"
            by_ref[(doc["kind"], doc["metadata"]["name"])] = keys
            sets.append((where, keys))
    workloads = []
    for doc in docs:
        if doc["kind"] not in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            continue
        for container in doc["spec"]["template"]["spec"]["containers"]:
            where = f"{path.name}: {doc['kind']}/{doc['metadata']['name']}"
            env = {e["name"]: e.get("value") for e in container.get("env", [])}
            sets.append((where + " env", set(env)))
            effective = set(env)
            for source in container.get("envFrom", []):
                kind = "ConfigMap" if "configMapRef" in source else "Secret"
                ref = source.get("configMapRef") or source.get("secretRef")
                keys = by_ref.get((kind, ref["name"]))
                if keys is None:
                    sets.append((f"{where} envFrom {kind}/{ref['name']} (not rendered)", {"?"}))
                    continue
                effective |= keys
            workloads.append((where, effective, env.get("SERVICES") or ""))
    return sets, workloads


def compose_settings(path: Path):
    doc = yaml.safe_load(path.read_text())
    sets, workloads = [], []
    for name, service in doc.get("services", {}).items():
        image = str(service.get("image", ""))
        if "build" not in service and not image.startswith("auction-platform"):
            continue  # Kafka, Postgres, Elasticsearch: their own settings
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.partition("=")[::2] for item in environment)
        where = f"{path.name}: service {name}"
        sets.append((where, set(environment)))
        workloads.append((where, set(environment), str(environment.get("SERVICES", ""))))
    return sets, workloads


def dockerfile_settings(path: Path):
    text = re.sub(r"\\\n", " ", path.read_text())
    names = set()
    for line in text.splitlines():
        match = re.match(r"\s*ENV\s+(.*)", line, re.IGNORECASE)
        if not match:
            continue
        body = match.group(1).strip()
        if "=" in body.split()[0]:
            names |= {pair.split("=", 1)[0] for pair in body.split() if "=" in pair}
        else:
            names.add(body.split()[0])  # legacy `ENV NAME value`
    return [(f"{path.name}: ENV", names)], []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--manifests", type=Path, nargs="*", default=[])
    parser.add_argument("--compose", type=Path)
    parser.add_argument("--dockerfile", type=Path)
    args = parser.parse_args()

    known = names_read(args.repo)
    sets, workloads = [], []
    for path in args.manifests:
        s, w = manifest_settings(path)
        sets += s
        workloads += w
    for path, reader in ((args.compose, compose_settings), (args.dockerfile, dockerfile_settings)):
        if path:
            s, w = reader(path)
            sets += s
            workloads += w

    problems = []
    for where, names in sets:
        for name in sorted(names - set(known)):
            problems.append(f"{where}: {name} is not read by the platform")
    for where, effective, services in workloads:
        required = set(REQUIRED)
        roles = {r.strip() for r in services.split(",")}
        if roles & {"gateway", "all"}:
            required |= REQUIRED_FOR_GATEWAY
        for name in sorted(required - effective):
            problems.append(f"{where}: {name} is not set")

    checked = sum(len(names) for _, names in sets)
    if problems:
        print("\n".join(problems))
        print(f"env: {len(problems)} problem(s); the platform reads: {', '.join(sorted(known))}")
        return 1
    print(f"env: {checked} settings in {len(sets)} places and {len(workloads)} workloads "
          f"match the {len(known)} variables the platform reads")
    return 0


if __name__ == "__main__":
    sys.exit(main())

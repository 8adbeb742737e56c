"""`make run` end to end: the supervisor as a real process tree on free ports."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tmis.run.procs import free_port

pytestmark = pytest.mark.slow  # the whole suite started as processes, killed and watched for seconds

ADMIN_PASSWORD = "Tmis#Run2026"
HEALTH = {"query": "{ health { ok services { name ok } } }"}
LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) { mustChangePassword userErrors {
  code } } }"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait(predicate, timeout: float = 60.0, what: str = "") -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


class Run:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        env = {k: v for k, v in os.environ.items() if k not in ("TMIS_MONGODB_URI", "TMIS_TOKEN_SECRET")}
        env |= {"TMIS_DATA_DIR": str(data_dir), "TMIS_HTTP_PORT": str(self.port), "TMIS_ADMIN_PASSWORD": ADMIN_PASSWORD}
        self.log = data_dir.parent / f"supervisor-{self.port}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "tmis"], env=env, stdout=out, stderr=subprocess.STDOUT)
        _wait(self.healthy, what="the suite to start")

    def post(self, body: dict, token: str | None = None) -> dict:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return httpx.post(self.url, json=body, headers=headers, timeout=5).json()

    def healthy(self) -> bool:
        assert self.proc.poll() is None, self.log.read_text()
        try:
            return self.post(HEALTH)["data"]["health"]["ok"]
        except httpx.HTTPError:
            return False

    def ready(self) -> tuple[int, dict]:
        try:
            reply = httpx.get(self.url.replace("/graphql", "/readyz"), timeout=5)
        except httpx.HTTPError:
            return 0, {}
        return reply.status_code, reply.json()

    def state(self) -> dict:
        return json.loads((self.data_dir / "run.json").read_text())

    def login(self) -> str:
        body = {
            "query": 'mutation($p: String!) { login(username: "admin", password: $p) { token userErrors { code } } }',
            "variables": {"p": ADMIN_PASSWORD},
        }
        return self.post(body)["data"]["login"]["token"]

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)


def test_run_restarts_a_dead_service_and_stops_everything(tmp_path: Path) -> None:
    run = Run(tmp_path / "var")
    try:
        token = run.login()
        tree = run.post({"query": '{ org(code: "620100") { children { code children { code schoolType } } } }'}, token)[
            "data"
        ]["org"]
        schools = [s for d in tree["children"] for s in d["children"]]
        assert len(tree["children"]) == 2 and len({s["schoolType"] for s in schools}) >= 2
        with open(run.data_dir / "demo-accounts.csv", encoding="utf-8-sig") as f:
            accounts = {row["用户名"]: row for row in csv.DictReader(f)}
        for org in ("620100", "620102", schools[0]["code"]):  # every role at city, district and school level
            assert {f"{org}_{s}" for s in ("admin", "entry", "review", "query")} <= set(accounts)
        teacher = next(r for r in accounts.values() if r["角色"].startswith("TEACHER"))
        for username in ("620102_review", teacher["用户名"]):
            body = {"query": LOGIN, "variables": {"u": username, "p": accounts[username]["初始密码"]}}
            assert run.post(body)["data"]["login"]["mustChangePassword"] is True

        records = run.state()["records"]["pid"]
        os.kill(records, signal.SIGKILL)
        # the gateway keeps serving what does not depend on records
        assert run.post({"query": "{ me { username } }"}, token)["data"]["me"]["username"] == "admin"
        _wait(lambda: run.state()["records"]["restarts"] == 1, 90, "records to be restarted")
        assert run.state()["records"]["pid"] != records
        _wait(run.healthy, 90, "health after the restart")
        assert "records exited" in run.log.read_text()

        # the database stops answering: readiness and health name it, and come back with it
        database = run.state()["database"]["pid"]
        os.kill(database, signal.SIGSTOP)
        try:
            every = {f"{name}.database" for name in ("identity", "records", "review", "media")}
            _wait(lambda: set(run.ready()[1].get("down", ())) == every, 30, "readiness to name every database")
            assert run.ready()[0] == 503
            assert set(run.post({"query": "{ health { ok down } }"})["data"]["health"]["down"]) == every
        finally:
            os.kill(database, signal.SIGCONT)
        _wait(lambda: run.ready()[0] == 200, 30, "readiness once the database answers again")

        # the database dies: the supervisor restarts it on its data, the services reconnect by
        # themselves (none restarted), and what was saved is there
        services = {name: run.state()[name]["pid"] for name in ("identity", "records", "review", "media")}
        os.kill(database, signal.SIGKILL)
        _wait(lambda: run.state()["database"]["restarts"] == 1, 60, "the database to be restarted")
        _wait(lambda: run.ready()[0] == 200, 60, "readiness after the database restart")
        assert run.ready()[1] == {"ready": True, "down": []}
        assert {name: run.state()[name]["pid"] for name in services} == services
        assert run.log.read_text().count("database exited") == 1
        token = run.login()
        assert run.post({"query": '{ org(code: "620000") { name } }'}, token)["data"]["org"]["name"] == "甘肃省"
        pids = [v["pid"] for v in run.state().values()]
    finally:
        code = run.stop()
    assert code == 0
    _wait(lambda: not any(_alive(p) for p in pids), 45, "every child to stop")

    again = Run(tmp_path / "var")  # a restart keeps everything
    try:
        token = again.login()
        assert again.post({"query": '{ org(code: "620000") { name } }'}, token)["data"]["org"]["name"] == "甘肃省"
        assert "demo data seeded" not in again.log.read_text()
    finally:
        assert again.stop() == 0


TEXT_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} \S+ +(DEBUG|INFO|WARNING|ERROR|CRITICAL) +\S")


def test_an_idle_suite_prints_nothing_after_start_up(tmp_path: Path) -> None:
    """`make run` in development: readable lines while it starts, then silence while nobody calls
    (every process polls the revocation feed each second, at DEBUG)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMIS_")}
    env |= {"TMIS_DATA_DIR": str(tmp_path / "var"), "TMIS_HTTP_PORT": str(free_port()), "TMIS_DEMO": "0"}
    env["TMIS_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    log = tmp_path / "console.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tmis"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: "Ctrl-C stops it." in log.read_text(), what="the suite to start")
        started = log.read_text()
        time.sleep(6)  # several revocation polls of every process, a stats refresh, a review reconciliation
        idle = log.read_text()[len(started) :]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert idle == ""
    lines = [line for line in started.splitlines() if line.strip() and not line.startswith("  ")]  # but the banner
    assert lines and all(TEXT_LINE.match(line) for line in lines), started

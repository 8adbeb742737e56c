"""What every benchmark needs: the whole suite (`python -m tmis`) on a free port with a fresh
data dir, started, waited for and always stopped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 90.0
STOP_GRACE = 30.0


@dataclass
class Suite:
    url: str
    data_dir: Path
    env: dict[str, str]


def suite_env(data_dir: str, port: int, admin_password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TMIS_MONGODB_URI", "TMIS_TOKEN_SECRET")}
    env.update(
        TMIS_DATA_DIR=data_dir,
        TMIS_HTTP_PORT=str(port),
        TMIS_ADMIN_PASSWORD=admin_password,
        TMIS_DEMO="0",
        TMIS_LOG_LEVEL="WARNING",
    )
    return env


def _wait_healthy(proc: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the suite exited with {proc.returncode}; its log:\n{log_path.read_text(errors='replace')}"
            )
        try:
            body = httpx.post(url, json={"query": "{ health { ok } }"}, timeout=5).json()
            if ((body.get("data") or {}).get("health") or {}).get("ok") is True:
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"the suite was not healthy within {START_TIMEOUT:.0f} s; its log:\n{log_path.read_text(errors='replace')}"
    )


@contextmanager
def running_suite(admin_password: str, extra: dict[str, str] | None = None) -> Iterator[Suite]:
    """The suite, healthy, until the block ends (SIGTERM, then SIGKILL after a grace period);
    `extra`: environment beside the usual (e.g. TMIS_MONGODB_URI: a database of the caller's)."""
    sys.path.insert(0, str(ROOT))
    from tmis.run.procs import free_port

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally below still stops the suite
    data_dir = Path(tempfile.mkdtemp(prefix="tmis-bench-"))
    log_path = data_dir / "suite.log"
    port = free_port()
    env = suite_env(str(data_dir), port, admin_password) | (extra or {})
    url = f"http://127.0.0.1:{port}/graphql"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tmis"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_healthy(proc, url, log_path)
        yield Suite(url, data_dir, env)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


def database_uri(data_dir: Path) -> str:
    """The suite's embedded database: its port is on the secantusd-py command line (the
    supervisor writes only pids to run.json, once it has seen the gateway answer: it may not be
    there yet when the bench has)."""
    state, deadline = data_dir / "run.json", time.monotonic() + 30
    while not state.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    pid = json.loads(state.read_text())["database"]["pid"]
    args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    return f"mongodb://{args[args.index('--host') + 1]}:{args[args.index('--port') + 1]}/?directConnection=true"


async def gql(client: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any], token: str = "") -> Any:
    """A GraphQL call through the gateway: its one result (the first field of `data`); raises on
    errors and on userErrors."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post(url, json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"GraphQL failed (HTTP {response.status_code}): {body}")
    payload = next(iter(body["data"].values()))
    if isinstance(payload, dict) and payload.get("userErrors"):
        raise RuntimeError(f"userErrors for {variables}: {payload['userErrors']}")
    return payload

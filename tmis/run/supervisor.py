"""`make run`: the whole suite on one machine.

Starts the embedded database (unless TMIS_MONGODB_URI is set), the four services and the
gateway on free internal ports, waits for every health check, seeds the demo data once,
prints the GraphiQL URL, restarts any process that dies (the database too, on its own port
and data: the services reconnect by themselves), and on Ctrl-C / SIGTERM stops everything it
started (gateway first, database last).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tmis.log import setup_logging
from tmis.rpc import ServiceClient
from tmis.run.bootstrap import bootstrap
from tmis.run.embedded_db import EmbeddedMongo
from tmis.run.procs import free_port, spawn, stop_process
from tmis.settings import SERVICES, Settings, settings_or_exit

logger = logging.getLogger("tmis.run.supervisor")
START_TIMEOUT = 60.0


@dataclass
class Child:
    name: str
    args: list[str]
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0
    history: list[float] = field(default_factory=list)
    log_file: str | None = None

    def start(self, env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.proc = spawn(self.args, env=env, log_file=self.log_file)
        self.started_at = time.monotonic()
        return self.proc


def _token_secret(settings: Settings, data_dir: Path) -> str:
    """TMIS_TOKEN_SECRET, or one kept in the data dir so tokens survive a restart."""
    if settings.token_secret:
        return settings.token_secret
    path = data_dir / "token_secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Supervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir).resolve()
        self.db: EmbeddedMongo | None = None
        self.children: list[Child] = []
        self.env: dict[str, str] = {}
        self.stopping = asyncio.Event()

    def _environment(self, uri: str, secret: str) -> dict[str, str]:
        env = dict(os.environ, TMIS_MONGODB_URI=uri, TMIS_TOKEN_SECRET=secret, PYTHONUNBUFFERED="1")
        for name in SERVICES:
            port = free_port()
            env[f"TMIS_{name.upper()}_PORT"] = str(port)
            env[f"TMIS_{name.upper()}_ADDR"] = f"127.0.0.1:{port}"
        return env

    def _write_state(self) -> None:
        state: dict[str, dict[str, int | str | None]] = {
            c.name: {"pid": c.proc.pid if c.proc else None, "restarts": c.restarts} for c in self.children
        }
        if self.db:
            state["database"]["uri"] = self.db.uri
        (self.data_dir / "run.json").write_text(json.dumps(state, indent=1))

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "logs").mkdir(exist_ok=True)
        uri = self.settings.mongodb_uri
        if not uri:
            log = str(self.data_dir / "logs" / "secantusd.log")
            self.db = EmbeddedMongo(self.data_dir / "db", log_file=log)
            uri = self.db.start()  # in the main thread: the child's parent-death signal follows the forking thread
            self.children.append(Child("database", self.db.args, self.db.proc, log_file=log))
        secret = _token_secret(self.settings, self.data_dir)
        self.env = self._environment(uri, secret)
        python = sys.executable
        services = [Child(name, [python, "-m", f"services.{name}"]) for name in SERVICES]
        self.children += services
        for child in services:
            child.start(self.env)
        clients = [ServiceClient(n, self.env[f"TMIS_{n.upper()}_ADDR"], lambda ch: None) for n in SERVICES]
        try:
            await asyncio.gather(*(self._wait_healthy(c) for c in clients))
        finally:
            for client in clients:
                await client.close()
        await bootstrap(Settings.from_env(self.env))
        gateway = Child("gateway", [python, "-m", "gateway"])
        self.children.append(gateway)
        gateway.start(self.env)
        await self._wait_http()
        self._write_state()

    async def _wait_healthy(self, client: ServiceClient) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not (await client.check_health(0.5))[0]:
            child = next(c for c in self.children if c.name == client.name)
            if child.proc and child.proc.poll() is not None:
                raise RuntimeError(f"{client.name} exited with code {child.proc.returncode} during start-up")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{client.name} did not become healthy within {START_TIMEOUT:.0f}s")
            await asyncio.sleep(0.1)

    async def _wait_http(self) -> None:
        url = f"http://{self.settings.http_host}:{self.settings.http_port}/healthz"
        deadline = time.monotonic() + START_TIMEOUT

        def probe() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=0.5) as reply:
                    return bool(reply.status == 200)
            except OSError:
                return False

        while not await asyncio.to_thread(probe):
            gateway = self.children[-1]
            if gateway.proc and gateway.proc.poll() is not None:
                raise RuntimeError(
                    f"gateway exited with code {gateway.proc.returncode} (is port {self.settings.http_port} in use?)"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"gateway did not answer on {url} within {START_TIMEOUT:.0f}s")
            await asyncio.sleep(0.1)

    async def watch(self) -> None:
        """Restart any child that exits while the suite is running."""
        while not self.stopping.is_set():
            for child in self.children:
                if child.proc and child.proc.poll() is not None and not self.stopping.is_set():
                    code = child.proc.returncode
                    now = time.monotonic()
                    child.history = [t for t in child.history if now - t < 60] + [now]
                    delay = min(2 ** (len(child.history) - 1) * 0.5, 10.0)
                    logger.error(
                        "%s exited with code %s; restarting in %.1fs",
                        child.name,
                        code,
                        delay,
                        extra={"fields": {"service": child.name, "exit_code": code}},
                    )
                    child.proc = None
                    asyncio.get_running_loop().call_later(delay, self._restart, child)
            await asyncio.sleep(0.2)

    def _restart(self, child: Child) -> None:
        if self.stopping.is_set():
            return
        child.restarts += 1
        proc = child.start(self.env)
        logger.info("%s restarted (pid %d)", child.name, proc.pid)
        self._write_state()

    def stop(self) -> None:
        self.stopping.set()
        for child in reversed(self.children):  # gateway first, the database last
            if child.proc:
                stop_process(child.proc, grace=5.0)


async def _main(settings: Settings) -> int:
    supervisor = Supervisor(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, supervisor.stopping.set)
    try:
        await supervisor.start()
        url = f"http://{settings.http_host}:{settings.http_port}/graphql"
        print(
            f"\n  TMIS is running: {url}" + (" (GraphiQL)" if settings.development else "") + "\n  Ctrl-C stops it.\n",
            flush=True,
        )
        watcher = asyncio.create_task(supervisor.watch())
        await supervisor.stopping.wait()
        watcher.cancel()
        return 0
    except RuntimeError as err:
        logger.error("start-up failed: %s", err)
        return 1
    finally:
        logger.info("stopping")
        await asyncio.to_thread(supervisor.stop)


def main() -> None:
    settings = settings_or_exit("supervisor")
    setup_logging("supervisor", settings.log_level, settings.log_format)
    sys.exit(asyncio.run(_main(settings)))


if __name__ == "__main__":
    main()

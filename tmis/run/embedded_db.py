"""The embedded default database: SecantusDB (MongoDB wire protocol) as a separate process.

Started only when TMIS_MONGODB_URI is unset; never imported, only run in a process of its own
(`python -m tmis.run.secantusd`: `secantusd-py` with one fix of its insert path).
"""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from tmis.run.procs import free_port, spawn, stop_process

logger = logging.getLogger("tmis.run.embedded_db")


def _command() -> list[str]:
    """SecantusDB's server, run by `tmis.run.secantusd` (its insert path fixed) with this Python."""
    if importlib.util.find_spec("secantus") is None:
        raise RuntimeError(
            "SecantusDB not found: install the 'embedded' extra (pip install '.[embedded]') or set TMIS_MONGODB_URI"
        )
    return [sys.executable, "-m", "tmis.run.secantusd"]


class EmbeddedMongo:
    """`with EmbeddedMongo(dir) as uri:` runs SecantusDB on a free port until the block ends."""

    def __init__(self, storage_path: str | Path, host: str = "127.0.0.1", log_file: str | None = None) -> None:
        self.storage_path = Path(storage_path)
        self.host = host
        self.log_file = log_file
        self.proc: subprocess.Popen[bytes] | None = None
        self.uri = ""

    def start(self, timeout: float = 30.0) -> str:
        self.storage_path.mkdir(parents=True, exist_ok=True)
        port = free_port(self.host)
        args = [
            *_command(),
            "--host",
            self.host,
            "--port",
            str(port),
            "--storage-path",
            str(self.storage_path),
            "--log-level",
            "WARNING",
        ]
        self.proc = spawn(args, log_file=self.log_file)
        self.uri = f"mongodb://{self.host}:{port}/?directConnection=true"
        deadline = time.monotonic() + timeout
        client: MongoClient[dict[str, Any]] = MongoClient(self.uri, serverSelectionTimeoutMS=300, connectTimeoutMS=300)
        try:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"secantusd-py exited with {self.proc.returncode} (storage {self.storage_path})")
                try:
                    client.admin.command("ping")
                    break
                except PyMongoError:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise RuntimeError(f"secantusd-py did not answer ping within {timeout:.0f}s") from None
                    time.sleep(0.1)
        finally:
            client.close()
        logger.info("embedded database on %s (%s)", self.uri, self.storage_path)
        return self.uri

    def stop(self, grace: float = 5.0) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace)
            self.proc = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

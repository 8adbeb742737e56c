"""The embedded default database: SecantusDB (MongoDB wire protocol) as a separate process.

Started only when TMIS_MONGODB_URI is unset; never imported, only run as `secantusd-py`.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from tmis.run.procs import free_port, spawn, stop_process

logger = logging.getLogger("tmis.run.embedded_db")


def _executable() -> str:
    beside = Path(sys.executable).parent / "secantusd-py"
    found = str(beside) if beside.exists() else shutil.which("secantusd-py")
    if not found:
        raise RuntimeError(
            "secantusd-py not found: install the 'embedded' extra (pip install '.[embedded]') or set TMIS_MONGODB_URI"
        )
    return found


class EmbeddedMongo:
    """`with EmbeddedMongo(dir) as uri:` runs SecantusDB on a free port until the block ends.

    Every write a TMIS client makes asks for the journal (`j: true`, tmis/mongo.py), but SecantusDB
    (0.7.0b3) honours it only on a single write: a multi-document transaction's commit (an import's
    chunk, a photo's attachment) returned before its journal was synced, and a SIGKILL of the server
    lost tens of the last acknowledged ones (`tests/test_embedded_db.py`). With `--sync-on-commit`
    every commit syncs the journal: a transaction costs one sync, as a journaled write does."""

    def __init__(self, storage_path: str | Path, host: str = "127.0.0.1", log_file: str | None = None) -> None:
        self.storage_path = Path(storage_path)
        self.host = host
        self.log_file = log_file
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.uri = ""

    @property
    def args(self) -> list[str]:
        """The command line, on the same port and data every time (a restart after a crash: the
        clients' connection string stays valid, and the journal replays what was acknowledged)."""
        if not self.port:
            self.port = free_port(self.host)
        return [
            _executable(),
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--storage-path",
            str(self.storage_path),
            "--log-level",
            "WARNING",
            "--sync-on-commit",
        ]

    def start(self, timeout: float = 30.0) -> str:
        self.storage_path.mkdir(parents=True, exist_ok=True)
        self.proc = spawn(self.args, log_file=self.log_file)
        self.uri = f"mongodb://{self.host}:{self.port}/?directConnection=true"
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

    def kill(self) -> None:
        """SIGKILL, as a crash would (tests of what survives one)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def stop(self, grace: float = 5.0) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace)
            self.proc = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

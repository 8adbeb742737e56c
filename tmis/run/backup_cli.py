"""The command line of `python -m tmis backup DIR` and `python -m tmis restore DIR [--replace]`.

With TMIS_MONGODB_URI set it works on that server. Otherwise on the embedded database of
TMIS_DATA_DIR: the running one when `make run` is up (its address is in `run.json`), else one
it starts on the data directory for the time it needs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from tmis.log import setup_logging
from tmis.run.backup import BackupError, backup, manifest_json, restore
from tmis.run.embedded_db import EmbeddedMongo
from tmis.settings import Settings

logger = logging.getLogger("tmis.run.backup")


def _running_uri(data_dir: Path) -> str:
    """The embedded database `make run` started on this data dir, if it still runs."""
    try:
        db = json.loads((data_dir / "run.json").read_text())["database"]
        os.kill(int(db["pid"]), 0)
        return str(db.get("uri") or "")
    except (OSError, ValueError, KeyError, TypeError):
        return ""


@contextlib.contextmanager
def database(settings: Settings) -> Iterator[Settings]:
    if settings.mongodb_uri:
        yield settings
        return
    data_dir = Path(settings.data_dir).resolve()
    uri = _running_uri(data_dir)
    if uri:
        yield replace(settings, mongodb_uri=uri)
        return
    with EmbeddedMongo(data_dir / "db") as started:
        yield replace(settings, mongodb_uri=started)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m tmis", description="Back up or restore every service's database.")
    parser.add_argument("command", choices=["backup", "restore"])
    parser.add_argument("dir", type=Path)
    parser.add_argument(
        "--replace", action="store_true", help="restore over databases that hold data (they are dropped)"
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    setup_logging("backup", settings.log_level)
    try:
        with database(settings) as target:
            if args.command == "backup":
                print(manifest_json(asyncio.run(backup(target, args.dir))))
            else:
                done = asyncio.run(restore(target, args.dir, args.replace))
                print(json.dumps({s: {"documents": d.documents, "bytes": d.bytes} for s, d in done.items()}))
    except BackupError as err:
        print(f"{args.command} failed: {err}", file=sys.stderr)
        sys.exit(1)

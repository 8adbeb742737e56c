"""The embedded database's process: SecantusDB's own server (what `secantusd-py` runs), with its
insert path reading the collection's index options once per batch instead of three times per
document.

SecantusDB 0.7.0b3 calls `Storage._index_options_map` (a scan of the collection's index catalogue,
every entry BSON-decoded) from the unique-key check, the geo check and the index writer for each
document it inserts, though it already reads the index list once per chunk of up to 1,000
documents, under the collection's lock that index builds and drops take too, so the set cannot
change in between. With the 8 indexes of `teachers` that was ~45% of an insert's CPU (363 → 197-213
µs a record: bench/README.md, `bench/db_costs.py`). Here each chunk (each attempt, when a write
conflict makes the server run it again) reads the map once. Only the version it was measured on
is changed; any other runs as shipped.

    python -m tmis.run.secantusd --host 127.0.0.1 --port N --storage-path DIR
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import threading
from typing import Any

PATCHED_VERSION = "0.7.0b3"


def patch() -> bool:
    """Applies the fix to the installed SecantusDB if it is the version measured; True if applied."""
    if importlib.metadata.version("secantusdb") != PATCHED_VERSION:
        return False
    storage = importlib.import_module("secantus.storage")
    cls = storage.Storage
    read_options = cls._index_options_map
    raw_chunk = getattr(cls._insert_chunk, "__wrapped__", None)
    if raw_chunk is None or getattr(cls, "_tmis_patched", False):
        return False
    local = threading.local()

    def index_options_map(self: Any, db: str, coll: str) -> dict[str, dict[str, Any]]:
        kept: dict[tuple[str, str], dict[str, dict[str, Any]]] | None = getattr(local, "kept", None)
        if kept is None:
            return read_options(self, db, coll)  # type: ignore[no-any-return]
        if (db, coll) not in kept:
            kept[(db, coll)] = read_options(self, db, coll)
        return kept[(db, coll)]

    def insert_chunk(self: Any, *args: Any, **kwargs: Any) -> Any:
        local.kept = {}
        try:
            return raw_chunk(self, *args, **kwargs)
        finally:
            local.kept = None

    cls._index_options_map = index_options_map
    cls._insert_chunk = storage._retry_write_conflicts(insert_chunk)
    cls._tmis_patched = True
    return True


def main() -> None:
    patch()
    cli = importlib.import_module("secantus.cli")
    sys.argv[0] = "secantusd-py"
    sys.exit(cli.main())


if __name__ == "__main__":
    main()

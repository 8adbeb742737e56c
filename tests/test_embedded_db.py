"""The embedded database keeps what it acknowledged: a transaction committed with the suite's write
concern (journaled) is there after a SIGKILL of the server and its restart on the same data.

Transactions matter here: an import's chunk and a photo's attachment are each one, and SecantusDB
returned a transaction's commit before syncing its journal unless started with `--sync-on-commit`
(the last tens of 300 commits were lost to a kill)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pymongo import MongoClient
from pymongo.client_session import ClientSession

from tmis.mongo import durable_options
from tmis.run.embedded_db import EmbeddedMongo

COMMITS = 300


@pytest.mark.slow  # the database killed and started again
def test_transactions_acknowledged_before_a_kill_are_there_after_the_restart(tmp_path: Path) -> None:
    db = EmbeddedMongo(tmp_path / "db")
    db.start()
    try:
        client: MongoClient[dict[str, object]] = MongoClient(db.uri, **durable_options(db.uri))
        done = client["t"]["done"]
        done.database.create_collection("done")
        for n in range(COMMITS):
            with client.start_session() as session:

                def write(s: ClientSession, n: int = n) -> None:
                    done.insert_one({"_id": n}, session=s)
                    done.database["log"].insert_one({"n": n}, session=s)

                session.with_transaction(write)
        client.close()
        db.kill()  # right after the last acknowledgement: no clean shutdown
        db.start()
        client = MongoClient(db.uri, **durable_options(db.uri))
        assert client["t"]["done"].count_documents({}) == COMMITS
        assert client["t"]["log"].count_documents({}) == COMMITS
        client.close()
    finally:
        db.stop()

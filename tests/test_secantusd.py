"""The embedded database's insert path with its index options read once per chunk
(tmis.run.secantusd): applied to the pinned SecantusDB, and still exact when the indexes change
between inserts or a batch is split into chunks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import ASCENDING, MongoClient
from pymongo.errors import BulkWriteError


def test_the_fix_applies_to_the_pinned_version() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from tmis.run.secantusd import patch; assert patch() and not patch()"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def coll(mongo_uri: str) -> Iterator[Any]:
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri)
    name = f"secantusd_{os.getpid()}"
    yield client["tmis_test_secantusd"][name]
    client.drop_database("tmis_test_secantusd")
    client.close()


def test_indexes_made_or_dropped_between_inserts_are_honoured(coll: Any) -> None:
    coll.insert_many([{"n": i, "k": f"a{i}"} for i in range(3)])
    coll.create_index([("k", ASCENDING)], unique=True)
    coll.create_index([("code", ASCENDING)], unique=True, partialFilterExpression={"code": {"$type": "string"}})
    # 2,500 documents: three chunks of the server's, the duplicate in the last one
    docs = [{"n": i, "k": f"b{i}", **({"code": f"c{i}"} if i % 2 else {})} for i in range(2_500)]
    docs.append({"n": -1, "k": "a1"})
    with pytest.raises(BulkWriteError) as refused:
        coll.insert_many(docs, ordered=False)
    assert [e["index"] for e in refused.value.details["writeErrors"]] == [2_500]
    assert coll.count_documents({}) == 2_503
    with pytest.raises(BulkWriteError):
        coll.insert_many([{"n": -2, "k": "x", "code": "c1"}])  # the partial unique index holds
    coll.insert_many([{"n": -3, "k": "y"}, {"n": -4, "k": "z"}])  # no code: not in the partial index
    coll.drop_index("k_1")
    coll.insert_many([{"n": -5, "k": "a1"}])  # no longer unique
    assert coll.count_documents({"k": "a1"}) == 2
    assert len(list(coll.find({"code": "c2499"}).hint("code_1"))) == 1

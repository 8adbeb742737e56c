"""A record's write and its history rows are one transaction: a write whose history cannot be
stored changes nothing (before, the record was replaced and its history lost)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure

from services.records.model import Change, Teacher
from services.records.storage import Storage

PATH = ("100000", "620000", "620100", "620102", "3162010201")


async def test_a_write_whose_history_fails_changes_nothing(mongo_uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri, tz_aware=True)
    name = f"t{uuid.uuid4().hex[:12]}_atomic"
    storage = Storage(client, name)
    try:
        now = dt.datetime.now(dt.UTC)
        basic = {"name": "张三", "idType": "1", "idNumber": "620102198001010011"}
        old = await storage.insert(Teacher("", 1, PATH[-1], "PRIMARY_SECONDARY", PATH, "DRAFT", basic), now)
        new = dataclasses.replace(old, basic={**basic, "name": "李四"})

        async def refused(*_: object, **__: object) -> None:
            raise OperationFailure("the history could not be written")

        monkeypatch.setattr(storage.history, "insert_many", refused)
        with pytest.raises(OperationFailure):
            await storage.write(old, new, now, [Change(now, "clerk", "basic.name", "张三", "李四")])
        [stored] = await storage.get([old.id])
        assert (stored.version, stored.basic["name"]) == (1, "张三")
        assert await client[name]["history"].count_documents({}) == 0

        monkeypatch.undo()
        written = await storage.write(old, new, now, [Change(now, "clerk", "basic.name", "张三", "李四")])
        assert written is not None and written.version == 2
        assert await client[name]["history"].count_documents({"teacher_id": old.id}) == 1
    finally:
        await client.drop_database(name)
        await client.close()

"""Start-up migrations of records' database, on a database written by the release before."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient

from services.records.model import Teacher
from services.records.storage import DuplicatePerson, Storage
from services.records.storage.teachers import MIGRATIONS
from tmis.migrations import schema_version
from tmis.settings import Settings

PATH_A = ["100000", "620000", "620100", "620102", "3162010201"]
PATH_B = ["100000", "620000", "620100", "620103", "3162010301"]


def _old_doc(i: int, path: list[str]) -> dict[str, Any]:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i)
    return {
        "school_code": path[-1],
        "school_type": "PRIMARY_SECONDARY",
        "org_path": path,
        "status": "APPROVED" if i == 0 else "DRAFT",
        "basic": {"name": f"王{i}", "idType": "1", "idNumber": f"62010219800101{i:04d}"},
        "entries": [],
        "missing": [],
        "warnings": [],
        "version": 1,
        "review_seq": 0,
        "created_at": at,
        "updated_at": at,
    }


async def test_records_of_older_releases_are_migrated_once(settings: Settings) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
    teachers = client[settings.databases["records"]]["teachers"]
    await teachers.insert_many([_old_doc(i, PATH_A if i % 3 else PATH_B) for i in range(30)])
    await teachers.create_index([("org_path", ASCENDING), ("updated_at", DESCENDING), ("_id", DESCENDING)])
    await teachers.create_index([("org_path", ASCENDING), ("basic.name", ASCENDING)])
    try:
        storage = await Storage.open(settings)
        try:
            assert await schema_version(teachers.database) == len(MIGRATIONS)
            assert not any(k.startswith("org_path") for k in await teachers.index_information())
            doc = await teachers.find_one({"school_code": PATH_B[-1]})
            assert doc is not None
            assert (doc["org_l1"], doc["org_l2"], doc["org_l3"]) == ("620000", "620100", "620103")
            assert "org_l4" not in doc
            # approved before 信息变更 existed: official (once approved at the end of the chain)
            assert [d["status"] async for d in teachers.find({"once_approved": True})] == ["APPROVED"]
            district, total = await storage.list("620102", "", "", None, 50)
            assert total == 20 and {t.school_code for t in district} == {PATH_A[-1]}
            city, total = await storage.list("620100", "", "王1", None, 5)
            assert total == 11 and len(city) == 5 and all(t.basic["name"].startswith("王1") for t in city)
            assert [t.basic["name"] for t in city] == sorted((t.basic["name"] for t in city), key=lambda n: -int(n[1:]))
            school, total = await storage.list(PATH_B[-1], "", "", None, 50)
            assert total == 10
            assert (await storage.list("620199", "", "", None, 50)) == ([], 0)
        finally:
            await storage.close()
        again = await Storage.open(settings)  # at the last version: nothing runs twice
        await again.close()
        assert await schema_version(teachers.database) == len(MIGRATIONS)
    finally:
        await client.drop_database(settings.databases["records"])
        await client.close()


async def test_the_person_key_led_by_the_number_replaces_the_number_index(settings: Settings) -> None:
    """Release 3: the unique (idType, idNumber) index and the idNumber index become one unique
    (idNumber, idType) index; the key is still enforced, and lookups and searches by number use it."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
    db = client[settings.databases["records"]]
    teachers = db["teachers"]
    await teachers.create_index([("basic.idType", ASCENDING), ("basic.idNumber", ASCENDING)], unique=True)
    await teachers.create_index([("basic.idNumber", ASCENDING)])
    docs = [_old_doc(i, PATH_A) for i in range(12)]
    for doc in docs:
        doc.update({f"org_l{d}": code for d, code in enumerate(PATH_A[:-1])})
    await teachers.insert_many(docs)
    await db["_tmis_schema"].insert_one({"_id": "version", "version": 2})
    try:
        storage = await Storage.open(settings)
        try:
            assert await schema_version(db) == len(MIGRATIONS)
            indexes = await teachers.index_information()
            assert "basic.idType_1_basic.idNumber_1" not in indexes and "basic.idNumber_1" not in indexes
            assert indexes["basic.idNumber_1_basic.idType_1"].get("unique") is True
            same = Teacher("", 1, PATH_B[-1], "PRIMARY_SECONDARY", tuple(PATH_B), "DRAFT", dict(docs[3]["basic"]))
            with pytest.raises(DuplicatePerson) as refused:
                await storage.insert(same, dt.datetime.now(dt.UTC))
            assert refused.value.school_code == PATH_A[-1]
            other_type = {**docs[3]["basic"], "idType": "2"}  # the same number under another document type
            await storage.insert(dataclasses.replace(same, basic=other_type), dt.datetime.now(dt.UTC))
            found = await storage.by_identity([docs[3]["basic"]["idNumber"], "620102198001019999"])
            assert sorted(t.basic["idType"] for t in found) == ["1", "2"]
            page, total = await storage.list("620102", "", "62010219800101001", None, 50)
            assert total == 2 and sorted(t.basic["name"] for t in page) == ["王10", "王11"]
        finally:
            await storage.close()
    finally:
        await client.drop_database(settings.databases["records"])
        await client.close()


async def test_records_are_numbered_in_the_order_the_lists_had(settings: Settings) -> None:
    """Release 4: every record gets its `seq` (the lists' tiebreak), in the order the lists had,
    (updated_at, _id); the indexes tied on `_id` go, and a cursor from before goes on where it was."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri, tz_aware=True)
    db = client[settings.databases["records"]]
    teachers = db["teachers"]
    keys = ["org_l1", "org_l2", "org_l3", "school_code"]
    for key in keys:
        await teachers.create_index([(key, ASCENDING), ("updated_at", DESCENDING), ("_id", DESCENDING)])
    imported = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    docs = [_old_doc(i, PATH_A if i % 3 else PATH_B) for i in range(90)]
    for i, doc in enumerate(docs):
        doc.update({f"org_l{d}": code for d, code in enumerate(doc["org_path"][:-1])})
        if 20 <= i < 80:  # an import's job: one time for all its records
            doc.update(updated_at=imported, created_at=imported)
    await teachers.insert_many(docs)
    await db["_tmis_schema"].insert_one({"_id": "version", "version": 3})
    before = [d["_id"] async for d in teachers.find().sort([("updated_at", DESCENDING), ("_id", DESCENDING)])]
    try:
        storage = await Storage.open(settings)
        try:
            assert await schema_version(db) == len(MIGRATIONS)
            indexes = await teachers.index_information()
            assert not [k for k in keys if f"{k}_1_updated_at_-1__id_-1" in indexes]
            assert all(f"{k}_1_updated_at_-1_seq_-1" in indexes for k in keys)
            numbered = [d async for d in teachers.find().sort([("updated_at", DESCENDING), ("seq", DESCENDING)])]
            assert [d["_id"] for d in numbered] == before
            assert len({d["seq"] for d in numbered}) == 90
            # a cursor of before (time and id): the next page is the one that followed it
            order = [str(i) for i in before]
            at = numbered[29]["updated_at"]
            page, total = await storage.list("620000", "", "", (at, order[29]), 20)
            assert total == 90 and [t.id for t in page] == order[30:50]
            new = await storage.insert(
                Teacher("", 1, PATH_A[-1], "PRIMARY_SECONDARY", tuple(PATH_A), "DRAFT", {"name": "新"}),
                dt.datetime.now(dt.UTC),
            )
            assert new.seq is not None and new.seq > max(d["seq"] for d in numbered)
        finally:
            await storage.close()
    finally:
        await client.drop_database(settings.databases["records"])
        await client.close()

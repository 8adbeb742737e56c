"""Start-up migrations of records' database, on a database written by the release before."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient

from services.records.storage import Storage
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

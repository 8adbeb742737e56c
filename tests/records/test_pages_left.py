"""Pages in windows leave 已减员 (LEFT) records out without a `status` clause in the window's
query (which made the embedded database read the whole subtree): runs of them longer than a page
are skipped, and nothing else is missed or repeated."""

from __future__ import annotations

import datetime as dt
import uuid

from pymongo import AsyncMongoClient

from services.records.storage import Storage

PATH = ["100000", "620000", "620100", "620102", "3162010201"]


async def test_pages_in_windows_skip_records_that_left(mongo_uri: str) -> None:
    client = AsyncMongoClient(mongo_uri, tz_aware=True)
    db_name = f"t{uuid.uuid4().hex[:12]}_left"
    db = client[db_name]
    base = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    try:
        storage = Storage(client, db_name)
        await db.teachers.create_index([("org_l3", 1), ("updated_at", -1), ("seq", -1)])
        # 60 records a second apart (some in one millisecond); every 3rd LEFT, and a run of 12 LEFT
        statuses = ["LEFT" if i % 3 == 0 or 20 <= i < 32 else "DRAFT" for i in range(60)]
        docs = [
            {
                "school_code": PATH[-1],
                "org_path": PATH,
                "org_l3": "620102",
                "status": status,
                "basic": {},
                "version": 1,
                "updated_at": base + dt.timedelta(seconds=i // 2 if i < 10 else i),
                "seq": i + 1,
            }
            for i, status in enumerate(statuses)
        ]
        await db.teachers.insert_many(docs)
        await storage.summaries.touch(PATH[-1], PATH)
        await storage.summaries.refresh_marked()
        expected = [
            str(d["_id"])
            async for d in db.teachers.find({"status": {"$ne": "LEFT"}}).sort([("updated_at", -1), ("seq", -1)])
        ]
        assert len(expected) == statuses.count("DRAFT")
        for limit in (1, 2, 5):
            seen: list[str] = []
            after = None
            while True:
                page, total = await storage.list("620102", "", "", after, limit + 1)
                assert total == len(expected) and total > 4 * (limit + 1)  # read in windows
                seen += [t.id for t in page[:limit]]
                if len(page) <= limit:
                    break
                after = (page[limit - 1].updated_at, page[limit - 1].id)
            assert seen == expected, limit
        left, total = await storage.list("620102", "LEFT", "", None, 50)
        assert total == statuses.count("LEFT") and {t.status for t in left} == {"LEFT"}
    finally:
        await client.drop_database(db_name)
        await client.close()

"""Per-school summaries stay exact when writes and recomputes interleave."""

from __future__ import annotations

import asyncio
import uuid

from pymongo import AsyncMongoClient

from services.records.storage import Storage, Summaries

PATH = ["100000", "620000", "620100", "620102", "3162010201"]


async def test_a_question_after_a_save_never_joins_an_older_recompute(mongo_uri: str) -> None:
    client = AsyncMongoClient(mongo_uri)
    db = client[f"t{uuid.uuid4().hex[:12]}_summaries"]
    try:
        await db.teachers.create_index("school_code")
        await db.teachers.insert_many(
            [
                {"school_code": PATH[-1], "org_path": PATH, "status": "DRAFT", "basic": {"gender": "1"}}
                for _ in range(30)
            ]
        )
        summaries = Summaries(db)
        await summaries.open()  # a database from before summaries: the school is marked
        assert (await summaries.of_subtree("620102"))[0]["progress"]["total"] == 30
        # the background refresher recomputes the school, has read it, and is slow to finish when
        # a save lands and a question is asked
        read, finish, real = asyncio.Event(), asyncio.Event(), summaries.teachers.aggregate

        async def aggregate(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - the real call; the first one then lingers
            found = await real(*args, **kwargs)
            if not read.is_set():
                read.set()
                await finish.wait()
            return found

        summaries.teachers.aggregate = aggregate
        await summaries.touch(PATH[-1], PATH)
        background = asyncio.create_task(summaries.refresh_marked())
        await read.wait()
        async with summaries.marking(PATH[-1], PATH):
            await db.teachers.insert_one(
                {"school_code": PATH[-1], "org_path": PATH, "status": "SUBMITTED", "basic": {"gender": "2"}}
            )
        question = asyncio.create_task(summaries.of_subtree("620102", "GENDER"))
        await asyncio.wait([question], timeout=5)  # it must not wait for the older recompute
        finish.set()
        answer = (await question)[0]
        await background
        assert answer["progress"]["total"] == 31 and answer["progress"]["submitted"] == 1
        assert sorted(row[2:] for row in answer["dims"]["GENDER"]) == [["1", 30], ["2", 1]]
        assert [d["dirty"] async for d in db.school_stats.find()] in ([False], [True])  # stored only if no newer mark
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_a_list_total_adds_up_fresh_summaries_and_counts_only_schools_written_since(mongo_uri: str) -> None:
    client = AsyncMongoClient(mongo_uri, tz_aware=True)
    db_name = f"t{uuid.uuid4().hex[:12]}_counts"
    db = client[db_name]
    other = [*PATH[:-1], "3162010202"]
    try:
        await db.teachers.create_index("school_code")
        statuses = ["DRAFT"] * 5 + ["APPROVED"] * 3 + ["LEFT"] * 2  # any status is counted, not a fixed list
        await db.teachers.insert_many(
            [
                {"school_code": path[-1], "org_path": path, "org_l3": "620102", "status": s, "basic": {}, "version": 1}
                for path in (PATH, other)
                for s in statuses
            ]
        )
        storage = Storage(client, db_name)
        await storage.summaries.open()  # both schools marked
        await storage.summaries.of_subtree("620102")  # and counted
        await db.school_stats.update_one({"_id": PATH[-1]}, {"$unset": {"statuses": ""}})  # from an older release
        await storage.summaries.touch(other[-1], other)  # and a write came in
        assert await storage.summaries.count("620102", "") == (0, [PATH[-1], other[-1]])
        await storage.summaries.refresh_marked()
        await storage.summaries.open()  # the older summary is marked at start-up, then recomputed
        await storage.summaries.refresh_marked()
        assert await storage.summaries.count("620102", "APPROVED") == (6, [])
        await db.teachers.insert_one(
            {
                "school_code": PATH[-1],
                "org_path": PATH,
                "org_l3": "620102",
                "status": "APPROVED",
                "basic": {},
                "version": 1,
            }
        )
        await storage.summaries.touch(PATH[-1], PATH)
        for status, total in (("", 21), ("APPROVED", 7), ("LEFT", 4), ("SUBMITTED", 0)):
            assert (await storage.list("620102", status, "", None, 5))[1] == total
            assert (await storage.list(PATH[-1], status, "", None, 5))[1] == total - total // 2
    finally:
        await client.drop_database(db_name)
        await client.close()

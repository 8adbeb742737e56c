"""Per-school summaries stay exact when writes and recomputes interleave."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from collections import Counter

from pymongo import AsyncMongoClient

from services.records.storage import Storage, Summaries
from services.records.storage.summaries import Rollup
from tests.support.polling import eventually

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
        assert (await storage.summaries.count("620102", ""))[:2] == (0, [PATH[-1], other[-1]])
        await storage.summaries.refresh_marked()
        await storage.summaries.open()  # the older summary is marked at start-up, then recomputed
        await storage.summaries.refresh_marked()
        assert (await storage.summaries.count("620102", "APPROVED"))[:2] == (6, [])
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
        # no status: every record but the 4 已减员 (LEFT only when asked for)
        for status, total in (("", 17), ("APPROVED", 7), ("LEFT", 4), ("SUBMITTED", 0)):
            assert (await storage.list("620102", status, "", None, 5))[1] == total
            assert (await storage.list(PATH[-1], status, "", None, 5))[1] == total - total // 2
        assert await storage.list("620102", "", "\U0010ffff", None, 5) == ([], 0)  # the last code point: no range end
    finally:
        await client.drop_database(db_name)
        await client.close()


async def test_a_kept_subtree_count_follows_writes_recounts_and_a_recount_raced_with_it(mongo_uri: str) -> None:
    """`count` keeps a subtree's summaries added up while its org's mark stands and then reads only
    the dirty schools: each step below is compared with what the summaries say when read whole."""
    client = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"t{uuid.uuid4().hex[:12]}_kept"]
    a, b = SCHOOLS[0], SCHOOLS[1]
    try:
        await db.teachers.create_index("school_code")
        await db.teachers.insert_many([_teacher(path, "DRAFT", "1") for path in (a, b) for _ in range(3)])
        summaries = Summaries(db)
        await summaries.open()
        await summaries.refresh_marked()
        assert (await summaries.count("620102", ""))[:2] == (6, [])
        await summaries.touch(a[-1], a)  # a write at one school: its own counts out, counted by the caller
        await db.teachers.insert_one(_teacher(a, "APPROVED", "2"))
        assert (await summaries.count("620102", ""))[:2] == (3, [a[-1]])
        assert (await summaries.count("620102", "APPROVED"))[:2] == (0, [a[-1]])
        await summaries.refresh_marked()  # recounted: the mark raised, the subtree added up again
        assert (await summaries.count("620102", ""))[:2] == (7, [])
        # a recount raises the marks of its path, then stores: a count between the two sees the
        # school dirty, and the mark it reads stands after the store
        await summaries.touch(b[-1], b)
        await db.teachers.insert_one(_teacher(b, "SUBMITTED", "1"))
        store, real = asyncio.Event(), summaries.docs.update_one

        async def update_one(query, update, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the real call, later
            if "seq" in query and "statuses" in update.get("$set", {}):
                await store.wait()
            return await real(query, update, *args, **kwargs)

        async def raised() -> bool:
            return await summaries.mark("620102") > before

        summaries.docs.update_one = update_one  # type: ignore[method-assign]
        before = await summaries.mark("620102")
        recount = asyncio.create_task(summaries.refresh_marked())
        await eventually(raised, "the recount's raise of the marks")  # and its store waits
        assert (await summaries.count("620102", ""))[:2] == (4, [b[-1]])
        store.set()
        await recount
        assert (await summaries.count("620102", ""))[:2] == (8, [])
        assert (await summaries.count("620102", "SUBMITTED"))[:2] == (1, [])
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_pages_searched_in_windows_miss_nothing_whatever_the_span_says(mongo_uri: str) -> None:
    client = AsyncMongoClient(mongo_uri, tz_aware=True)
    db_name = f"t{uuid.uuid4().hex[:12]}_pages"
    db = client[db_name]
    base = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    rng = random.Random(7)
    # bursts (many records in one millisecond), lone writes, and gaps of seconds to months
    offsets = (
        [0] * 9 + [1, 2, 2, 5, 900, 901, 60_000, 86_400_000, 86_400_001] + [rng.randrange(10**10) for _ in range(12)]
    )
    try:
        storage = Storage(client, db_name)
        await db.teachers.create_index([("org_l3", 1), ("updated_at", -1), ("seq", -1)])
        docs = [
            {
                "school_code": PATH[-1],
                "org_path": PATH,
                "org_l3": "620102",
                "status": "LEFT" if i % 3 == 1 else "DRAFT",  # 已减员: left out, whichever window it falls in
                "basic": {},
                "version": 1,
                "updated_at": base + dt.timedelta(milliseconds=ms),
                "seq": i + 1,
            }
            for i, ms in enumerate(offsets)
        ]
        await db.teachers.insert_many(docs)
        await storage.summaries.touch(PATH[-1], PATH)
        await storage.summaries.refresh_marked()
        span = (await storage.summaries.count("620102", ""))[2]
        assert (
            span is not None and span.oldest == base and span.newest == base + dt.timedelta(milliseconds=max(offsets))
        )
        # written behind the summaries' back: outside the span, and still listed
        late = {**docs[0], "_id": None, "updated_at": base + dt.timedelta(days=400), "seq": 1000}
        early = {**docs[0], "_id": None, "updated_at": base - dt.timedelta(days=400), "seq": 1001}
        for doc in (late, early):
            del doc["_id"]
            await db.teachers.insert_one(doc)
        newest_first = db.teachers.find({"status": {"$ne": "LEFT"}}).sort([("updated_at", -1), ("seq", -1)])
        expected = [str(d["_id"]) async for d in newest_first]
        for limit in (1, 3, 7, 50):
            seen: list[str] = []
            after = None
            while True:
                page, total = await storage.list("620102", "", "", after, limit + 1)
                seen += [t.id for t in page[:limit]]
                assert total == len(expected) - 2  # the summaries' count (the late writes never marked it)
                if len(page) <= limit:
                    break
                after = (page[limit - 1].updated_at, page[limit - 1].id)
            assert seen == expected, limit
    finally:
        await client.drop_database(db_name)
        await client.close()


async def test_an_answer_is_kept_until_a_school_below_is_marked_again(mongo_uri: str) -> None:
    client = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"t{uuid.uuid4().hex[:12]}_answers"]
    other = [*PATH[:-2], "620103", "3162010301"]
    try:
        summaries = Summaries(db)
        computed: list[str] = []

        async def ask(org: str) -> int:
            async def compute(_: object) -> int:
                computed.append(org)
                return len(computed)

            return await summaries.answer(org, ("GENDER", ""), compute)

        assert [await ask("620102"), await ask("620102"), await ask("620100")] == [1, 1, 2]
        await summaries.touch(other[-1], other)  # a school of the city, not of the district
        assert [await ask("620102"), await ask("620100"), await ask("620100")] == [1, 3, 3]
        async with summaries.marking(PATH[-1], PATH):  # a write in the district, then questions
            assert await ask("620102") == 4
        assert [await ask("620102"), await ask(PATH[-1]), await ask("620100")] == [5, 6, 7]
    finally:
        await client.drop_database(db.name)
        await client.close()


SCHOOLS = [  # two cities, three districts, four schools
    ["100000", "620000", "620100", "620102", "3162010201"],
    ["100000", "620000", "620100", "620102", "3162010202"],
    ["100000", "620000", "620100", "620103", "3162010301"],
    ["100000", "620000", "620200", "620201", "3162020101"],
]


def _teacher(path: list[str], status: str, gender: str, **more: object) -> dict[str, object]:
    return {"school_code": path[-1], "org_path": path, "status": status, "basic": {"gender": gender}, **more}


async def _fresh(db: object, org: str) -> tuple[Counter[tuple[str, str]], dict[str, int]]:
    """The subtree's (status, gender) counts and progress from its records, read one by one: the
    official version (a record under a change counts as its approved one), 已减员 out of progress."""
    genders: Counter[tuple[str, str]] = Counter()
    progress: Counter[str] = Counter()
    async for doc in db.teachers.find({"org_path": org}):  # type: ignore[attr-defined]
        changing = doc["status"] in ("CHANGING", "SUBMITTED", "REJECTED") and doc.get("once_approved")
        status = "APPROVED" if changing else doc["status"]
        basic = doc["approved"]["basic"] if changing else doc["basic"]
        genders[(status, basic["gender"])] += 1
        if status != "LEFT":
            progress.update({"total": 1, status.lower(): 1})
    return genders, {k: progress[k] for k in ("total", "draft", "submitted", "rejected", "approved")}


async def _asked(summaries: Summaries, org: str) -> tuple[Counter[tuple[str, str]], dict[str, int]]:
    async def genders(rollup: Rollup) -> Counter[tuple[str, str]]:
        counts: Counter[tuple[str, str]] = Counter()
        for status, _, gender, n in (await rollup.of([org], "GENDER"))[org]:
            counts[(status, gender)] += n
        return counts

    async def progress(rollup: Rollup) -> dict[str, int]:
        found = (await rollup.of([org], ""))[org]["progress"]
        return {k: found[k] for k in ("total", "draft", "submitted", "rejected", "approved")}

    return await summaries.answer(org, "genders", genders), await summaries.answer(org, "progress", progress)


async def test_the_province_reads_roll_ups_and_equals_a_fresh_count_after_writes_at_one_school(mongo_uri: str) -> None:
    client = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"t{uuid.uuid4().hex[:12]}_rollups"]
    rng = random.Random(18)
    try:
        await db.teachers.create_index("school_code")
        statuses = ["DRAFT", "SUBMITTED", "REJECTED", "APPROVED", "LEFT"]
        await db.teachers.insert_many(
            [_teacher(path, rng.choice(statuses), rng.choice("12")) for path in SCHOOLS for _ in range(12)]
        )
        one, other = Summaries(db), Summaries(db)  # two records instances
        await one.open()  # a database from before the summaries: every school marked
        await one.refresh_marked()  # counted, and the roll-ups of their paths built
        marks = {d["_id"]: d async for d in db.org_marks.find()}
        assert sorted(marks["620100"]["children"]) == ["620102", "620103"]
        for org in ("100000", "620000", "620100", "620102"):
            for key in ("", "GENDER", "AGE_BAND"):
                rollup = await db.org_rollups.find_one({"_id": f"{org}|{key}"})
                assert rollup is not None and rollup["seq"] == marks[org]["seq"]
        for org in ("620000", "620100", "620102", SCHOOLS[0][-1]):
            assert await _asked(one, org) == await _fresh(db, org)
        # writes at one school, through the other instance: a new record, one leaving, one under a
        # change (counted as its approved version), one deleted
        school = SCHOOLS[0]
        async with other.marking(school[-1], school):
            await db.teachers.insert_one(_teacher(school, "DRAFT", "2"))
        left = await db.teachers.find_one({"school_code": school[-1], "status": {"$ne": "LEFT"}})
        async with other.marking(school[-1], school):
            await db.teachers.update_one({"_id": left["_id"]}, {"$set": {"status": "LEFT"}})
        changed = await db.teachers.find_one({"school_code": school[-1], "status": "APPROVED"})
        if changed is None:
            changed = await db.teachers.find_one({"school_code": school[-1], "status": {"$ne": "LEFT"}})
        approved = {"basic": {"gender": changed["basic"]["gender"]}, "missing": []}
        async with other.marking(school[-1], school):
            await db.teachers.update_one(
                {"_id": changed["_id"]},
                {
                    "$set": {
                        "status": "CHANGING",
                        "once_approved": True,
                        "approved": approved,
                        "basic.gender": "2" if changed["basic"]["gender"] == "1" else "1",
                    }
                },
            )
        async with other.marking(school[-1], school):
            await db.teachers.delete_one({"school_code": school[-1], "_id": {"$nin": [left["_id"], changed["_id"]]}})
        for org in ("100000", "620000", "620100", "620102", school[-1], "620200"):
            assert await _asked(one, org) == await _fresh(db, org)  # the kept answers dropped
        await other.refresh_marked()  # nothing left to count; the roll-ups stay valid
        assert await _asked(other, "620000") == await _asked(one, "620000") == await _fresh(db, "620000")
        province = await db.org_rollups.find_one({"_id": "620000|GENDER"})
        assert province is not None and province["seq"] == (await db.org_marks.find_one({"_id": "620000"}))["seq"]
        third = Summaries(db)  # a new instance asks the province: its roll-up, no school's rows read
        third.dims = None  # type: ignore[assignment]
        assert await _asked(third, "620000") == await _fresh(db, "620000")
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_a_write_whose_writer_died_is_counted_and_keeps_the_school_dirty_until_abandoned(mongo_uri: str) -> None:
    client = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"t{uuid.uuid4().hex[:12]}_crash"]
    try:
        await db.teachers.create_index("school_code")
        school = SCHOOLS[2]
        await db.teachers.insert_many([_teacher(school, "DRAFT", "1") for _ in range(3)])
        summaries = Summaries(db)
        await summaries.open()
        await summaries.refresh_marked()
        assert await _asked(summaries, "620000") == await _fresh(db, "620000")
        # a write marked before it, then its writer dies: no mark after it
        dying = summaries.marking(school[-1], school)  # kept: its `finally` must never run
        await dying.__aenter__()
        await summaries.refresh_marked()  # a recount that ran before the write cannot call it clean
        await db.teachers.insert_one(_teacher(school, "SUBMITTED", "2"))
        await summaries.refresh_marked()
        assert (await db.school_stats.find_one({"_id": school[-1]}))["dirty"] is True
        assert await _asked(summaries, "620000") == await _fresh(db, "620000")  # counted all the same
        assert await _asked(summaries, "620100") == await _fresh(db, "620100")
        # a minute later the write is abandoned: the school is stored clean, the marks of its path raised
        seq = (await db.org_marks.find_one({"_id": "620000"}))["seq"]
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
        await db.school_stats.update_one({"_id": school[-1]}, {"$set": {"marked_at": past}})
        await summaries.refresh_marked()
        found = await db.school_stats.find_one({"_id": school[-1]})
        assert (found["dirty"], found["writing"]) == (False, 0)
        assert (await db.org_marks.find_one({"_id": "620000"}))["seq"] > seq
        assert await _asked(summaries, "620000") == await _fresh(db, "620000")
        # the writer was only slow: its mark after the write comes now, and lowers nothing below zero
        await dying.__aexit__(None, None, None)
        found = await db.school_stats.find_one({"_id": school[-1]})
        assert (found["dirty"], found["writing"]) == (True, 0)
        async with summaries.marking(school[-1], school):  # so the next write is guarded again
            assert (await db.school_stats.find_one({"_id": school[-1]}))["writing"] == 1
        await summaries.refresh_marked()
        found = await db.school_stats.find_one({"_id": school[-1]})
        assert (found["dirty"], found["writing"]) == (False, 0)
        assert await _asked(summaries, "620000") == await _fresh(db, "620000")
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_the_background_leaves_a_school_alone_while_it_is_written(mongo_uri: str) -> None:
    """An import writes a school chunk after chunk: the background refresher does not recount it
    meanwhile (its counts would be stored dirty all the same), and counts it once the write ends;
    a question still gets exact counts during the write."""
    client = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"t{uuid.uuid4().hex[:12]}_writing"]
    try:
        await db.teachers.create_index("school_code")
        school = SCHOOLS[0]
        summaries = Summaries(db)
        await summaries.open()
        async with summaries.marking(school[-1], school):
            await db.teachers.insert_many([_teacher(school, "DRAFT", "1") for _ in range(3)])
            assert await summaries.refresh_marked() == 0
            assert await db.org_marks.count_documents({}) == 0  # nothing recounted: no mark raised
            assert await _asked(summaries, "620000") == await _fresh(db, "620000")
        assert await summaries.refresh_marked() == 1
        found = await db.school_stats.find_one({"_id": school[-1]})
        assert (found["dirty"], found["progress"]["total"]) == (False, 3)
    finally:
        await client.drop_database(db.name)
        await client.close()

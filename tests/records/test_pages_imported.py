"""Pages over records that came in by import: every record of an import's job has the job's one
`updated_at`, and pages through them (at the school, its district, the province) are complete,
in order, without repeats, each reading about a page of documents (counted with `explain` on
every query the records service made, recorded by the database's profiler), not the whole import.
A record edited while someone pages moves to the front: seen at most once in that pass."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient

from tests.support.excel import basic_row, fill, template, upload, wait
from tests.support.polling import eventually
from tests.support.records import demo_person
from tests.support.world import World
from tmis.auth import Caller
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import encode

pytestmark = pytest.mark.usefixtures("fresh_suite")  # the database profiler on for its records database

PAGE = 20


class Examined:
    """The documents the records service's queries of `teachers` examined since the last `reset`:
    each `find` the profiler recorded, explained again with executionStats (the embedded
    database reads every match of a query before its limit: that is what a query costs it)."""

    def __init__(self, client: AsyncMongoClient[dict[str, Any]], name: str) -> None:
        self.db = client[name]

    async def reset(self) -> None:
        await self.db.command("profile", 0)
        await self.db.drop_collection("system.profile")
        await self.db.command("profile", 2)

    async def count(self) -> int:
        total = 0
        async for entry in self.db["system.profile"].find({"ns": f"{self.db.name}.teachers", "op": "query"}):
            command = entry["command"]
            find = {"find": "teachers", **{k: command[k] for k in ("filter", "sort", "limit") if k in command}}
            explained = await self.db.command("explain", find, verbosity="executionStats")
            total += explained["executionStats"]["totalDocsExamined"]
        return total


async def create(world: World, school: str, serial: int, token: str) -> None:
    basic = demo_person(serial, world.district, "PRIMARY_SECONDARY")
    await world.suite.clients.records.CreateTeacher(
        pb.CreateTeacherRequest(school_code=school, basic_json=encode(basic)), token=token
    )


async def imported(world: World, school: str, first: int, rows: int, token: str) -> None:
    data = fill(await template(world), {"基本信息": [basic_row(first + i, world.district) for i in range(rows)]})
    started = await upload(world, data, token=token, school=school)
    assert started["userErrors"] == [], started
    job = await wait(world, started["job"]["id"], token)
    assert (job["status"], job["inserted"], job["failed"]) == ("SUCCEEDED", rows, 0), job


async def counted(db: Any) -> None:
    """Until the records service's refresher has counted every school (its summary knows the imports' instants)."""

    async def clean() -> bool:
        return not await db.school_stats.count_documents({"dirty": True})

    await eventually(clean, "every school counted")


async def next_page(world: World, org: str, token: str, after: str, examined: Examined) -> tuple[pb.TeacherPage, int]:
    """A page of the org's list and the documents it examined."""
    await examined.reset()
    page = await world.suite.clients.records.ListTeachers(
        pb.ListTeachersRequest(org_code=org, first=PAGE, after=after), token=token
    )
    return page, await examined.count()


async def walk(world: World, org: str, token: str, examined: Examined) -> tuple[list[Any], list[int]]:
    """Every page of the org's list: the records in the order listed, the documents each page examined."""
    seen: list[Any] = []
    costs: list[int] = []
    after = ""
    while True:
        page, cost = await next_page(world, org, token, after, examined)
        seen += page.teachers
        costs.append(cost)
        if not page.has_next_page:
            return seen, costs
        after = page.end_cursor


async def test_imported_records_page_in_order_each_page_reading_about_a_page(world: World) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(world.suite.settings.mongodb_uri, tz_aware=True)
    db = client[world.suite.settings.databases["records"]]
    examined = Examined(client, db.name)
    province = world.suite.signer.sign(Caller("p1", "province", world.orgs.province, world.path[:2], ("QUERY",)))
    try:
        # records written one by one around two imports (one job each: one instant each), at two schools
        for serial in range(1, 5):
            await create(world, world.school, serial, world.clerk)
        await imported(world, world.school, 100, 150, world.clerk)
        for serial in range(5, 8):
            await create(world, world.other, serial, world.stranger)
        await imported(world, world.other, 300, 120, world.stranger)
        for serial in range(8, 10):
            await create(world, world.school, serial, world.clerk)
        await counted(db)
        stamps = [d["updated_at"] async for d in db.teachers.find({"school_code": world.school}, {"updated_at": 1})]
        assert max(stamps.count(at) for at in stamps) == 150  # the import's records all tie

        for org, token, school_codes in (
            (world.school, world.clerk, [world.school]),
            (world.district, world.reader, [world.school]),
            (world.orgs.province, province, [world.school, world.other]),
        ):
            order = db.teachers.find({"school_code": {"$in": school_codes}}).sort([("updated_at", -1), ("seq", -1)])
            expected = [str(d["_id"]) async for d in order]
            seen, costs = await walk(world, org, token, examined)
            ids = [t.id for t in seen]
            assert len(ids) == len(set(ids)) and set(ids) == set(expected), org  # complete, no repeats
            times = [dt.datetime.fromisoformat(t.updated_at) for t in seen]
            assert times == sorted(times, reverse=True)  # newest change first
            # each page reads about a page (a window per instant it crosses), never an import whole
            assert max(costs) <= 3 * PAGE, (org, costs)
            assert ids == expected, org  # and among the records of one instant, by `seq`
    finally:
        await client.close()


async def test_a_record_edited_while_paging_is_seen_at_most_once(world: World) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(world.suite.settings.mongodb_uri, tz_aware=True)
    db = client[world.suite.settings.databases["records"]]
    examined = Examined(client, db.name)
    try:
        await imported(world, world.school, 100, 200, world.clerk)
        await counted(db)
        order = db.teachers.find({"school_code": world.school}).sort([("updated_at", -1), ("seq", -1)])
        expected = [str(d["_id"]) async for d in order]
        seen: list[str] = []
        after = ""
        for _ in range(3):
            page, _ = await next_page(world, world.school, world.clerk, after, examined)
            seen += [t.id for t in page.teachers]
            after = page.end_cursor
        assert seen == expected[: 3 * PAGE]
        # edited meanwhile: one already seen, one not yet reached
        behind, ahead = expected[4], expected[5 * PAGE + 3]
        for teacher_id in (behind, ahead):
            doc = await db.teachers.find_one({"_id": ObjectId(teacher_id)}, {"version": 1})
            assert doc is not None
            request = pb.AddEntryRequest(
                teacher_id=teacher_id,
                expected_version=doc["version"],
                set="CONTACT",
                data_json=encode({"mobile": "13800000000"}),
            )
            await world.suite.clients.records.AddEntry(request, token=world.clerk)
        # on from an edge's cursor (time and id, as the gateway gives each edge): the same position
        last = page.teachers[-1]
        after, costs = f"{last.updated_at}|{last.id}", []
        while after:
            page, cost = await next_page(world, world.school, world.clerk, after, examined)
            seen += [t.id for t in page.teachers]
            costs.append(cost)
            after = page.end_cursor if page.has_next_page else ""
        assert max(costs) <= 3 * PAGE, costs
        # the pass: every record not edited exactly once, in order; the edited ones moved to the
        # front, so the one not yet reached is not in this pass, and the one seen is not seen again
        assert seen == [i for i in expected if i != ahead]
        first, _ = await next_page(world, world.school, world.clerk, "", examined)
        assert [t.id for t in first.teachers[:2]] == [ahead, behind]  # a new pass: the newest changes first
    finally:
        await client.close()

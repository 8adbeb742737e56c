"""Importing workbooks through the gateway into the real records service: template → filled →
import → records; APPEND vs REPLACE; dry run; re-import changes nothing; row errors and the
error workbook; scope."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from bson import ObjectId
from openpyxl import load_workbook
from pymongo import AsyncMongoClient, monitoring

from services.records.model import Teacher
from services.records.storage import Storage
from tests.support.excel import JOB, basic_row, download, education_row, fill, run, template, upload, wait
from tests.support.records import teachers
from tests.support.world import World


async def test_template_filled_imports_the_records(world: World) -> None:
    rows = [
        basic_row(1, world.district),
        basic_row(2, world.district, 政治面貌="01-中共党员"),
        basic_row(3, world.district),
    ]
    ids = [r["身份证件号"] for r in rows]
    data = fill(
        await template(world),
        {"基本信息": rows, "学习经历": [education_row(ids[0], rows[0]["姓名"]), education_row(ids[1])]},
    )

    dry = await run(world, data, dry_run=True)
    assert (dry["status"], dry["total"], dry["succeeded"], dry["failed"]) == ("SUCCEEDED", 5, 5, 0)
    assert (dry["inserted"], dry["updated"], dry["appended"]) == (3, 0, 2)
    assert await teachers(world) == {}  # a dry run writes nothing

    job = await run(world, data)
    assert (job["status"], job["processed"], job["succeeded"], job["failed"], job["errors"], job["errorReportUrl"]) == (
        "SUCCEEDED",
        5,
        5,
        0,
        [],
        None,
    )
    found = await teachers(world)
    assert sorted(found) == sorted(ids)
    assert (
        found[ids[1]]["basic"]["politicalStatus"] == [{"code": "01"}]
        and found[ids[0]]["basic"]["name"] == rows[0]["姓名"]
    )
    assert [e["data"]["education"]["code"] for e in found[ids[0]]["education"]] == ["21"] and found[ids[2]][
        "education"
    ] == []

    again = await run(world, data)  # the same file again: nothing changes, nothing is duplicated
    assert (
        again["status"],
        again["succeeded"],
        again["failed"],
        again["inserted"],
        again["updated"],
        again["appended"],
    ) == ("SUCCEEDED", 5, 0, 0, 0, 0)
    assert await teachers(world) == found


async def test_append_and_replace(world: World) -> None:
    row = basic_row(1, world.district)
    number = row["身份证件号"]
    blank = await template(world)
    await run(world, fill(blank, {"基本信息": [row], "学习经历": [education_row(number)]}))
    master = education_row(number, 获得学历="14", 学位层次="3", 学位名称="305", 入学年月="2006-09", 毕业年月="2009-07")
    appended = await run(world, fill(blank, {"学习经历": [education_row(number), master]}), mode="APPEND")
    assert appended["succeeded"] == 2
    entries = (await teachers(world))[number]["education"]
    assert sorted(e["data"]["education"]["code"] for e in entries) == [
        "14",
        "21",
    ]  # the identical row was not added twice

    dry = await run(world, fill(blank, {"学习经历": [master]}), mode="REPLACE", dry_run=True)
    assert (dry["updated"], dry["removed"], dry["appended"]) == (1, 1, 0)  # one record, one entry replaced away
    replaced = await run(world, fill(blank, {"学习经历": [master]}), mode="REPLACE")
    assert (replaced["succeeded"], replaced["removed"]) == (1, 1)
    after = (await teachers(world))[number]["education"]
    assert [e["data"]["education"]["code"] for e in after] == ["14"]
    assert after[0]["id"] == next(
        e["id"] for e in entries if e["data"]["education"]["code"] == "14"
    )  # kept, not re-created
    version = (await teachers(world))[number]["version"]
    await run(world, fill(blank, {"学习经历": [master]}), mode="REPLACE")
    assert (await teachers(world))[number]["version"] == version


def kinds(job: dict) -> tuple[int, int, int, int, int]:
    """(new, updated, unchanged, failed, total) rows; the four always add up to the total."""
    four = (job["newRows"], job["updatedRows"], job["unchangedRows"], job["failed"])
    assert sum(four) == job["total"] == job["processed"], job
    return (*four, job["total"])


async def test_every_row_is_new_updated_unchanged_or_failed(world: World) -> None:
    blank = await template(world)
    kept, changed = basic_row(1, world.district), basic_row(2, world.district)
    ids = [kept["身份证件号"], changed["身份证件号"]]
    first = await run(world, fill(blank, {"基本信息": [kept, changed], "学习经历": [education_row(ids[0])]}))
    assert kinds(first) == (3, 0, 0, 0, 3)
    master = education_row(ids[0], 获得学历="14", 学位层次="3", 学位名称="305", 入学年月="2006-09", 毕业年月="2009-07")
    sheets = {
        "基本信息": [
            kept,
            basic_row(2, world.district, 曾用名="王二"),
            basic_row(3, world.district),
            basic_row(4, world.district, 出生日期="1980年春"),
        ],
        # stored already, new, the same again below it, and a teacher nobody registered
        "学习经历": [education_row(ids[0]), master, master, education_row("11010519491231002X")],
    }
    data = fill(blank, sheets)
    dry = await run(world, data, dry_run=True)
    job = await run(world, data)
    for j in (dry, job):  # a dry run counts what the import then does
        assert kinds(j) == (2, 1, 3, 2, 8)
        assert (j["inserted"], j["updated"], j["unchanged"], j["appended"]) == (1, 2, 1, 1)  # by record and entry
    assert kinds(await run(world, fill(blank, {"基本信息": sheets["基本信息"][:3]}))) == (0, 0, 3, 0, 3)


async def test_row_errors_and_the_error_workbook(world: World) -> None:
    good, bad_date, bad_code = (
        basic_row(1, world.district),
        basic_row(2, world.district, 出生日期="1980年春"),
        basic_row(3, world.district, 性别="男性", 人员状态="=1+1"),
    )
    no_ids = [
        basic_row(4, world.district, 身份证件号=None, 出生日期="1980-01-01"),
        basic_row(5, world.district, 身份证件号=None, 出生日期="1980-01-01"),
    ]
    data = fill(
        await template(world),
        {"基本信息": [good, bad_date, bad_code, *no_ids, good], "学习经历": [education_row("11010519491231002X")]},
    )
    job = await run(world, data)
    assert (job["status"], job["succeeded"], job["failed"]) == ("SUCCEEDED", 1, 6)
    where = {(e["sheet"], e["row"], e["column"]) for e in job["errors"]}
    assert {
        ("基本信息", 3, "出生日期"),
        ("基本信息", 4, "性别"),
        ("基本信息", 4, "人员状态"),
        ("学习经历", 2, "身份证件号"),
    } <= where
    said = {e["row"]: e["message"] for e in job["errors"] if e["column"] == "身份证件号"}
    assert (said[5], said[6]) == ("请填写身份证件号", "请填写身份证件号") and said[
        7
    ] == "与第2行是同一人（身份证件号重复）"
    message = next(e["message"] for e in job["errors"] if e["column"] == "出生日期")
    assert "yyyy-MM-dd" in message
    report = load_workbook(io.BytesIO(await download(world, job["errorReportUrl"])))
    sheet = report["基本信息"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "错误信息" and sheet.max_row == 6  # the five failed rows of this sheet, as submitted
    assert sheet.cell(2, header.index("*身份证件号") + 1).value == bad_date["身份证件号"]
    assert sheet.cell(2, header.index("*出生日期\n(yyyy-MM-dd)") + 1).fill.fgColor.rgb.endswith("FFC7CE")
    assert "出生日期" in sheet.cell(2, len(header)).value
    formula_cell = sheet.cell(3, header.index("*人员状态") + 1)
    assert formula_cell.value == "=1+1" and formula_cell.data_type == "s"  # echoed, never a formula
    assert report["学习经历"].max_row == 2
    assert sorted(await teachers(world)) == [good["身份证件号"]]


async def test_scope_conflicts_and_states(world: World) -> None:
    rows = [basic_row(1, world.district), basic_row(2, world.district)]
    data = fill(await template(world), {"基本信息": rows})
    refused = await upload(world, data, school=world.other)  # a school outside the clerk's reach
    assert refused["job"] is None and refused["userErrors"][0]["code"] == "FORBIDDEN"
    reader = await upload(world, data, token=world.reader)
    assert reader["job"] is None and reader["userErrors"][0]["code"] == "FORBIDDEN"
    await run(world, data)

    found = await teachers(world)
    client = AsyncMongoClient(world.suite.settings.mongodb_uri)
    await client[world.suite.settings.databases["records"]]["teachers"].update_one(
        {"_id": ObjectId(found[rows[0]["身份证件号"]]["id"])}, {"$set": {"status": "SUBMITTED"}}
    )
    await client.close()
    changed = fill(await template(world), {"基本信息": [{**r, "曾用名": "改名"} for r in rows]})
    job = await run(world, changed)
    assert (job["succeeded"], job["failed"]) == (1, 1)
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(2, "身份证件号")] and "已报送" in job["errors"][0][
        "message"
    ]

    # the same people imported by another school: conflict rows, nothing overwritten
    elsewhere = await upload(world, data, token=world.stranger, school=world.other)
    job = await wait(world, elsewhere["job"]["id"], world.stranger)
    assert (job["succeeded"], job["failed"]) == (0, 2) and all("其他学校" in e["message"] for e in job["errors"])
    assert (await world.suite.graphql(JOB, {"id": elsewhere["job"]["id"]}, world.clerk))["data"][
        "importJob"
    ] is None  # not the clerk's job
    assert sorted(await teachers(world)) == sorted(r["身份证件号"] for r in rows)


async def test_a_chunk_s_people_are_looked_up_a_few_numbers_a_query(mongo_uri: str) -> None:
    """The embedded database tests each record a query finds against the whole `$in` list: a
    re-import's chunk of 1,000 people is looked up 50 numbers a query (bench/README.md), every
    record still found; while a query finds nobody (new people), the next asks four times as many,
    and once one finds someone, 50 again."""

    class Finds(monitoring.CommandListener):
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def started(self, event: monitoring.CommandStartedEvent) -> None:
            if event.command_name == "find":
                self.sizes.append(len(event.command["filter"]["basic.idNumber"]["$in"]))

        def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

        def failed(self, event: monitoring.CommandFailedEvent) -> None: ...

    listener = Finds()
    client = AsyncMongoClient(mongo_uri, tz_aware=True, event_listeners=[listener])
    db = client[f"t{ObjectId()}_people"]  # a database of the test's own: its codes are no other test's
    school = "3162010201"
    try:
        numbers = [f"6201021990010{i:05d}" for i in range(120)]
        await db.teachers.insert_many(
            [
                {"school_code": school, "org_path": [school], "version": 1, "basic": {"idType": "1", "idNumber": n}}
                for n in numbers
            ]
        )
        storage = Storage(client, db.name)
        found = await storage.by_identity([*numbers, "620102199001019999"])
        assert sorted(t.basic["idNumber"] for t in found) == numbers
        assert listener.sizes and max(listener.sizes) <= 50 and sum(listener.sizes) == 121
        new = [f"6201021991010{i:05d}" for i in range(1000)]
        listener.sizes.clear()
        assert await storage.by_identity(new) == []  # a first import's chunk: 3 queries, not 20
        assert listener.sizes == [50, 200, 750]
        listener.sizes.clear()
        found = await storage.by_identity([*new[:60], numbers[7], *new[60:400], numbers[99], *new[400:500]])
        assert sorted(t.basic["idNumber"] for t in found) == [numbers[7], numbers[99]]
        assert listener.sizes == [50, 200, 50, 200, 2]  # (the 2nd found numbers[7]; the 4th, numbers[99])
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_an_import_marks_its_school_once_and_numbers_its_records_from_one_block(mongo_uri: str) -> None:
    """For the summaries an import is one write of its school: marked `writing` before its first
    chunk that writes and through every chunk (never lowered between two, where a recount would be
    stored as fresh), the mark renewed beside each later chunk's transaction (it is never taken for
    abandoned), lowered after the last; a chunk of unchanged rows marks nothing. Its records are
    numbered from one block; a record of another school is refused before anything is written."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"t{ObjectId()}_chunks"]
    path = ("100000", "620000", "620100", "620102", "3162010201")
    school = path[-1]
    marks: list[int] = []

    async def writing() -> int:
        return int((await db.school_stats.find_one({"_id": school}) or {}).get("writing", 0))

    async def nothing(*args: Any) -> None: ...  # (the job's hold and checkpoint)

    def people(first: int, school_path: tuple[str, ...] = path) -> list[Teacher]:
        return [
            Teacher("", 0, school_path[-1], "PRIMARY_SECONDARY", school_path, "DRAFT", {"idNumber": f"p{first + i}"})
            for i in range(10)
        ]

    try:
        await db.teachers.insert_one({"_id": "made"})  # the collection, before the transactions
        storage = Storage(client, db.name)
        async with (
            client.start_session() as session,
            storage.importing(school, path, dt.datetime.now(dt.UTC), 40) as chunks,
        ):
            assert await chunks.write([], [], "", session, nothing, nothing) == (set(), set())
            marks.append(await writing())
            for first in (0, 10, 20):
                assert await chunks.write(people(first), [], "", session, nothing, nothing) == (set(), set())
                marks.append(await writing())
            with pytest.raises(ValueError):
                await chunks.write(people(30, (*path[:-1], "3162010202")), [], "", session, nothing, nothing)
        assert marks == [0, 1, 1, 1]
        stats = await db.school_stats.find_one({"_id": school})
        assert stats is not None and (stats["writing"], stats["dirty"]) == (0, True)
        assert stats["seq"] == 4  # marked by the first chunk, renewed by the next two, lowered
        numbers = sorted([d["seq"] async for d in db.teachers.find({"basic": {"$exists": True}})])
        assert numbers == list(range(numbers[0], numbers[0] + 30))
        assert await db.sequences.find_one({"_id": "teachers"}) == {"_id": "teachers", "n": 40}  # one block
        assert await db.teachers.count_documents({"school_code": "3162010202"}) == 0
    finally:
        await client.drop_database(db.name)
        await client.close()

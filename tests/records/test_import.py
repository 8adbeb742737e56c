"""Importing workbooks through the gateway into the real records service: template → filled →
import → records; APPEND vs REPLACE; dry run; re-import changes nothing; row errors and the
error workbook; scope."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.records.conftest import SCHOOL, World
from tests.records.excel import basic_row, download, education_row, fill, run, template, upload
from tmis.proto.records.v1 import records_pb2 as pb

TEACHERS = """query($o: String!) { teachers(orgCode: $o, first: 100) { totalCount edges { node { id version basic { name idNumber gender { code } politicalStatus { code } }
  education: entries(set: EDUCATION) { id data } } } } }"""


async def teachers(world: World) -> dict[str, dict]:
    page = (await world.suite.graphql(TEACHERS, {"o": SCHOOL}, world.clerk))["data"]["teachers"]
    return {e["node"]["basic"]["idNumber"]: e["node"] for e in page["edges"]}


async def test_template_filled_imports_the_records(world: World) -> None:
    rows = [basic_row(1), basic_row(2, 政治面貌="01-中共党员"), basic_row(3)]
    ids = [r["身份证件号"] for r in rows]
    data = fill(await template(world), {"基本信息": rows, "学习经历": [education_row(ids[0], rows[0]["姓名"]), education_row(ids[1])]})

    dry = await run(world, data, dry_run=True)
    assert (dry["status"], dry["total"], dry["succeeded"], dry["failed"]) == ("SUCCEEDED", 5, 5, 0)
    assert await teachers(world) == {}  # a dry run writes nothing

    job = await run(world, data)
    assert (job["status"], job["processed"], job["succeeded"], job["failed"], job["errors"], job["errorReportUrl"]) == ("SUCCEEDED", 5, 5, 0, [], None)
    found = await teachers(world)
    assert sorted(found) == sorted(ids)
    assert found[ids[1]]["basic"]["politicalStatus"] == [{"code": "01"}] and found[ids[0]]["basic"]["name"] == rows[0]["姓名"]
    assert [e["data"]["education"]["code"] for e in found[ids[0]]["education"]] == ["21"] and found[ids[2]]["education"] == []

    again = await run(world, data)  # the same file again: nothing changes, nothing is duplicated
    assert (again["status"], again["succeeded"], again["failed"]) == ("SUCCEEDED", 5, 0)
    assert await teachers(world) == found


async def test_append_and_replace(world: World) -> None:
    row = basic_row(1)
    number = row["身份证件号"]
    blank = await template(world)
    await run(world, fill(blank, {"基本信息": [row], "学习经历": [education_row(number)]}))
    master = education_row(number, 获得学历="14", 学位层次="3", 学位名称="305", 入学年月="2006-09", 毕业年月="2009-07")
    appended = await run(world, fill(blank, {"学习经历": [education_row(number), master]}), mode="APPEND")
    assert appended["succeeded"] == 2
    entries = (await teachers(world))[number]["education"]
    assert sorted(e["data"]["education"]["code"] for e in entries) == ["14", "21"]  # the identical row was not added twice

    replaced = await run(world, fill(blank, {"学习经历": [master]}), mode="REPLACE")
    assert replaced["succeeded"] == 1
    after = (await teachers(world))[number]["education"]
    assert [e["data"]["education"]["code"] for e in after] == ["14"]
    assert after[0]["id"] == next(e["id"] for e in entries if e["data"]["education"]["code"] == "14")  # kept, not re-created
    version = (await teachers(world))[number]["version"]
    await run(world, fill(blank, {"学习经历": [master]}), mode="REPLACE")
    assert (await teachers(world))[number]["version"] == version


async def test_row_errors_and_the_error_workbook(world: World) -> None:
    good, bad_date, bad_code = basic_row(1), basic_row(2, 出生日期="1980年春"), basic_row(3, 性别="男性", 人员状态="=1+1")
    data = fill(await template(world), {"基本信息": [good, bad_date, bad_code], "学习经历": [education_row("11010519491231002X")]})
    job = await run(world, data)
    assert (job["status"], job["succeeded"], job["failed"]) == ("SUCCEEDED", 1, 3)
    where = {(e["sheet"], e["row"], e["column"]) for e in job["errors"]}
    assert {("基本信息", 3, "出生日期"), ("基本信息", 4, "性别"), ("基本信息", 4, "人员状态"), ("学习经历", 2, "身份证件号")} <= where
    message = next(e["message"] for e in job["errors"] if e["column"] == "出生日期")
    assert "yyyy-MM-dd" in message
    report = load_workbook(io.BytesIO(await download(world, job["errorReportUrl"])))
    sheet = report["基本信息"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "错误信息" and sheet.max_row == 3  # the two failed rows of this sheet, as submitted
    assert sheet.cell(2, header.index("*身份证件号") + 1).value == bad_date["身份证件号"]
    assert sheet.cell(2, header.index("*出生日期\n(yyyy-MM-dd)") + 1).fill.fgColor.rgb.endswith("FFC7CE")
    assert "出生日期" in sheet.cell(2, len(header)).value
    formula_cell = sheet.cell(3, header.index("*人员状态") + 1)
    assert formula_cell.value == "=1+1" and formula_cell.data_type == "s"  # echoed, never a formula
    assert report["学习经历"].max_row == 2
    assert sorted(await teachers(world)) == [good["身份证件号"]]


async def test_only_editable_records_and_own_school(world: World) -> None:
    row = basic_row(1)
    data = fill(await template(world), {"基本信息": [row]})
    await run(world, data)
    # the same person cannot be imported into another school: a conflict row, no overwrite
    other = await run(world, data, token=world.stranger) if False else None
    refused = await upload(world, data, school="3162010301")
    assert refused["job"] is None and refused["userErrors"][0]["code"] == "FORBIDDEN"
    stranger = await upload(world, data, token=world.stranger, school="3162010301")
    job = await run_as(world, stranger)
    assert (job["failed"], job["errors"][0]["column"]) == (1, "身份证件号") and "其他学校" in job["errors"][0]["message"]
    assert other is None

    teacher_id = (await teachers(world))[row["身份证件号"]]["id"]
    storage_doc = await world.suite.clients.records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=[teacher_id]), token=world.clerk)
    assert storage_doc.teachers[0].status == "DRAFT"


async def run_as(world: World, started: dict) -> dict:
    from tests.records.excel import wait

    assert started["userErrors"] == [], started
    return await wait(world, started["job"]["id"], world.stranger)

"""Workbooks for the import and export tests: templates filled through openpyxl by header text,
uploads through the gateway (GraphQL multipart), jobs watched until they end."""

from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import Workbook, load_workbook

from services.records.workbook import layouts, normalise, shown
from tests.support.polling import eventually
from tests.support.records import NATIVE_PLACE, demo_person
from tests.support.world import World
from tmis.plugins import build_registry, code_tables, make_plugin_manager

IMPORT = """mutation($s: String!, $f: Upload!, $m: ImportMode, $d: Boolean) {
  importWorkbook(schoolCode: $s, file: $f, mode: $m, dryRun: $d) { job { id status } userErrors { code message field }
  } }"""
JOB = """query($id: ID!) { importJob(id: $id) { id status total processed succeeded failed inserted updated unchanged
  appended removed newRows updatedRows unchangedRows
  errors(first: 1000) { sheet row column message } errorReportUrl } }"""


def basic_row(serial: int, district: str = NATIVE_PLACE, **changes: Any) -> dict[str, Any]:
    """基本信息 of a valid teacher, by label, as a clerk would type it (its 身份证件号 of `district`:
    pass the test's, `world.district`)."""
    b = demo_person(serial, district)
    row = {
        "姓名": b["name"],
        "性别": "1-男" if b["idNumber"][16] in "13579" else "2-女",
        "身份证件类型": "1-居民身份证",
        "身份证件号": b["idNumber"],
        "出生日期": f"{b['idNumber'][6:10]}-{b['idNumber'][10:12]}-{b['idNumber'][12:14]}",
        "国籍/地区": "156-中国",
        "籍贯": b["nativePlace"],
        "民族": "01-汉族",
        "政治面貌": "、".join(b["politicalStatus"]),
        "参加工作年月": b["workStartMonth"],
        "进本校年月": b["schoolJoinMonth"],
        "教职工来源": "101",
        "教职工类别": "A1-专任教师",
        "是否在编": "1-是" if b["inEstablishment"] else "0-否",
        "用人形式": b.get("employmentForm"),
        "签订合同情况": b["contractType"],
        "信息技术应用能力": b["itProficiency"],
        "人员状态": "100",
    }
    return {**row, **changes}


def education_row(id_number: str, name: str = "", **changes: Any) -> dict[str, Any]:
    row = {
        "身份证件号": id_number,
        "姓名": name,
        "获得学历": "21",
        "获得学历的院校或机构": "西北师范大学",
        "所学专业": "汉语言文学",
        "是否师范类专业": "是",
        "入学年月": "2001-09",
        "毕业年月": "2005-07",
        "学位层次": "4",
        "学位名称": "405",
        "获得学位的院校或机构": "西北师范大学",
        "学习方式": "1",
    }
    return {**row, **changes}


def fill(template: bytes, sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    """The template with rows written under the headers whose label they name."""
    wb = load_workbook(io.BytesIO(template))
    for name, rows in sheets.items():
        ws = wb[name]
        position = {normalise(c.value).split("(yyyy")[0]: c.column for c in ws[1] if c.value}
        for r, row in enumerate(rows, start=2):
            for label, value in row.items():
                cell = ws.cell(r, position[normalise(label)], value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula, as a clerk may paste it
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def complete(basics: list[dict[str, Any]], entries: dict[str, dict[str, Any]], school_type: str, plugins: str) -> bytes:
    """A workbook in the template's layout (`plugins` as the suite runs them): each teacher's 基本信息
    (API form, as `createTeacher` takes it) and one entry of each set in `entries` (`DEMO_ENTRIES`),
    cells as an export writes them: what a school brings in one import instead of a write per entry."""
    manager = make_plugin_manager(plugins)
    tables = code_tables(manager, None)
    wb = Workbook(write_only=True)
    for layout in layouts(build_registry(manager), school_type):
        if not layout.basic and layout.info_set.key not in entries:
            continue
        ws = wb.create_sheet(layout.name)
        ws.append([c.header for c in layout.columns])
        entry = {} if layout.basic else entries[layout.info_set.key]
        for basic in basics:
            values = [(basic if c.key or layout.basic else entry).get(c.field.key) for c in layout.columns]
            ws.append([shown(c.field, school_type, v, tables) for c, v in zip(layout.columns, values, strict=True)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plain(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook of the given rows (header first), nothing else."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def template(world: World, school_type: str = "PRIMARY_SECONDARY", token: str | None = None) -> bytes:
    gql = world.suite.graphql
    url = (
        await gql(
            "query($t: SchoolType!) { importTemplateUrl(schoolType: $t) }", {"t": school_type}, token or world.clerk
        )
    )["data"]["importTemplateUrl"]
    reply = await world.suite.http.get(url.removeprefix("http://gateway"))
    assert reply.status_code == 200, reply.text
    return reply.content


async def upload(
    world: World,
    data: bytes,
    mode: str = "APPEND",
    dry_run: bool = False,
    token: str | None = None,
    school: str | None = None,
    filename: str = "教师.xlsx",
) -> dict:
    operations = json.dumps(
        {"query": IMPORT, "variables": {"s": school or world.school, "f": None, "m": mode, "d": dry_run}}
    )
    reply = await world.suite.http.post(
        "/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.f"]})},
        files={"0": (filename, data, "application/octet-stream")},
        headers={"authorization": f"Bearer {token or world.clerk}"},
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]["importWorkbook"]


async def wait(world: World, job_id: str, token: str | None = None) -> dict:
    """The import job once it has ended (SUCCEEDED or FAILED)."""

    async def ended() -> dict | None:
        job = (await world.suite.graphql(JOB, {"id": job_id}, token or world.clerk))["data"]["importJob"]
        return job if job and job["status"] in ("SUCCEEDED", "FAILED") else None  # None: records briefly away

    return await eventually(ended, f"import job {job_id} to end", timeout=60)


async def run(world: World, data: bytes, mode: str = "APPEND", dry_run: bool = False, token: str | None = None) -> dict:
    started = await upload(world, data, mode, dry_run, token)
    assert started["userErrors"] == [], started
    return await wait(world, started["job"]["id"], token)


async def download(world: World, url: str) -> bytes:
    reply = await world.suite.http.get(url.removeprefix("http://gateway"))
    assert reply.status_code == 200, reply.text
    return reply.content

"""Bad files get a clear error and change nothing; the national template's own files (legacy
.xls, its header texts and known misspellings) import as they are."""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import replace

import pytest
import xlwt
from openpyxl import load_workbook

from tests.support.excel import basic_row, fill, plain, run, template, upload, wait
from tests.support.records import teachers
from tests.support.world import World
from tmis.settings import Settings

pytestmark = pytest.mark.usefixtures("fresh_suite")  # settings of its own (import limits)

# 基本信息 as the national 中小学 template heads it (SPEC §6.2), with its misspelt header
NATIONAL = [
    "*姓名",
    "曾用名",
    "*性别",
    "教职工号",
    "*国籍/地区",
    "*身份证件类型",
    "*身份证件号",
    "*出生日期\n(yyyy-MM-dd)",
    "籍贯",
    "出生地",
    "*民族",
    "*政治面貌",
    "婚姻状况",
    "健康状况",
    "*参加工作年月\n(yyyy-MM)",
    "*进本校年月\n(yyyy-MM)",
    "*教职工来源",
    "*教职工类别",
    "*是否在编",
    "用人形式",
    "*签订合同情况",
    "*是否全日制师范类专业毕业",
    "*是否受过特教专业培养培训",
    "*是否有特殊教育从业证书",
    "*信息技术应用能力",
    "*是否属于免费（公费）师范生",
    "*是否参加基层服务项目",
    "参加基层服务项目起始年月",
    "参加基层服务项目结束年月",
    "*是否是特级教师",
    "*是否是县级及以上骨干教师",
    "*是否心里健康教育教师",
    "*人员状态",
    "备注",
    "序号",
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, raw={**settings.raw, "TMIS_IMPORT_MAX_ROWS": "3", "TMIS_IMPORT_MAX_BYTES": "200000"})


def national_row(serial: int, district: str) -> list[object]:
    r = basic_row(serial, district)
    values = {
        "*姓名": r["姓名"],
        "曾用名": "无",
        "*性别": r["性别"],
        "教职工号": 0,
        "*国籍/地区": "156-中国",
        "*身份证件类型": "1-居民身份证",
        "*身份证件号": r["身份证件号"],
        "*出生日期\n(yyyy-MM-dd)": r["出生日期"],
        "籍贯": "620102",
        "*民族": "汉族",
        "*政治面貌": r["政治面貌"],
        "婚姻状况": "20-已婚",
        "健康状况": "1-健康或良好",
        "*参加工作年月\n(yyyy-MM)": r["参加工作年月"].replace("-", ""),
        "*进本校年月\n(yyyy-MM)": r["进本校年月"].replace("-", "."),
        "*教职工来源": "101-应届毕业生",
        "*教职工类别": "A1-专任教师",
        "*是否在编": r["是否在编"],
        "用人形式": r["用人形式"],
        "*签订合同情况": r["签订合同情况"],
        "*是否全日制师范类专业毕业": "0-否",
        "*是否受过特教专业培养培训": "否",
        "*是否有特殊教育从业证书": 0,
        "*信息技术应用能力": "2-熟练",
        "*是否属于免费（公费）师范生": "0-否",
        "*是否参加基层服务项目": "0-否",
        "*是否是特级教师": "0-否",
        "*是否是县级及以上骨干教师": "1-是",
        "*是否心里健康教育教师": "0-否",
        "*人员状态": "100-在本单位任职",
        "序号": serial,
    }
    return [values.get(h) for h in NATIONAL]


def legacy_xls(rows: list[list[object]]) -> bytes:
    """An Excel 97-2003 workbook like the national template (written with xlwt)."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("教师信息")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_the_national_xls_imports_as_it_is(world: World) -> None:
    data = legacy_xls([NATIONAL, national_row(1, world.district), national_row(2, world.district)])
    assert data[:4] == b"\xd0\xcf\x11\xe0"
    job = await run(world, data)
    assert (job["status"], job["succeeded"], job["failed"]) == ("SUCCEEDED", 2, 0)
    assert [(e["row"], e["message"]) for e in job["errors"]] == [
        (1, "以下列不在模板中，已忽略：序号")
    ]  # reported once, as a warning
    found = await teachers(world)
    assert len(found) == 2 and all(t["basic"]["politicalStatus"] for t in found.values())


def _zip_bomb(xlsx: bytes) -> bytes:
    """The xlsx with its sheet's uncompressed size declared as ~4 GB in the zip directory."""
    data = bytearray(xlsx)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        names = [i.filename for i in zf.infolist()]
    at = 0
    for _ in names:
        at = data.index(b"PK\x01\x02", at)
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len].startswith(b"xl/worksheets/"):
            struct.pack_into("<I", data, at + 24, 0xFFFFFFF0)
        at += 46
    return bytes(data)


def _merged_header(xlsx: bytes) -> bytes:
    wb = load_workbook(io.BytesIO(xlsx))
    wb["基本信息"].merge_cells("A1:B1")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_bad_files_are_refused_and_change_nothing(world: World) -> None:
    blank = await template(world)
    one = fill(blank, {"基本信息": [basic_row(1, world.district)]})
    refused_at_once = {
        "not excel": (b"name,idNumber\n", "只能选择符合模板的 Excel 文件"),
        "broken zip": (b"PK\x03\x04" + b"\x00" * 100, "文件已损坏"),
        "too large": (b"PK\x03\x04" + b"\x00" * 200_001, "文件超过"),
        "zip bomb": (_zip_bomb(one), "解压后过大"),
    }
    for name, (data, message) in refused_at_once.items():
        started = await upload(world, data)
        assert started["job"] is None and started["userErrors"][0]["code"] == "INVALID_INPUT", name
        assert message in started["userErrors"][0]["message"], (name, started)
    wrong = plain({"Sheet1": [["学号", "成绩"], ["1", "90"]]})
    older = plain({"基本信息": [[h for h in NATIONAL if h != "*教职工来源"], national_row(1, world.district)]})
    formula = load_workbook(io.BytesIO(one))
    formula["基本信息"]["AH2"] = '=CONCATENATE("a","b")'
    with_formula = io.BytesIO()
    formula.save(with_formula)
    over_rows = fill(blank, {"基本信息": [basic_row(i, world.district) for i in range(1, 5)]})
    failed = {
        "wrong template": (wrong, "找不到【基本信息】工作表"),
        "older template": (older, "找不到【教职工来源】列"),
        "empty": (blank, "Excel里无数据"),
        "formula": (with_formula.getvalue(), "公式"),
        "merged header": (_merged_header(one), "合并单元格"),
        "over the row limit": (over_rows, "超过单次导入上限3行"),
    }
    for name, (data, message) in failed.items():
        started = await upload(world, data)
        assert started["userErrors"] == [], name
        job = await wait(world, started["job"]["id"])
        assert (job["status"], job["processed"]) == ("FAILED", 0), name
        assert message in job["errors"][0]["message"], (name, job["errors"])
    assert await teachers(world) == {}

"""Export: the caller's subtree in the template's layout, formula-safe, importable unchanged."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from tests.support.excel import basic_row, download, education_row, fill, run, template
from tests.support.records import export, teachers
from tests.support.world import World


async def test_export_imports_again_unchanged(world: World) -> None:
    rows = [
        basic_row(1, world.district, 备注='=HYPERLINK("http://x")'),
        basic_row(2, world.district, 曾用名="@SUM(A1)", 政治面貌="01、02"),
    ]
    data = fill(
        await template(world),
        {"基本信息": rows, "学习经历": [education_row(rows[0]["身份证件号"]), education_row(rows[1]["身份证件号"])]},
    )
    assert (await run(world, data))["failed"] == 0
    before = await teachers(world)

    reply = await export(world)
    assert reply["userErrors"] == []
    exported = await download(world, reply["url"])
    with zipfile.ZipFile(io.BytesIO(exported)) as zf:
        sheets = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets and "<f " not in sheets  # nothing a spreadsheet would run
    wb = load_workbook(io.BytesIO(exported))
    basic = wb["基本信息"]
    header = [c.value for c in basic[1]]
    assert header == [c.value for c in load_workbook(io.BytesIO(await template(world)))["基本信息"][1]]
    by_name = {basic.cell(r, 1).value: [c.value for c in basic[r]] for r in range(2, basic.max_row + 1)}
    assert by_name[rows[0]["姓名"]][header.index("备注")] == '=HYPERLINK("http://x")'
    assert by_name[rows[1]["姓名"]][header.index("*性别")] in ("1-男", "2-女")
    assert by_name[rows[1]["姓名"]][header.index("政治面貌")] == "01-中共党员、02-中共预备党员"
    assert wb["学习经历"].max_row == 3

    again = await run(world, exported, mode="REPLACE")
    assert (again["status"], again["failed"], again["errors"]) == ("SUCCEEDED", 0, [])
    assert await teachers(world) == before  # not one version moved


async def test_export_only_of_the_callers_subtree(world: World) -> None:
    await run(world, fill(await template(world), {"基本信息": [basic_row(1, world.district)]}))
    outside = await export(world, world.other)
    assert outside["url"] is None and outside["userErrors"][0]["code"] == "FORBIDDEN"
    # a download link made for one org cannot be pointed at another
    url = (await export(world, token=world.stranger, org=world.other))["url"]
    forged = url.replace(f"/exports/{world.other}/", f"/exports/{world.school}/").removeprefix("http://gateway")
    assert (await world.suite.http.get(forged)).status_code == 401
    # the district's reader sees the school's records; the stranger's school has none
    district = load_workbook(
        io.BytesIO(await download(world, (await export(world, world.district, world.reader))["url"]))
    )
    assert district["基本信息"].max_row == 2
    theirs = load_workbook(io.BytesIO(await download(world, url)))
    assert theirs["基本信息"].max_row == 1
    submitted = load_workbook(io.BytesIO(await download(world, (await export(world, status="SUBMITTED"))["url"])))
    assert submitted["基本信息"].max_row == 1

"""A province plugin's fields and sets reach the template and the import at once, with its rules."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.support.excel import basic_row, fill, run, template
from tests.support.world import World


async def test_plugin_fields_in_the_template_and_the_import(world: World) -> None:
    blank = await template(world)
    wb = load_workbook(io.BytesIO(blank))
    assert "陇原人才项目" in wb.sheetnames
    assert {"*是否乡村教师", "乡村教师生活补助标准（元/月）"} <= {c.value for c in wb["基本信息"][1]}

    allowance = "乡村教师生活补助标准（元/月）"
    rows = [
        basic_row(1, world.district, 是否乡村教师="1", **{allowance: 500}),
        basic_row(2, world.district, 是否乡村教师="1", **{allowance: 5000}),
    ]
    talent = [{"身份证件号": rows[0]["身份证件号"], "人才项目": "03-陇原名师", "入选年份": 2020}]
    job = await run(world, fill(blank, {"基本信息": rows, "陇原人才项目": talent}))
    assert (job["succeeded"], job["failed"]) == (2, 1)
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(3, allowance)]  # the plugin's rule, like a manual save
    page = (
        await world.suite.graphql(
            """query($o: String!) { teachers(orgCode: $o) { edges { node { basic { idNumber } other: entries(set:
  GS_TALENT) { data } } } } }""",
            {"o": world.school},
            world.clerk,
        )
    )["data"]["teachers"]["edges"]
    assert [n["node"]["other"][0]["data"]["program"]["code"] for n in page] == ["03"]

"""The import template, generated from the registry: sheets, headers, dropdowns, formats."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.support.excel import template
from tests.support.world import World
from tmis.registry import Registry


async def test_template_per_school_type(world: World) -> None:
    primary = load_workbook(io.BytesIO(await template(world)))
    registry = Registry()
    assert primary.sheetnames == ["填写说明", *(s.label for s in registry.sets.values()), "代码"]
    assert primary["代码"].sheet_state == "hidden"
    basic = [c.value for c in primary["基本信息"][1]]
    assert (
        basic[:3] == ["*姓名", "曾用名", "*性别"]
        and "*出生日期\n(yyyy-MM-dd)" in basic
        and "*参加工作年月\n(yyyy-MM)" in basic
    )
    assert "最高学历" not in basic  # derived fields are never typed
    assert [c.value for c in primary["学习经历"][1]][:3] == ["身份证件类型", "*身份证件号", "姓名"]
    validations = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in primary["基本信息"].data_validations.dataValidation
    }
    gender = validations[f"{chr(ord('A') + basic.index('*性别'))}2"]
    codes = primary["代码"]
    column = gender.split("!$")[1][0]
    listed = [codes[f"{column}{r}"].value for r in range(2, 6)]
    assert listed == ["0-未知的性别", "1-男", "2-女", "9-未说明的性别"]
    assert (
        primary["基本信息"].column_dimensions[chr(ord("A") + basic.index("*出生日期\n(yyyy-MM-dd)"))].number_format
        == "yyyy-mm-dd"
    )

    kindergarten = load_workbook(io.BytesIO(await template(world, "KINDERGARTEN")))
    headers = [c.value for c in kindergarten["基本信息"][1]]
    assert (
        "*进本园年月\n(yyyy-MM)" in headers
        and "*是否全日制学前教育专业毕业" in headers
        and "*是否受过特教专业培养培训" not in headers
    )
    refused = await world.suite.http.get("/files/templates/PRIMARY_SECONDARY.xlsx")
    assert refused.status_code == 401  # downloads need the caller's token or a download link

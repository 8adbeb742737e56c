"""A deployment that has the official codes replaces a provisional table with no code change
(TMIS_CODES_DIR), and the import still matches the old provisional cells by name (issue 20)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.support.excel import basic_row, fill, run, template
from tests.support.records import TITLE, Record, title_rows
from tests.support.world import World
from tmis.settings import Settings

pytestmark = pytest.mark.usefixtures("fresh_suite")  # settings of its own

OFFICIAL_TITLE = {
    "name": "title",
    "label": "专业技术职务",
    "entries": [{"code": "0", "name": "无"}, {"code": "12", "name": "中小学一级教师"}],
}
PROGRAMMES = {
    "name": "talent_program",
    "label": "入选人才项目名称",
    "entries": [{"code": "00", "name": "无"}, {"code": "01", "name": "省级骨干教师"}],
}


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A deployment with the official 专业技术职务 codes and a province's 人才项目 (TMIS_CODES_DIR), no code changed."""
    for table in (OFFICIAL_TITLE, PROGRAMMES):
        (tmp_path / f"{table['name']}.json").write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    return dataclasses.replace(settings, raw={**settings.raw, "TMIS_CODES_DIR": str(tmp_path)})


async def test_a_deployment_with_the_official_codes_replaces_the_table(world: World) -> None:
    record = await Record.new(world)
    assert (await record.entry("TITLE_APPOINTMENT", {**TITLE, "title": "12"}))["title"]["name"] == "中小学一级教师"
    assert await record.errors("TITLE_APPOINTMENT", TITLE) == [("INVALID_CODE", "entry.titleAppointment.title")]
    row = basic_row(2, world.district)
    job = await run(
        world,
        fill(await template(world), {"基本信息": [row], **title_rows(row["身份证件号"], "P03-中小学一级教师", "110")}),
    )
    assert (job["failed"], job["errors"]) == (0, [])  # an old provisional cell still finds the entry by its name


async def test_the_selection_year_defaults_to_this_year(world: World) -> None:
    record = await Record.new(world)
    assert (await record.entry("TALENT_PROGRAM", {"program": "01"}))["year"] == dt.date.today().year

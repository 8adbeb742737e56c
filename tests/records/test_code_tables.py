"""Code tables: loaded from the data files as researched, overridable, served through the gateway."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.suite import Suite
from tmis.codes import DATA_DIR, CodeTableError, load_code_tables

SHARED_CODES = Path(__file__).resolve().parents[3] / "shared" / "domain" / "codes"


@pytest.mark.skipif(not SHARED_CODES.is_dir(), reason="the domain spec's code tables are not beside this checkout")
def test_vendored_tables_are_the_researched_ones() -> None:
    shared = {p.name: p.read_bytes() for p in SHARED_CODES.glob("*.json")}
    ours = {p.name: p.read_bytes() for p in DATA_DIR.glob("*.json")}
    assert ours == shared, "copy ../shared/domain/codes/*.json into tmis/codes/data/"


def test_every_table_loads_with_its_facts() -> None:
    tables = load_code_tables()
    assert len(tables) == 59 and tables["region"].get("620102").parent == "620100"  # 53 researched + 6 in extra/
    assert [(c.code, c.name) for c in tables["gender"].entries] == [
        ("0", "未知的性别"),
        ("1", "男"),
        ("2", "女"),
        ("9", "未说明的性别"),
    ]
    assert {c.code for c in tables["ethnicity"].entries} >= {"01", "56", "97", "98"}
    assert tables["political_status"].exclusive == {"12", "13"}
    assert tables["staff_source"].get("101").parent == "10"  # trees keep their parents
    assert tables["staff_category_kindergarten"].get("04").extra["is_full_time_teacher"] is True
    assert [c.code for c in tables["title"].entries][:4] == ["0", "P01", "P02", "P03"]  # provisional codes [I]
    assert tables["title"].partial is True


def test_a_deployment_overrides_and_adds_tables(tmp_path: Path) -> None:
    (tmp_path / "assessment.json").write_text(
        json.dumps(
            {
                "name": "assessment_result",
                "label": "年度考核结果",
                "entries": [{"code": "1", "name": "优秀", "parent": None}],
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "local.json").write_text(
        json.dumps({"name": "rural_teacher", "label": "是否乡村教师", "entries": [{"code": "1", "name": "是"}]}),
        encoding="utf-8",
    )
    tables = load_code_tables(tmp_path)
    assert [c.name for c in tables["assessment_result"].entries] == ["优秀"] and "rural_teacher" in tables
    (tmp_path / "broken.json").write_text('{"name": "x"', encoding="utf-8")
    with pytest.raises(CodeTableError, match="broken.json"):
        load_code_tables(tmp_path)
    (tmp_path / "broken.json").write_text('{"label": "no name"}', encoding="utf-8")
    with pytest.raises(CodeTableError, match="broken.json"):
        load_code_tables(tmp_path)
    with pytest.raises(CodeTableError, match="not a directory"):
        load_code_tables(tmp_path / "missing")


async def test_code_table_through_the_gateway_without_login(suite: Suite) -> None:
    query = "query($n: String!) { codeTable(name: $n) { code name parent } }"
    gender = (await suite.graphql(query, {"n": "gender"}))["data"]["codeTable"]
    assert {"code": "1", "name": "男", "parent": None} in gender
    source = (await suite.graphql(query, {"n": "staff_source"}))["data"]["codeTable"]
    assert {"code": "101", "name": "应届毕业生", "parent": "10"} in source
    both = await suite.graphql('{ a: codeTable(name: "gender") { code } b: codeTable(name: "id_type") { code } }')
    assert len(both["data"]["a"]) == 4 and both["data"]["b"][0]["code"] == "1"
    missing = await suite.graphql(query, {"n": "no_such_table"})
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"

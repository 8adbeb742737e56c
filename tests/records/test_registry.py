"""The field registry: consistent with itself, the code tables and the public contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLObjectType, build_schema, get_named_type

from tests.support.suite import Suite
from tmis.codes import load_code_tables
from tmis.registry import BASIC, SCHOOL_TYPES, Registry

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract" / "schema.graphql"
SCALAR_OF = {
    "text": "String",
    "code": "String",
    "codes": "String",
    "date": "String",
    "month": "String",
    "year": "Int",
    "int": "Int",
    "decimal": "Float",
    "bool": "Boolean",
}


def test_every_code_table_named_exists() -> None:
    tables = load_code_tables()
    for info_set in Registry().sets.values():
        for field in info_set.fields:
            for school_type in SCHOOL_TYPES:
                table = field.table_for(school_type)
                assert table is None or table in tables, f"{info_set.key}.{field.key} names a missing table {table}"


@pytest.mark.parametrize("info_set", list(Registry().sets.values()), ids=lambda s: s.key)
def test_rules_name_fields_of_their_set(info_set) -> None:  # noqa: ANN001
    keys = {f.key for f in info_set.fields}
    assert len(keys) == len(info_set.fields), "a key is described twice"
    for field in info_set.fields:
        for other in (field.not_before, field.after, field.when.field if field.when else None):
            assert other is None or other in keys, f"{field.key} refers to unknown field {other}"
            assert other != field.key, f"{field.key} depends on itself"


def _contract_input_matches(info_set, given: GraphQLInputObjectType) -> None:  # noqa: ANN001
    for key, contract_field in given.fields.items():
        field = info_set.field(key)
        assert not field.derived, key
        assert isinstance(contract_field.type, GraphQLNonNull) == field.input_required, (
            f"{info_set.key}.{key}: input nullability"
        )
        inner = contract_field.type.of_type if isinstance(contract_field.type, GraphQLNonNull) else contract_field.type
        assert isinstance(inner, GraphQLList) == (field.type == "codes"), key
        assert get_named_type(inner).name == SCALAR_OF[field.type], f"{info_set.key}.{key}"
    assert {f.key for f in info_set.fields if f.input_required} <= set(given.fields)


@pytest.mark.skipif(not CONTRACT.exists(), reason="the public contract is not beside this checkout")
def test_typed_entry_inputs_match_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    registry = Registry()
    for key, input_name in (
        ("EDUCATION", "EducationEntryInput"),
        ("WORK", "WorkEntryInput"),
        ("SALARY", "SalaryEntryInput"),
        ("ASSESSMENT", "AssessmentEntryInput"),
    ):
        _contract_input_matches(registry.set(key), schema.type_map[input_name])
    assert set(registry.sets) == set(schema.type_map["InfoSet"].values)  # every set of the contract is described


@pytest.mark.skipif(not CONTRACT.exists(), reason="the public contract is not beside this checkout")
def test_basic_set_matches_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    output, given = schema.type_map["BasicInfo"], schema.type_map["BasicInfoInput"]
    assert isinstance(output, GraphQLObjectType) and isinstance(given, GraphQLInputObjectType)
    for key, contract_field in output.fields.items():
        field = BASIC.field(key)
        named = get_named_type(contract_field.type).name
        assert named == ("Code" if field.type in ("code", "codes") else SCALAR_OF[field.type]), key
    _contract_input_matches(BASIC, given)
    # what the contract only reads is derived here; we derive more (最高学位…, 现任岗位…, SPEC §1.2)
    assert set(output.fields) - set(given.fields) <= {f.key for f in BASIC.fields if f.derived}


async def test_info_sets_come_from_the_registry(suite: Suite) -> None:
    sets = (await suite.graphql("{ infoSets { set label schoolOnly single required plugin } }"))["data"]["infoSets"]
    assert [s["set"] for s in sets] == list(Registry().sets)  # every set, in the registry's order
    by_set = {s["set"]: s for s in sets}
    assert by_set["SALARY"] == {
        "set": "SALARY",
        "label": "基本待遇",
        "schoolOnly": True,
        "single": False,
        "required": True,
        "plugin": None,
    }
    assert {k for k, s in by_set.items() if s["schoolOnly"]} == {"SALARY", "ASSESSMENT"}
    assert by_set["CONTACT"]["single"] and not by_set["EDUCATION"]["single"]
    assert by_set["EDUCATION"]["label"] == "学习经历"


async def test_field_definitions_follow_the_school_type(suite: Suite) -> None:
    query = """query($s: SchoolType) { fieldDefinitions(set: BASIC, schoolType: $s) { key label type required
  codeTable plugin derived defaultValue } }"""

    async def definitions(school_type: str) -> dict[str, dict]:
        return {d["key"]: d for d in (await suite.graphql(query, {"s": school_type}))["data"]["fieldDefinitions"]}

    primary, kindergarten, vocational = (
        await definitions("PRIMARY_SECONDARY"),
        await definitions("KINDERGARTEN"),
        await definitions("VOCATIONAL"),
    )
    assert primary["name"] == {
        "key": "name",
        "label": "姓名",
        "type": "text",
        "required": True,
        "codeTable": None,
        "plugin": None,
        "derived": False,
        "defaultValue": None,
    }
    # the registry's defaults, for the forms to show filled in (JSON); none known only at save time
    assert [primary[k]["defaultValue"] for k in ("idType", "nationality", "politicalStatus", "inEstablishment")] == [
        '"1"',
        '"156"',
        '["13"]',
        "false",
    ]
    assert primary["staffCategory"]["codeTable"] == "staff_category_primary_secondary"
    assert kindergarten["staffCategory"]["codeTable"] == "staff_category_kindergarten"
    assert (
        kindergarten["schoolJoinMonth"]["label"] == "进本园年月" and primary["schoolJoinMonth"]["label"] == "进本校年月"
    )
    assert "dualQualified" in vocational and "dualQualified" not in primary and "keyTeacher" not in vocational
    assert vocational["nativePlace"]["required"] is True and primary["nativePlace"]["required"] is False
    assert primary["employmentForm"]["required"] is False  # only while not 在编: decided per record
    assert primary["highestEducation"]["derived"] is True
    salary = (await suite.graphql("{ fieldDefinitions(set: SALARY, schoolType: SPECIAL_EDUCATION) { key label } }"))[
        "data"
    ]["fieldDefinitions"]
    assert {
        "key": "otherAllowanceMonthly",
        "label": "特教津贴补贴(元/月)",
    } in salary and "ruralAllowanceMonthly" not in str(salary)


async def test_field_definitions_carry_the_codes_each_value_allows(suite: Suite) -> None:
    """The registry's `within` rules, for a form to offer only what a save accepts: 岗位等级 within
    岗位类别 (read from the code table), 学位名称 within 学位层次 and 任教课程 within 任教学段 (tree roots)."""
    query = """query($set: InfoSet!) { fieldDefinitions(set: $set) { key within { field subtrees
  choices { value codes } } } }"""

    async def within(set_name: str) -> dict[str, dict | None]:
        found = (await suite.graphql(query, {"set": set_name}))["data"]["fieldDefinitions"]
        return {d["key"]: d["within"] for d in found}

    posts, education, teaching = await within("POST_APPOINTMENT"), await within("EDUCATION"), await within("TEACHING")
    assert posts["postCategory"] is None and posts["startMonth"] is None
    grade = posts["postGrade"]
    assert grade["field"] == "postCategory" and grade["subtrees"] is False
    choices = {c["value"]: c["codes"] for c in grade["choices"]}
    assert set(choices) == {"1", "2", "3", "4"}
    assert choices["3"] == [*(str(c) for c in range(201, 211)), "998", "999"]  # 管理岗位 and 未评
    assert "101" in choices["1"] and "201" not in choices["1"] and "301" not in choices["1"]
    assert posts["concurrentPostGrade"]["field"] == "concurrentPostCategory"
    assert education["degree"] == {
        "field": "degreeLevel",
        "subtrees": True,
        "choices": [
            {"value": "2", "codes": ["1", "2"]},
            {"value": "3", "codes": ["3"]},
            {"value": "4", "codes": ["4"]},
        ],
    }
    assert teaching["courses"]["field"] == "teachingStage" and teaching["courses"]["subtrees"] is True

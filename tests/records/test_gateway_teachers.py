"""Teacher records through the gateway: typed inputs, Code objects, exact field errors, one
records call per page."""

from __future__ import annotations

import logging

from gateway.records.mutations import TYPED_MEMBERS
from tests.support.gql import ADD, CREATE
from tests.support.records import EDUCATION
from tests.support.world import World
from tmis.run.demo import DEMO_ENTRIES

PAGE = """query($o: String!, $f: Int) { teachers(orgCode: $o, first: $f) { totalCount pageInfo { hasNextPage }
  edges { node { id basic { name gender { name } } education: entries(set: EDUCATION) { data } work: entries(set:
  WORK) { data } } } } }"""


async def test_create_fill_and_read_back(world: World) -> None:
    gql = world.suite.graphql
    bad = (
        await gql(
            CREATE,
            {"s": world.school, "b": {**world.basic_input(1), "idNumber": "123", "workStartMonth": "2099-01"}},
            world.clerk,
        )
    )["data"]["createTeacher"]
    assert bad["teacher"] is None
    assert {(e["code"], e["field"]) for e in bad["userErrors"]} == {
        ("INVALID_ID_NUMBER", "basic.idNumber"),
        ("INVALID_DATE", "basic.workStartMonth"),
    }
    assert (await gql("query($o: String!) { teachers(orgCode: $o) { totalCount } }", {"o": world.school}, world.clerk))[
        "data"
    ]["teachers"]["totalCount"] == 0

    made = (await gql(CREATE, {"s": world.school, "b": world.basic_input(1)}, world.clerk))["data"]["createTeacher"]
    assert made["userErrors"] == []
    teacher = made["teacher"]
    assert teacher["school"] == {"code": world.school} and teacher["review"] == {
        "status": "DRAFT",
        "pendingLevel": None,
    }
    assert teacher["basic"]["gender"] == {"code": "2", "name": "女"} and teacher["basic"]["politicalStatus"] == [
        {"code": "13", "name": "群众"}
    ]
    assert teacher["basic"]["staffCategory"]["name"] == "专任教师" and teacher["basic"]["highestEducation"] is None
    assert teacher["completeness"]["complete"] is False and "education" in teacher["completeness"]["missing"]

    added = (await gql(ADD, {"t": teacher["id"], "v": 1, "e": {"education": EDUCATION}}, world.clerk))["data"][
        "addEntry"
    ]
    assert added["userErrors"] == [] and added["teacher"]["version"] == 2
    assert added["teacher"]["basic"]["highestEducation"] == {"code": "21", "name": "大学本科毕业"}
    data = added["teacher"]["entries"][0]["data"]
    assert (
        data["education"] == {"code": "21", "name": "大学本科毕业"}
        and data["startMonth"] == "2001-09"
        and "education" not in added["teacher"]["completeness"]["missing"]
    )
    stale = (await gql(ADD, {"t": teacher["id"], "v": 1, "e": {"education": EDUCATION}}, world.clerk))["data"][
        "addEntry"
    ]
    assert [(e["code"], e["field"]) for e in stale["userErrors"]] == [("VERSION_CONFLICT", "expectedVersion")]
    wrong = (
        await gql(
            ADD, {"t": teacher["id"], "v": 2, "e": {"education": {**EDUCATION, "endMonth": "1999-01"}}}, world.clerk
        )
    )["data"]["addEntry"]
    assert [(e["code"], e["field"]) for e in wrong["userErrors"]] == [("DATE_ORDER", "entry.education.endMonth")]
    training = {
        "other": {
            "set": "TRAINING",
            "data": {"year": 2024, "category": "2", "project": "国培计划", "mode": "1", "hours": 24},
        }
    }
    other = (await gql(ADD, {"t": teacher["id"], "v": 2, "e": training}, world.clerk))["data"]["addEntry"]
    assert other["userErrors"] == [] and other["teacher"]["version"] == 3
    both = await gql(ADD, {"t": teacher["id"], "v": 3, "e": {"education": EDUCATION, **training}}, world.clerk)
    assert both["errors"]  # @oneOf: exactly one member

    history = (
        await gql("query($id: ID!) { teacher(id: $id) { history { path actor } } }", {"id": teacher["id"]}, world.clerk)
    )["data"]["teacher"]["history"]
    assert any(h["path"].startswith("entry.training[") for h in history) and all(h["actor"] == "clerk" for h in history)


async def test_teachers_cannot_touch_school_sets_or_others(world: World) -> None:
    gql = world.suite.graphql
    made = (await gql(CREATE, {"s": world.school, "b": world.basic_input(1)}, world.clerk))["data"]["createTeacher"][
        "teacher"
    ]
    other = (await gql(CREATE, {"s": world.school, "b": world.basic_input(2)}, world.clerk))["data"]["createTeacher"][
        "teacher"
    ]
    me = world.teacher_token(made["id"])
    salary = {
        "salary": {
            "year": 2024,
            "annualIncome": 80000,
            "basicMonthly": 3000,
            "performanceMonthly": 1500,
            "otherAllowanceMonthly": 0,
            "otherMonthly": 0,
            "insurance": ["0"],
        }
    }
    refused = (await gql(ADD, {"t": made["id"], "v": 1, "e": salary}, me))["data"]["addEntry"]["userErrors"]
    assert [e["code"] for e in refused] == ["FORBIDDEN"]
    assert (await gql("query($id: ID!) { teacher(id: $id) { id } }", {"id": other["id"]}, me))["data"][
        "teacher"
    ] is None
    mine = (await gql(ADD, {"t": made["id"], "v": 1, "e": {"education": EDUCATION}}, me))["data"]["addEntry"]
    assert mine["userErrors"] == []
    listing = await gql("query($o: String!) { teachers(orgCode: $o) { totalCount } }", {"o": world.school}, me)
    assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_page_costs_one_records_call(world: World) -> None:
    gql = world.suite.graphql
    for serial in range(6):
        created = (await gql(CREATE, {"s": world.school, "b": world.basic_input(serial)}, world.clerk))["data"][
            "createTeacher"
        ]
        assert created["userErrors"] == [], created
        await gql(ADD, {"t": created["teacher"]["id"], "v": 1, "e": {"education": EDUCATION}}, world.clerk)
    calls: list[str] = []

    class Count(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            rpc = getattr(record, "fields", {}).get("rpc", "")
            if rpc.startswith("/tmis.records.v1.RecordsService/") and not rpc.endswith("ListCodeTables"):
                calls.append(rpc)

    handler = Count()
    logger = logging.getLogger("tmis.rpc")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        page = (await gql(PAGE, {"o": world.district, "f": 50}, world.reader))["data"]["teachers"]
    finally:
        logger.removeHandler(handler)
    assert page["totalCount"] == 6 and len(page["edges"]) == 6
    assert all(len(e["node"]["education"]) == 1 and e["node"]["work"] == [] for e in page["edges"])
    assert calls == ["/tmis.records.v1.RecordsService/ListTeachers"]


async def test_save_and_delete(world: World) -> None:
    gql = world.suite.graphql
    made = (await gql(CREATE, {"s": world.school, "b": world.basic_input(1)}, world.clerk))["data"]["createTeacher"][
        "teacher"
    ]
    save = """mutation($t: ID!, $v: Int!, $b: BasicInfoInput!) { saveBasicInfo(teacherId: $t, expectedVersion: $v,
  basic: $b) {
      teacher { version basic { name remarks maritalStatus { name } } } userErrors { code field } } }"""
    saved = (
        await gql(
            save,
            {
                "t": made["id"],
                "v": 1,
                "b": {**world.basic_input(1), "name": "张明明", "remarks": "班主任", "maritalStatus": "20"},
            },
            world.clerk,
        )
    )["data"]["saveBasicInfo"]
    assert saved["userErrors"] == [] and saved["teacher"]["basic"] == {
        "name": "张明明",
        "remarks": "班主任",
        "maritalStatus": {"name": "已婚"},
    }
    lacking = (
        await gql(save, {"t": made["id"], "v": 2, "b": {**world.basic_input(1), "dualQualified": True}}, world.clerk)
    )["data"]["saveBasicInfo"]
    assert lacking["userErrors"] == [
        {"code": "UNKNOWN_FIELD", "field": "basic.dualQualified"}
    ]  # a 中职 field, in a 中小学
    delete = "mutation($t: ID!) { deleteTeacher(teacherId: $t) { teacher { id } userErrors { code } } }"
    reader_refused = (await gql(delete, {"t": made["id"]}, world.reader))["data"]["deleteTeacher"]["userErrors"]
    assert [e["code"] for e in reader_refused] == ["FORBIDDEN"]
    assert (await gql(delete, {"t": made["id"]}, world.clerk))["data"]["deleteTeacher"]["teacher"]["id"] == made["id"]
    assert (await gql("query($id: ID!) { teacher(id: $id) { id } }", {"id": made["id"]}, world.clerk))["data"][
        "teacher"
    ] is None


MEMBER_OF = {key: member for member, key in TYPED_MEMBERS.items()}
# every set but 学习经历, by the EntryInput member that takes it
EVERY_SET = {MEMBER_OF.get(key, key): data for key, data in DEMO_ENTRIES.items() if key != "EDUCATION"}


async def test_a_clerk_fills_every_set_until_the_record_is_complete(world: World) -> None:
    gql = world.suite.graphql
    teacher = (await gql(CREATE, {"s": world.school, "b": world.basic_input(1)}, world.clerk))["data"]["createTeacher"][
        "teacher"
    ]
    version = 1
    added = (await gql(ADD, {"t": teacher["id"], "v": version, "e": {"education": EDUCATION}}, world.clerk))["data"][
        "addEntry"
    ]
    version = added["teacher"]["version"]
    query = """mutation($t: ID!, $v: Int!, $e: EntryInput!) { addEntry(teacherId: $t, expectedVersion: $v, entry: $e) {
      teacher { version completeness { complete missing } } userErrors { code message field } } }"""
    for member, data in EVERY_SET.items():
        entry = {member: data} if member.islower() else {"other": {"set": member, "data": data}}
        result = (await gql(query, {"t": teacher["id"], "v": version, "e": entry}, world.clerk))["data"]["addEntry"]
        assert result["userErrors"] == [], (member, result)
        version = result["teacher"]["version"]
    assert result["teacher"]["completeness"] == {"complete": True, "missing": []}
    odd = {"other": {"set": "QUALIFICATION", "data": {**EVERY_SET["QUALIFICATION"], "certificateNumber": "123"}}}
    warned = (
        await gql(
            """mutation($t: ID!, $v: Int!, $e: EntryInput!) { addEntry(teacherId: $t, expectedVersion: $v, entry: $e)
  { teacher { version warnings { code field } } userErrors { code } } }""",
            {"t": teacher["id"], "v": version, "e": odd},
            world.clerk,
        )
    )["data"]["addEntry"]
    assert warned["userErrors"] == [] and [w["code"] for w in warned["teacher"]["warnings"]] == ["CERTIFICATE_NUMBER"]
    assert warned["teacher"]["warnings"][0]["field"].startswith("entry.qualification[")
    version = warned["teacher"]["version"]
    read = await gql(
        """query($id: ID!) { teacher(id: $id) { entries(set: TEACHING) { data } contact: entries(set: CONTACT) { data
  } } }""",
        {"id": teacher["id"]},
        world.clerk,
    )
    teaching = read["data"]["teacher"]["entries"][0]["data"]
    assert (
        teaching["courses"] == [{"code": "104", "name": "语文"}, {"code": "105", "name": "数学"}]
        and teaching["weeklyHours"] == 14
    )
    again = (
        await gql(
            query,
            {"t": teacher["id"], "v": version, "e": {"other": {"set": "CONTACT", "data": {"mobile": "1"}}}},
            world.clerk,
        )
    )["data"]["addEntry"]
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_INPUT"]  # 联系方式 holds one entry

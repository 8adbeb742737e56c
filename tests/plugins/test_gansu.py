"""The example province plugin end to end: typed fields in the schema, a round trip through
GraphQL, its data rule, its district review check, and what disabling it leaves behind."""

from __future__ import annotations

from dataclasses import replace

from gateway.schema import build_schema
from services.records.server import create_server as records_server
from tests.support.world import Chain
from tmis.plugins import build_registry, make_plugin_manager
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.proto.records.v1 import records_pb2_grpc
from tmis.proto.review.v1 import review_pb2 as review_pb
from tmis.rpc import ServiceClient
from tmis.rpc.codec import decode, encode
from tmis.run.procs import free_port

CREATE = """mutation($s: String!, $b: BasicInfoInput!) { createTeacher(schoolCode: $s, basic: $b) {
  teacher { id version basic { gsRuralTeacher { code name } gsRuralAllowance } } userErrors { code field message } }
  }"""
LOCAL = {"gsRuralTeacher", "gsRuralAllowance", "GS_TALENT"}


def test_the_schema_gains_exactly_the_plugin_fields() -> None:
    national = build_schema().as_str().splitlines()
    local = build_schema(build_registry(make_plugin_manager("gansu"))).as_str().splitlines()
    added = [line for line in local if line not in national]
    assert [line for line in national if line not in local] == []
    named = [line for line in added if line.strip() and not line.strip().startswith('"""')]
    assert sorted(named) == sorted(
        [
            "  gsRuralTeacher: Code",
            "  gsRuralAllowance: Float",
            "  gsRuralTeacher: String",
            "  gsRuralAllowance: Float",
            "  GS_TALENT",
        ]
    )


async def test_local_fields_round_trip_validate_and_review(chain: Chain) -> None:
    gql, clerk = chain.suite.graphql, chain.world.clerk
    defs = (
        await gql(
            """{ fieldDefinitions(set: BASIC) { key plugin codeTable } talent: fieldDefinitions(set: GS_TALENT) { key
  plugin } }"""
        )
    )["data"]
    assert {"key": "gsRuralTeacher", "plugin": "gansu", "codeTable": "gs_rural_teacher"} in defs["fieldDefinitions"]
    sets = (await gql("{ infoSets { set label plugin } }"))["data"]["infoSets"]
    assert sets[-1]["set"] == "GS_TALENT" and sets[-1]["plugin"] == "gansu" and sets[0]["plugin"] is None
    assert [d["key"] for d in defs["talent"]] == ["program", "selectedYear", "remarks"] and {
        d["plugin"] for d in defs["talent"]
    } == {"gansu"}
    assert [c["name"] for c in (await gql('{ codeTable(name: "gs_rural_teacher") { name } }'))["data"]["codeTable"]][
        :2
    ] == ["否", "是，乡村学校任教"]

    too_much = await gql(
        CREATE,
        {
            "s": chain.world.school,
            "b": {**chain.world.basic_input(31), "gsRuralTeacher": "1", "gsRuralAllowance": 5000},
        },
        clerk,
    )
    assert too_much["data"]["createTeacher"]["userErrors"] == [
        {
            "code": "GS_ALLOWANCE_RANGE",
            "field": "basic.gsRuralAllowance",
            "message": "乡村教师生活补助标准应在0至2000元/月之间",
        }
    ]
    made = (
        await gql(
            CREATE,
            {
                "s": chain.world.school,
                "b": {**chain.world.basic_input(31), "gsRuralTeacher": "1", "gsRuralAllowance": 600},
            },
            clerk,
        )
    )["data"]["createTeacher"]
    assert made["teacher"]["basic"] == {
        "gsRuralTeacher": {"code": "1", "name": "是，乡村学校任教"},
        "gsRuralAllowance": 600.0,
    }
    # basicData: every 基本信息 value by key, plugin fields included, so a generated form round-trips them
    data = (await gql("query($id: ID!) { teacher(id: $id) { basicData } }", {"id": made["teacher"]["id"]}, clerk))[
        "data"
    ]["teacher"]["basicData"]
    assert data["gsRuralTeacher"] == {"code": "1", "name": "是，乡村学校任教"} and data["gsRuralAllowance"] == 600
    assert (
        data["name"] == chain.world.basic_input(31)["name"]
        and data["gender"]["code"] == chain.world.basic_input(31)["gender"]
        and data["gender"]["name"] in ("男", "女")
    )
    add = """mutation($t: ID!, $v: Int!, $e: EntryInput!) { addEntry(teacherId: $t, expectedVersion: $v, entry: $e) {
      teacher { version entries(set: GS_TALENT) { set data } } userErrors { code field } } }"""
    entry = {"other": {"set": "GS_TALENT", "data": {"program": "03", "selectedYear": 2021}}}
    added = (await gql(add, {"t": made["teacher"]["id"], "v": made["teacher"]["version"], "e": entry}, clerk))["data"][
        "addEntry"
    ]
    assert added["userErrors"] == [] and added["teacher"]["entries"] == [
        {"set": "GS_TALENT", "data": {"program": {"code": "03", "name": "陇原名师"}, "selectedYear": 2021}}
    ]
    teacher_adds = await gql(
        add,
        {"t": made["teacher"]["id"], "v": added["teacher"]["version"], "e": entry},
        chain.world.teacher_token(made["teacher"]["id"]),
    )
    assert [e["code"] for e in teacher_adds["data"]["addEntry"]["userErrors"]] == ["FORBIDDEN"]  # a school-entered set

    # the district check: a 乡村教师 without an allowance passes the school, not the district
    teacher = await chain.complete_teacher(32)
    records, review = chain.suite.clients.records, chain.suite.clients.review
    got = (await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=[teacher]), token=clerk)).teachers[0]
    assert decode(got.basic_json, None)["gsRuralTeacher"] == "0"  # the plugin's default
    rural = pb.SaveBasicInfoRequest(
        teacher_id=teacher,
        expected_version=got.version,
        basic_json=encode({**chain.world.basic_input(32), "gsRuralTeacher": "2"}),
    )
    assert not (await records.SaveBasicInfo(rural, token=clerk)).errors
    await review.SubmitRecords(review_pb.SubmitRecordsRequest(teacher_ids=[teacher]), token=clerk)
    assert list(
        (
            await review.ApproveRecords(
                review_pb.ApproveRecordsRequest(teacher_ids=[teacher]), token=chain.reviewers["SCHOOL"]
            )
        ).succeeded
    ) == [teacher]
    blocked = await review.ApproveRecords(
        review_pb.ApproveRecordsRequest(teacher_ids=[teacher]), token=chain.reviewers["DISTRICT"]
    )
    assert [(e.code, e.message) for e in blocked.errors] == [
        ("REVIEW_BLOCKED", "乡村教师须填写乡村教师生活补助标准后方可由区县审核通过")
    ]


async def test_disabling_the_plugin_hides_its_values_and_keeps_them(chain: Chain) -> None:
    clerk, records = chain.world.clerk, chain.suite.clients.records
    made = (
        await records.CreateTeacher(
            pb.CreateTeacherRequest(
                school_code=chain.world.school,
                basic_json=encode({**chain.world.basic_input(33), "gsRuralTeacher": "1", "gsRuralAllowance": 300}),
            ),
            token=clerk,
        )
    ).teacher
    national_settings = replace(chain.suite.settings, plugins="", ports={"records": free_port()})
    server = await records_server(national_settings)
    national = ServiceClient("records", f"127.0.0.1:{server.port}", records_pb2_grpc.RecordsServiceStub)
    try:
        refused = await national.SaveBasicInfo(
            pb.SaveBasicInfoRequest(
                teacher_id=made.id,
                expected_version=made.version,
                basic_json=encode({**chain.world.basic_input(33), "gsRuralAllowance": 1}),
            ),
            token=clerk,
        )
        assert [(e.code, e.field) for e in refused.errors] == [("UNKNOWN_FIELD", "basic.gsRuralAllowance")]
        saved = await national.SaveBasicInfo(
            pb.SaveBasicInfoRequest(
                teacher_id=made.id,
                expected_version=made.version,
                basic_json=encode({**chain.world.basic_input(33), "remarks": "改"}),
            ),
            token=clerk,
        )
        assert not saved.errors and not [m for m in saved.teacher.missing if m.startswith("basic.")]
    finally:
        await national.close()
        await server.stop(0)
    again = (await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=[made.id]), token=clerk)).teachers[0]
    basic = decode(again.basic_json, None)
    assert (basic["gsRuralTeacher"], basic["gsRuralAllowance"], basic["remarks"]) == ("1", 300, "改")

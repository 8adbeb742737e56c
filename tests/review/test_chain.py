"""The review chain through the gateway: school → district → city → province, rejection and
resubmission, every refusal, the race, and the records service's freeze."""

from __future__ import annotations

import asyncio

from tests.support.gql import APPROVE, REJECT, SAVE_NAME, SUBMIT, act
from tests.support.world import Chain
from tmis.proto.review.v1 import review_pb2 as pb

STATE = """query($id: ID!) { teacher(id: $id) { version personalCode personalCodeFormal
  review { status pendingLevel pendingOrg { code } history { actor level action comment orgCode } findings { code
  blocking } identityCheck } } }"""


async def state(chain: Chain, teacher_id: str, token: str | None = None) -> dict:
    result = await chain.suite.graphql(STATE, {"id": teacher_id}, token or chain.world.clerk)
    return result["data"]["teacher"]


async def test_a_record_goes_up_the_whole_chain(chain: Chain) -> None:
    teacher = await chain.complete_teacher(1)
    assert (await act(chain, SUBMIT, chain.world.clerk, [teacher]))["succeeded"] == [teacher]
    for level, org in [
        ("SCHOOL", chain.world.school),
        ("DISTRICT", chain.world.district),
        ("CITY", chain.world.orgs.city),
        ("PROVINCE", chain.world.orgs.province),
    ]:
        now = await state(chain, teacher)
        assert (
            now["review"]["status"] == "SUBMITTED"
            and now["review"]["pendingLevel"] == level
            and now["review"]["pendingOrg"]["code"] == org
        )
        queue = await chain.suite.graphql(
            "{ reviewQueue { totalCount edges { node { id } } } }", None, chain.reviewers[level]
        )
        assert [e["node"]["id"] for e in queue["data"]["reviewQueue"]["edges"]] == [teacher]
        assert (await act(chain, APPROVE, chain.reviewers[level], [teacher], c=f"{level} 通过"))["succeeded"] == [
            teacher
        ]
    final = await state(chain, teacher)
    assert final["review"]["status"] == "APPROVED" and final["review"]["pendingLevel"] is None
    assert [(e["action"], e["level"]) for e in final["review"]["history"]] == [
        ("SUBMIT", "SCHOOL"),
        ("APPROVE", "SCHOOL"),
        ("APPROVE", "DISTRICT"),
        ("APPROVE", "CITY"),
        ("APPROVE", "PROVINCE"),
    ]
    assert final["review"]["history"][2] == {
        "actor": f"reviewer_{chain.world.district}",
        "level": "DISTRICT",
        "action": "APPROVE",
        "comment": "DISTRICT 通过",
        "orgCode": chain.world.district,
    }
    # 临时个人标识码: L + region of the school's district + birth date + 4 digits;
    # the built-in verifier only checks locally
    basic = (
        await chain.suite.graphql(
            "query($id: ID!) { teacher(id: $id) { basic { birthDate } } }", {"id": teacher}, chain.world.clerk
        )
    )["data"]["teacher"]["basic"]
    code = final["personalCode"]
    assert (
        len(code) == 19
        and code.startswith(f"L{chain.world.district}" + basic["birthDate"].replace("-", ""))
        and final["personalCodeFormal"] is False
    )
    assert final["review"]["identityCheck"].startswith("local: 本地校验通过")
    # approved records stay frozen; the records service's own filter agrees with review
    refused = await chain.suite.graphql(SAVE_NAME, {"t": teacher, "v": final["version"], "b": {}}, chain.world.clerk)
    assert "errors" in refused or refused["data"]["saveBasicInfo"]["userErrors"]
    listed = await chain.suite.graphql(
        f'{{ teachers(orgCode: "{chain.world.district}", status: APPROVED) {{ totalCount }} }}',
        None,
        chain.reviewers["DISTRICT"],
    )
    assert listed["data"]["teachers"]["totalCount"] == 1


async def test_rejection_returns_to_the_school_and_resubmission_restarts_the_chain(chain: Chain) -> None:
    teacher = await chain.complete_teacher(2)
    await act(chain, SUBMIT, chain.world.clerk, [teacher])
    await act(chain, APPROVE, chain.reviewers["SCHOOL"], [teacher])
    frozen = await chain.suite.graphql(
        SAVE_NAME,
        {"t": teacher, "v": (await state(chain, teacher))["version"], "b": chain.world.basic_input(2)},
        chain.world.clerk,
    )
    assert [e["code"] for e in frozen["data"]["saveBasicInfo"]["userErrors"]] == ["NOT_EDITABLE"]
    no_reason = await act(chain, REJECT, chain.reviewers["DISTRICT"], [teacher], r="  ")
    assert no_reason["succeeded"] == [] and no_reason["userErrors"][0]["code"] == "INVALID_INPUT"
    rejected = await act(chain, REJECT, chain.reviewers["DISTRICT"], [teacher], r="民族与档案不符")
    assert rejected["succeeded"] == [teacher]
    now = await state(chain, teacher)
    assert now["review"]["status"] == "REJECTED" and now["review"]["history"][-1]["comment"] == "民族与档案不符"
    # editable again; the reviewer sees what changed since the school's approval
    saved = await chain.suite.graphql(
        SAVE_NAME,
        {"t": teacher, "v": now["version"], "b": {**chain.world.basic_input(2), "ethnicity": "02"}},
        chain.world.clerk,
    )
    assert saved["data"]["saveBasicInfo"]["userErrors"] == []
    changes = await chain.suite.graphql(
        "query($id: ID!) { teacher(id: $id) { changesSinceApproval { path oldValue newValue } } }",
        {"id": teacher},
        chain.reviewers["SCHOOL"],
    )
    assert {"path": "basic.ethnicity", "oldValue": '"01"', "newValue": '"02"'} in changes["data"]["teacher"][
        "changesSinceApproval"
    ]
    await act(chain, SUBMIT, chain.world.clerk, [teacher])
    again = await state(chain, teacher)
    assert again["review"]["status"] == "SUBMITTED" and again["review"]["pendingLevel"] == "SCHOOL"
    assert [e["action"] for e in again["review"]["history"]] == ["SUBMIT", "APPROVE", "REJECT", "SUBMIT"]


async def test_every_refusal_names_the_record(chain: Chain) -> None:
    complete, other_school = await chain.complete_teacher(3), await chain.complete_teacher(4, school=chain.world.other)
    created = await chain.world.create(5)  # 基本信息 only: incomplete
    incomplete = created.teacher.id
    submitted = await act(chain, SUBMIT, chain.world.clerk, [complete, incomplete, other_school, "nope"])
    assert submitted["succeeded"] == [complete]
    codes = {e["field"]: e["code"] for e in submitted["userErrors"]}
    assert codes == {incomplete: "INCOMPLETE", other_school: "NOT_FOUND", "nope": "NOT_FOUND"}
    message = next(e["message"] for e in submitted["userErrors"] if e["field"] == incomplete)
    assert "学习经历" in message and "岗位聘任" in message and "education" not in message  # what is missing, in words
    assert (await act(chain, SUBMIT, chain.world.clerk, [complete]))["userErrors"][0]["code"] == "WRONG_STATE"  # twice
    refusals = [
        (chain.reviewers["DISTRICT"], "FORBIDDEN"),  # wrong level: pending at the school
        (chain.other_district_reviewer, "NOT_FOUND"),  # wrong org: outside its subtree
    ]
    for token, code in refusals:
        assert (await act(chain, APPROVE, token, [complete]))["userErrors"][0]["code"] == code
        assert (await act(chain, REJECT, token, [complete], r="x"))["userErrors"][0]["code"] == code
    wrong_role = await chain.suite.graphql(APPROVE, {"ids": [complete]}, chain.world.clerk)  # a clerk is no reviewer
    assert wrong_role["data"]["approveRecords"]["userErrors"][0]["code"] == "FORBIDDEN"
    teacher_submits = await chain.suite.graphql(SUBMIT, {"ids": [incomplete]}, chain.world.teacher_token(incomplete))
    assert teacher_submits["data"]["submitRecords"]["userErrors"][0]["code"] == "FORBIDDEN"
    draft = await act(chain, APPROVE, chain.reviewers["SCHOOL"], [incomplete])  # wrong state: never submitted
    assert draft["userErrors"][0]["code"] in ("WRONG_STATE", "NOT_FOUND")
    assert (await state(chain, complete))["review"]["pendingLevel"] == "SCHOOL"  # nothing moved


async def test_two_reviewers_at_once_advance_a_record_exactly_once(chain: Chain) -> None:
    teacher = await chain.complete_teacher(6)
    await act(chain, SUBMIT, chain.world.clerk, [teacher])
    review = chain.suite.clients.review
    request = pb.ApproveRecordsRequest(teacher_ids=[teacher])
    replies = await asyncio.gather(*(review.ApproveRecords(request, token=chain.reviewers["SCHOOL"]) for _ in range(4)))
    assert sum(len(r.succeeded) for r in replies) == 1
    assert {e.code for r in replies for e in r.errors} <= {"VERSION_CONFLICT", "WRONG_STATE", "FORBIDDEN"}
    now = await state(chain, teacher)
    assert now["review"]["pendingLevel"] == "DISTRICT" and [e["action"] for e in now["review"]["history"]] == [
        "SUBMIT",
        "APPROVE",
    ]


async def test_a_look_alike_in_the_province_stops_the_personal_code(chain: Chain) -> None:
    import datetime as dt

    from tmis import idcard

    teacher = await chain.complete_teacher(41)
    basic = chain.world.basic_input(41)
    birth = dt.date.fromisoformat(basic["birthDate"])
    twin = {
        **chain.world.basic_input(42),
        "name": basic["name"],
        "birthDate": basic["birthDate"],
        "gender": basic["gender"],
        "idNumber": idcard.make(chain.world.orgs.other_district, birth, 77, basic["gender"]),
    }
    made = await chain.suite.graphql(
        """mutation($s: String!, $b: BasicInfoInput!) { createTeacher(schoolCode: $s, basic: $b) { userErrors { code }
  } }""",
        {"s": chain.world.other, "b": twin},
        chain.other_clerk,
    )
    assert made["data"]["createTeacher"]["userErrors"] == []
    await act(chain, SUBMIT, chain.world.clerk, [teacher])
    for level in ("SCHOOL", "DISTRICT", "CITY", "PROVINCE"):
        assert (await act(chain, APPROVE, chain.reviewers[level], [teacher]))["succeeded"] == [teacher]
    final = await state(chain, teacher)
    assert final["review"]["status"] == "APPROVED" and final["personalCode"] is None
    assert final["review"]["identityCheck"].startswith(
        f"省内查重未通过：与 {basic['name']}（{chain.world.other}）疑似为同一人"
    )

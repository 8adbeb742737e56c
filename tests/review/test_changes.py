"""信息变更 through the gateway: startChange reopens an APPROVED record as CHANGING, the edits and
the chain work as for a first entry, the kind decides the chain, withdrawChange restores the last
approved version, a key change runs 查重 and renews the temporary code, the approved version stays
official meanwhile, and every refusal."""

from __future__ import annotations

import asyncio
import datetime as dt

from tests.support.gql import APPROVE, PROGRESS, REJECT, STATS, SUBMIT, act
from tests.support.polling import eventually
from tests.support.review import LEVELS, approved, review_with, start
from tests.support.world import Chain
from tmis import idcard
from tmis.auth import Caller
from tmis.hookspecs import hookimpl
from tmis.proto.review.v1 import review_pb2 as pb
from tmis.run.demo import DEMO_ENTRIES

WITHDRAW = """mutation($t: ID!) { withdrawChange(teacherId: $t) { teacher { id review { status kind } basic { name } }
  userErrors { code message field } } }"""
SAVE = """mutation($t: ID!, $v: Int!, $b: BasicInfoInput!) { saveBasicInfo(teacherId: $t, expectedVersion: $v,
  basic: $b) { teacher { version } userErrors { code message field } } }"""
READ = """query($id: ID!) { teacher(id: $id) { version personalCode personalCodeFormal basic { name }
  review { status kind pendingLevel history { actor action level comment } }
  changesSinceApproval { path oldValue newValue } } }"""


async def read(chain: Chain, teacher: str, token: str | None = None) -> dict:
    return (await chain.suite.graphql(READ, {"id": teacher}, token or chain.world.clerk))["data"]["teacher"]


async def withdraw(chain: Chain, teacher: str, token: str) -> dict:
    return (await chain.suite.graphql(WITHDRAW, {"t": teacher}, token))["data"]["withdrawChange"]


async def save(chain: Chain, teacher: str, serial: int, token: str, **basic: object) -> dict:
    version = (await read(chain, teacher))["version"]
    result = await chain.suite.graphql(
        SAVE, {"t": teacher, "v": version, "b": {**chain.world.basic_input(serial), **basic}}, token
    )
    return result["data"]["saveBasicInfo"]


async def test_a_teacher_changes_an_approved_record_and_the_school_approves_it(chain: Chain) -> None:
    teacher = await approved(chain, 41)
    own = chain.world.teacher_token(teacher)
    before = await read(chain, teacher)
    rows = (await chain.suite.graphql(PROGRESS, {"o": chain.world.orgs.city}, chain.city_reader))["data"]["progress"]
    district_progress = {r["org"]["code"]: r for r in rows}[chain.world.district]
    assert district_progress["approved"] == 1

    started = await start(chain, teacher, own, "  政治面貌有误  ")
    assert started["userErrors"] == [] and started["teacher"]["review"] == {"status": "CHANGING", "kind": "CHANGE"}
    assert (await start(chain, teacher, own))["userErrors"][0]["code"] == "WRONG_STATE"  # one open change
    # the teacher edits the own fields as for a first entry; the document stays the school's
    saved = await save(chain, teacher, 41, own, politicalStatus=["03"])
    assert saved["userErrors"] == []
    now = await read(chain, teacher)
    assert now["changesSinceApproval"] == [
        {"path": "basic.politicalStatus", "oldValue": '["13"]', "newValue": '["03"]'}
    ]
    assert now["review"]["history"][-1] == {
        "actor": "teacher",
        "action": "CHANGE",
        "level": "SCHOOL",
        "comment": "政治面貌有误",
    }
    # a list filters on the working status; progress and statistics keep the approved version
    listing = f'query($s: RecordStatus) {{ teachers(orgCode: "{chain.world.district}", status: $s) {{ totalCount }} }}'
    counts = [
        (await chain.suite.graphql(listing, {"s": s}, chain.city_reader))["data"]["teachers"]["totalCount"]
        for s in ("CHANGING", "APPROVED")
    ]
    assert counts == [1, 0]
    # the approved version stays official: progress and statistics
    rows = (await chain.suite.graphql(PROGRESS, {"o": chain.world.orgs.city}, chain.city_reader))["data"]["progress"]
    assert {r["org"]["code"]: r for r in rows}[chain.world.district] == district_progress
    political = (
        await chain.suite.graphql(STATS, {"o": chain.world.district, "d": "POLITICAL_STATUS"}, chain.city_reader)
    )["data"]["statistics"]
    assert {b["key"]: b["count"] for b in political} == {"13": 1}
    listed = await chain.suite.graphql(
        f'{{ teachers(orgCode: "{chain.world.district}", status: CHANGING) {{ totalCount }} }}',
        None,
        chain.reviewers["DISTRICT"],
    )
    assert listed["data"]["teachers"]["totalCount"] == 1

    # an ordinary change ends at the school (TMIS_CHANGE_LEVELS)
    assert (await act(chain, SUBMIT, chain.world.clerk, [teacher]))["succeeded"] == [teacher]
    pending = await read(chain, teacher)
    assert pending["review"]["status"] == "SUBMITTED" and pending["review"]["kind"] == "CHANGE"
    queue = await chain.suite.graphql(
        "{ reviewQueue { edges { node { id review { kind } changesSinceApproval { path } } } } }",
        None,
        chain.reviewers["SCHOOL"],
    )
    assert queue["data"]["reviewQueue"]["edges"] == [
        {
            "node": {
                "id": teacher,
                "review": {"kind": "CHANGE"},
                "changesSinceApproval": [{"path": "basic.politicalStatus"}],
            }
        }
    ]
    assert (await act(chain, APPROVE, chain.reviewers["SCHOOL"], [teacher]))["succeeded"] == [teacher]
    done = await read(chain, teacher)
    assert done["review"]["status"] == "APPROVED" and done["review"]["kind"] == "CHANGE"
    assert done["changesSinceApproval"] == [] and done["personalCode"] == before["personalCode"]
    political = (
        await chain.suite.graphql(STATS, {"o": chain.world.district, "d": "POLITICAL_STATUS"}, chain.city_reader)
    )["data"]["statistics"]
    assert {b["key"]: b["count"] for b in political} == {"03": 1}


async def test_refusals(chain: Chain) -> None:
    teacher, draft = await approved(chain, 42), await chain.complete_teacher(43)
    other = await chain.complete_teacher(44, school=chain.world.other)
    reviewer = chain.reviewers["SCHOOL"]
    cases = [
        (teacher, reviewer, "FORBIDDEN"),  # a reviewer does not start changes
        (teacher, chain.city_reader, "FORBIDDEN"),
        (teacher, chain.world.teacher_token(draft), "FORBIDDEN"),  # another teacher's record
        (teacher, chain.other_clerk, "NOT_FOUND"),  # another school's clerk
        (other, chain.world.clerk, "NOT_FOUND"),
        ("nope", chain.world.clerk, "NOT_FOUND"),
        (draft, chain.world.clerk, "WRONG_STATE"),  # never approved
    ]
    for record, token, code in cases:
        errors = (await start(chain, record, token))["userErrors"]
        assert [e["code"] for e in errors] == [code], (record, code, errors)
        assert errors[0]["field"] == "teacherId" and errors[0]["message"]
    assert [e["code"] for e in (await start(chain, teacher, chain.world.clerk, "  "))["userErrors"]] == [
        "INVALID_INPUT"
    ]
    assert [e["code"] for e in (await withdraw(chain, teacher, chain.world.clerk))["userErrors"]] == ["WRONG_STATE"]
    assert [e["code"] for e in (await withdraw(chain, draft, chain.world.clerk))["userErrors"]] == ["WRONG_STATE"]
    # an approved record is not deleted; a change with nothing changed is not submitted
    assert (await start(chain, teacher, chain.world.clerk))["userErrors"] == []
    deleted = await chain.suite.graphql(
        "mutation($t: ID!) { deleteTeacher(teacherId: $t) { userErrors { code } } }", {"t": teacher}, chain.world.clerk
    )
    assert deleted["data"]["deleteTeacher"]["userErrors"] == [{"code": "NOT_EDITABLE"}]
    empty = await act(chain, SUBMIT, chain.world.clerk, [teacher])
    assert empty["succeeded"] == [] and empty["userErrors"][0]["code"] == "WRONG_STATE"
    # submitted: not withdrawn, not edited
    assert (await save(chain, teacher, 42, chain.world.clerk, politicalStatus=["03"]))["userErrors"] == []
    await act(chain, SUBMIT, chain.world.clerk, [teacher])
    assert [e["code"] for e in (await withdraw(chain, teacher, chain.world.clerk))["userErrors"]] == ["WRONG_STATE"]
    assert [e["code"] for e in (await save(chain, teacher, 42, chain.world.clerk))["userErrors"]] == ["NOT_EDITABLE"]


async def test_withdrawing_restores_the_approved_version(chain: Chain) -> None:
    teacher = await approved(chain, 45)
    before = await read(chain, teacher)
    await start(chain, teacher, chain.world.clerk)
    assert (await save(chain, teacher, 45, chain.world.clerk, name="改名字", politicalStatus=["03"]))[
        "userErrors"
    ] == []
    # rejected changes can be withdrawn too
    await act(chain, SUBMIT, chain.world.clerk, [teacher])
    assert (await read(chain, teacher))["review"]["kind"] == "KEY_CHANGE"
    await act(chain, REJECT, chain.reviewers["SCHOOL"], [teacher], r="无依据")
    rejected = await read(chain, teacher)
    assert rejected["review"]["status"] == "REJECTED" and rejected["basic"]["name"] == "改名字"
    back = await withdraw(chain, teacher, chain.world.teacher_token(teacher))
    assert back["userErrors"] == [] and back["teacher"]["review"]["status"] == "APPROVED"
    assert back["teacher"]["basic"]["name"] == before["basic"]["name"]
    now = await read(chain, teacher)
    assert now["changesSinceApproval"] == [] and now["personalCode"] == before["personalCode"]
    assert [e["action"] for e in now["review"]["history"]][-4:] == ["CHANGE", "SUBMIT", "REJECT", "WITHDRAW"]
    history = await chain.suite.graphql(
        "query($id: ID!) { teacher(id: $id) { history(first: 200) { path newValue } } }",
        {"id": teacher},
        chain.world.clerk,
    )
    paths = [e["path"] for e in history["data"]["teacher"]["history"]]
    assert paths.count("basic.name") == 2  # changed, then restored: both kept


async def test_a_key_change_goes_up_the_whole_chain_and_renews_the_temporary_code(chain: Chain) -> None:
    teacher = await approved(chain, 46)
    before = await read(chain, teacher)
    old_code = before["personalCode"]
    assert old_code.startswith("L")
    await start(chain, teacher, chain.world.clerk, "身份证号录入错误")
    basic = chain.world.basic_input(46)
    birth = dt.date.fromisoformat(basic["birthDate"]) - dt.timedelta(days=400)
    number = idcard.make(chain.world.district, birth, 946, basic["gender"])
    saved = await save(chain, teacher, 46, chain.world.clerk, idNumber=number, birthDate=birth.isoformat())
    assert saved["userErrors"] == []
    await act(chain, SUBMIT, chain.world.clerk, [teacher])
    for level in LEVELS:
        now = await read(chain, teacher)
        assert now["review"]["kind"] == "KEY_CHANGE" and now["review"]["pendingLevel"] == level
        # the old code is still the official one while the change is reviewed
        assert now["personalCode"] == old_code
        assert (await act(chain, APPROVE, chain.reviewers[level], [teacher]))["succeeded"] == [teacher]

    async def renewed() -> bool:
        code = (await read(chain, teacher))["personalCode"]
        return code != old_code and code.startswith(f"L{chain.world.district}" + birth.isoformat().replace("-", ""))

    await eventually(renewed, "the renewed temporary personal code")
    history = await chain.suite.graphql(
        "query($id: ID!) { teacher(id: $id) { history(first: 200) { path oldValue newValue } } }",
        {"id": teacher},
        chain.world.clerk,
    )
    codes = [e for e in history["data"]["teacher"]["history"] if e["path"] == "personalCode"]
    assert len(codes) == 1 and old_code in codes[0]["oldValue"]


async def test_a_key_change_failing_the_duplicate_check_is_rejected_automatically(chain: Chain) -> None:
    teacher, twin = await approved(chain, 47), await chain.complete_teacher(48)
    await start(chain, teacher, chain.world.clerk)
    look_alike = chain.world.basic_input(48)  # same name, birth date and gender as another record of the province
    number = idcard.make(
        chain.world.district, dt.date.fromisoformat(look_alike["birthDate"]), 947, look_alike["gender"]
    )
    saved = await save(
        chain,
        teacher,
        47,
        chain.world.clerk,
        name=look_alike["name"],
        gender=look_alike["gender"],
        birthDate=look_alike["birthDate"],
        idNumber=number,
    )
    assert saved["userErrors"] == [], saved
    submitted = await act(chain, SUBMIT, chain.world.clerk, [teacher])
    assert submitted["succeeded"] == [] and submitted["userErrors"][0]["code"] == "DUPLICATE_PERSON"
    assert "查重未通过" in submitted["userErrors"][0]["message"]
    now = await read(chain, teacher)
    assert now["review"]["status"] == "REJECTED" and now["review"]["kind"] == "KEY_CHANGE"
    last = now["review"]["history"][-1]
    assert last["action"] == "REJECT" and last["actor"] == "系统查重" and chain.world.school in last["comment"]
    assert twin  # the look-alike is untouched
    # the school corrects it and may withdraw
    assert (await withdraw(chain, teacher, chain.world.clerk))["userErrors"] == []


async def test_races_have_one_winner(chain: Chain) -> None:
    teacher = await approved(chain, 49)
    own = chain.world.teacher_token(teacher)
    started = await asyncio.gather(*(start(chain, teacher, t) for t in (own, chain.world.clerk, own)))
    assert sorted(len(s["userErrors"]) for s in started) == [0, 1, 1]
    assert {e["code"] for s in started for e in s["userErrors"]} <= {"WRONG_STATE", "VERSION_CONFLICT"}
    assert (await save(chain, teacher, 49, chain.world.clerk, politicalStatus=["03"]))["userErrors"] == []
    submitted, withdrawn = await asyncio.gather(
        act(chain, SUBMIT, chain.world.clerk, [teacher]), withdraw(chain, teacher, chain.world.clerk)
    )
    assert (submitted["succeeded"] == [teacher]) != (withdrawn["userErrors"] == [])
    state = (await read(chain, teacher))["review"]["status"]
    assert state == ("SUBMITTED" if submitted["succeeded"] else "APPROVED")


async def test_the_chain_levels_follow_the_settings(chain: Chain) -> None:
    # a reviewer token at the school: TMIS_CHANGE_LEVELS defaults to the school; the service's own check agrees
    teacher = await approved(chain, 50)
    review = chain.suite.clients.review
    await review.StartChange(pb.StartChangeRequest(teacher_id=teacher, reason="年度更新"), token=chain.world.clerk)
    assert (await save(chain, teacher, 50, chain.world.clerk, politicalStatus=["03"]))["userErrors"] == []
    await review.SubmitRecords(pb.SubmitRecordsRequest(teacher_ids=[teacher]), token=chain.world.clerk)
    states = await review.BatchGetReviewStates(
        pb.BatchGetReviewStatesRequest(teacher_ids=[teacher]), token=chain.world.clerk
    )
    assert states.states[0].kind == "CHANGE" and states.states[0].pending_level == "SCHOOL"
    stranger = chain.suite.signer.sign(
        Caller(
            "x",
            "x",
            chain.world.orgs.other_district,
            ("100000", chain.world.orgs.province, chain.world.orgs.city, chain.world.orgs.other_district),
            ("DATA_ENTRY",),
        )
    )
    refused = await chain.suite.graphql(WITHDRAW, {"t": teacher}, stranger)
    assert refused["data"]["withdrawChange"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_an_annual_import_opens_a_change_on_each_approved_record_it_changes(chain: Chain) -> None:
    from tests.support.excel import fill as fill_template
    from tests.support.excel import run, template

    changed, unchanged = await approved(chain, 51), await approved(chain, 52)
    blank = await template(chain.world)
    assessor = DEMO_ENTRIES["ASSESSMENT"]["assessor"]  # the second row is the entry as approved
    rows = [
        {"身份证件号": chain.world.basic_input(51)["idNumber"], "考核年度": "2025", "考核结果": "1"},
        {
            "身份证件号": chain.world.basic_input(52)["idNumber"],
            "考核年度": "2024",
            "考核结果": "1",
            "考核单位名称": assessor,
        },
    ]
    job = await run(chain.world, fill_template(blank, {"年度考核": rows}))
    assert (job["failed"], job["updated"], job["unchanged"]) == (0, 1, 1), job["errors"]
    first, second = await read(chain, changed), await read(chain, unchanged)
    assert first["review"]["status"] == "CHANGING" and second["review"]["status"] == "APPROVED"
    assert first["review"]["history"][-1]["action"] == "CHANGE" and first["review"]["history"][-1]["actor"] == "clerk"
    assert [c["path"].split("[")[0] for c in first["changesSinceApproval"]] == ["entry.assessment"]
    # two batch clicks at the school: submit every complete record, approve every pending one
    submitted = await chain.suite.graphql(
        f'mutation {{ submitMatchingRecords(orgCode: "{chain.world.school}") {{ succeeded userErrors {{ code }} }} }}',
        None,
        chain.world.clerk,
    )
    assert submitted["data"]["submitMatchingRecords"] == {"succeeded": [changed], "userErrors": []}
    approved_all = await chain.suite.graphql(
        "mutation { approveAllPending { succeeded } }", None, chain.reviewers["SCHOOL"]
    )
    assert approved_all["data"]["approveAllPending"]["succeeded"] == [changed]
    assert (await read(chain, changed))["review"]["status"] == "APPROVED"


class KeyEthnicity:
    """A province for which 民族 is key data; its school check notes what each review concerns."""

    __name__ = "key_ethnicity"

    def __init__(self) -> None:
        self.seen: list[tuple[str, tuple[str, ...]]] = []

    @hookimpl
    def tmis_key_fields(self):  # noqa: ANN201
        return ["ethnicity"]

    @hookimpl
    def tmis_review_school(self, record, reviewer):  # noqa: ANN001, ANN201
        self.seen.append((record.kind, record.changed))
        return []


async def test_a_plugin_adds_a_key_field_and_the_hooks_receive_the_kind(chain: Chain) -> None:
    plugin = KeyEthnicity()
    review, server = await review_with(
        chain, plugin, TMIS_REVIEW_LEVELS="SCHOOL,DISTRICT", TMIS_KEY_CHANGE_LEVELS="SCHOOL,DISTRICT,CITY"
    )
    try:
        teacher = await chain.complete_teacher(53)
        ids = pb.SubmitRecordsRequest(teacher_ids=[teacher])
        await review.SubmitRecords(ids, token=chain.world.clerk)
        for level in ("SCHOOL", "DISTRICT"):
            done = await review.ApproveRecords(
                pb.ApproveRecordsRequest(teacher_ids=[teacher]), token=chain.reviewers[level]
            )
            assert list(done.succeeded) == [teacher]
        await review.StartChange(pb.StartChangeRequest(teacher_id=teacher, reason="民族有误"), token=chain.world.clerk)
        assert (await save(chain, teacher, 53, chain.world.clerk, ethnicity="02"))["userErrors"] == []
        await review.SubmitRecords(ids, token=chain.world.clerk)
        await review.ApproveRecords(pb.ApproveRecordsRequest(teacher_ids=[teacher]), token=chain.reviewers["SCHOOL"])
        state = (
            await review.BatchGetReviewStates(
                pb.BatchGetReviewStatesRequest(teacher_ids=[teacher]), token=chain.world.clerk
            )
        ).states[0]
        # a key change by the plugin's field; its chain is cut to the configured review levels
        assert (state.kind, state.status, state.pending_level) == ("KEY_CHANGE", "SUBMITTED", "DISTRICT")
        assert plugin.seen == [("FIRST_ENTRY", ()), ("KEY_CHANGE", ("basic.ethnicity",))]
    finally:
        await review.close()
        await server.stop(0)


async def test_exports_give_the_approved_version_while_a_change_is_open(chain: Chain) -> None:
    import io

    from openpyxl import load_workbook

    from tests.support.excel import download
    from tests.support.records import export

    teacher = await approved(chain, 54)
    name = chain.world.basic_input(54)["name"]
    await start(chain, teacher, chain.world.clerk)
    assert (await save(chain, teacher, 54, chain.world.clerk, name="新名字"))["userErrors"] == []
    for status in ("APPROVED", None):  # an export of the approved records includes it, and every export is official
        reply = await export(chain.world, status=status)
        sheet = load_workbook(io.BytesIO(await download(chain.world, reply["url"])))["基本信息"]
        assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [name]
    changing = await export(chain.world, status="CHANGING")
    sheet = load_workbook(io.BytesIO(await download(chain.world, changing["url"])))["基本信息"]
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [name]


async def test_a_first_entry_rejected_above_the_school_is_not_official(chain: Chain) -> None:
    """Approved at the school, then rejected at the district: still a first entry (rejected in progress,
    deletable), though the school's approval keeps a snapshot for the reviewers' diff."""
    teacher = await chain.complete_teacher(42)
    await act(chain, SUBMIT, chain.world.clerk, [teacher])
    assert (await act(chain, APPROVE, chain.reviewers["SCHOOL"], [teacher]))["succeeded"] == [teacher]
    assert (await act(chain, REJECT, chain.reviewers["DISTRICT"], [teacher], r="学历有误"))["succeeded"] == [teacher]
    rows = (await chain.suite.graphql(PROGRESS, {"o": chain.world.orgs.city}, chain.city_reader))["data"]["progress"]
    school = {r["org"]["code"]: r for r in rows}[chain.world.district]
    assert (school["approved"], school["rejected"]) == (0, 1)
    deleted = await chain.suite.graphql(
        "mutation($t: ID!) { deleteTeacher(teacherId: $t) { userErrors { code } } }", {"t": teacher}, chain.world.clerk
    )
    assert deleted["data"]["deleteTeacher"]["userErrors"] == []

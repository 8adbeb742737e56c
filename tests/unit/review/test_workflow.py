"""The review chain (`services/review/workflow.py`) over fakes: 报送, approval level by level,
rejection, 信息变更, what follows final approval, and every refusal."""

from __future__ import annotations

import pytest

from tests.unit.review.conftest import PATH_A, A, B, Review, review_with
from tmis.errors import DomainError
from tmis.hookspecs import Finding, IdentityCheck, hookimpl


def codes(result: tuple[list[str], list[DomainError]]) -> list[str]:
    return [str(f.code) for f in result[1]]


async def test_a_record_goes_up_the_whole_chain_and_gets_its_code(review: Review) -> None:
    t = review.add("1")
    assert await review.workflow.submit(review.clerk[A], [t]) == ([t], [])
    for level, org in [("SCHOOL", A), ("DISTRICT", "620102"), ("CITY", "620100"), ("PROVINCE", "620000")]:
        state = review.store.docs[t]
        assert (state.status, state.pending) == ("SUBMITTED", (level, org))
        assert (await review.workflow.queue(review.reviewer[level], 50, ""))[0] == [t]
        assert (await review.workflow.approve(review.reviewer[level], [t], f"{level} 通过"))[0] == [t]
    final = review.store.docs[t]
    assert (final.status, final.pending, final.followups, final.synced) == ("APPROVED", ("", ""), "DONE", True)
    assert [(e.action, e.level) for e in final.events] == [
        ("SUBMIT", "SCHOOL"),
        ("APPROVE", "SCHOOL"),
        ("APPROVE", "DISTRICT"),
        ("APPROVE", "CITY"),
        ("APPROVE", "PROVINCE"),
    ]
    assert review.records.mirror[t] == ("APPROVED", final.seq) and review.records.codes[t].startswith("L")
    assert final.identity_check.startswith("local:")  # the built-in verifier: the code stays temporary
    assert [(f.kind, f.from_path) for _, f in review.movement_store.flows.values()] == [("NEW", PATH_A)]


async def test_the_chain_follows_the_settings() -> None:
    review = review_with(TMIS_REVIEW_LEVELS="SCHOOL,DISTRICT")
    t = review.add("1")
    await review.workflow.submit(review.clerk[A], [t])
    await review.workflow.approve(review.reviewer["SCHOOL"], [t], "")
    await review.workflow.approve(review.reviewer["DISTRICT"], [t], "")
    assert review.store.docs[t].status == "APPROVED"


async def test_submission_refusals(review: Review) -> None:
    ok, incomplete, elsewhere = (
        review.add("1"),
        review.add("2", missing=("education", "basic.name")),
        review.add("3", B),
    )
    with pytest.raises(DomainError) as forbidden:  # a reviewer or a teacher does not submit
        await review.workflow.submit(review.reviewer["SCHOOL"], [ok])
    assert forbidden.value.code == "FORBIDDEN"
    result = await review.workflow.submit(review.clerk[A], [ok, incomplete, elsewhere, "nobody"])
    assert result[0] == [ok] and codes(result) == ["INCOMPLETE", "NOT_FOUND", "NOT_FOUND"]
    assert result[1][0].message.endswith("学习经历、姓名")  # in the clerk's words
    assert [f.field for f in result[1]] == [incomplete, elsewhere, "nobody"]
    assert codes(await review.workflow.submit(review.clerk[A], [ok])) == ["WRONG_STATE"]  # already submitted
    for ids in ([], [""], [str(i) for i in range(501)]):
        with pytest.raises(DomainError) as batch:
            await review.workflow.submit(review.clerk[A], ids)
        assert (batch.value.code, batch.value.field) == ("INVALID_INPUT", "teacherIds")


async def test_only_the_reviewer_of_the_org_it_waits_for_acts(review: Review) -> None:
    t = review.add("1")
    await review.workflow.submit(review.clerk[A], [t])
    above = await review.workflow.approve(review.reviewer["DISTRICT"], [t], "")
    assert codes(above) == ["FORBIDDEN"] and "学校（示范小学）" in above[1][0].message
    assert codes(await review.workflow.approve(review.district_b, [t], "")) == ["NOT_FOUND"]  # out of reach
    assert codes(await review.workflow.reject(review.district_b, [t], "x")) == ["NOT_FOUND"]
    with pytest.raises(DomainError):
        await review.workflow.approve(review.clerk[A], [t], "")  # not a reviewer
    draft = review.add("2")
    assert codes(await review.workflow.approve(review.reviewer["SCHOOL"], [draft], "")) == ["NOT_FOUND"]
    await review.workflow.approve(review.reviewer["SCHOOL"], [t], "")
    again = await review.workflow.approve(review.reviewer["SCHOOL"], [t], "")  # it waits at the district now
    assert codes(again) == ["FORBIDDEN"]


async def test_rejection_returns_to_the_school_and_resubmission_restarts_the_chain(review: Review) -> None:
    t = review.add("1")
    await review.workflow.submit(review.clerk[A], [t])
    await review.workflow.approve(review.reviewer["SCHOOL"], [t], "")
    with pytest.raises(DomainError) as no_reason:
        await review.workflow.reject(review.reviewer["DISTRICT"], [t], "  ")
    assert no_reason.value.field == "reason"
    assert (await review.workflow.reject(review.reviewer["DISTRICT"], [t], "手机号有误"))[0] == [t]
    rejected = review.store.docs[t]
    assert (rejected.status, rejected.events[-1].comment, rejected.events[-1].level) == (
        "REJECTED",
        "手机号有误",
        "DISTRICT",
    )
    assert review.records.mirror[t][0] == "REJECTED"
    await review.workflow.submit(review.clerk[A], [t])
    assert review.store.docs[t].pending == ("SCHOOL", A) and review.store.docs[t].kind == "FIRST_ENTRY"


class Blocking:
    __name__ = "blocking"

    @hookimpl
    def tmis_review_district(self, record, reviewer):  # noqa: ANN001, ANN201
        return [Finding("LOCAL", "本省要求手机号以139开头", "entry.contact.mobile", blocking=True)]

    @hookimpl
    def tmis_review_school(self, record, reviewer):  # noqa: ANN001, ANN201
        return [Finding("NOTE", "请核对籍贯", "basic.nativePlace")]

    @hookimpl
    def tmis_verify_identity(self, record):  # noqa: ANN001, ANN201
        return IdentityCheck(True, "population-db", "认证通过")


async def test_a_blocking_finding_stops_an_approval_and_a_warning_is_kept() -> None:
    review = review_with(Blocking())
    t = review.add("1")
    await review.workflow.submit(review.clerk[A], [t])
    await review.workflow.approve(review.reviewer["SCHOOL"], [t], "")
    assert [f.code for f in review.store.docs[t].findings] == ["NOTE"]
    blocked = await review.workflow.approve(review.reviewer["DISTRICT"], [t], "")
    assert codes(blocked) == ["REVIEW_BLOCKED"] and blocked[1][0].message == "本省要求手机号以139开头"
    assert review.store.docs[t].pending == ("DISTRICT", "620102")


async def test_a_verified_identity_gets_the_formal_code() -> None:
    review = review_with(Blocking(), TMIS_REVIEW_LEVELS="SCHOOL")
    t = await review.approved("1")
    assert review.records.codes[t] == "G" + str(review.records.records[t].basic["idNumber"])
    assert review.store.docs[t].identity_check == "population-db: 认证通过"


async def test_the_steps_after_final_approval_are_retried_until_done(review: Review) -> None:
    t = review.add("1")
    await review.workflow.submit(review.clerk[A], [t])
    for level in ("SCHOOL", "DISTRICT", "CITY"):
        await review.workflow.approve(review.reviewer[level], [t], "")
    records = review.records
    real = records.assign_code

    async def down(*args: object) -> str:
        raise DomainError("SERVICE_UNAVAILABLE", "不可用")

    records.assign_code = down  # type: ignore[method-assign]
    assert (await review.workflow.approve(review.reviewer["PROVINCE"], [t], ""))[0] == [t]  # approved all the same
    assert review.store.docs[t].followups == "PENDING" and t not in records.codes
    records.assign_code = real  # type: ignore[method-assign]
    assert await review.workflow.reconcile() == 0  # not yet: a live approval may still be finishing
    review.age(t)
    assert await review.workflow.reconcile() == 1
    assert review.store.docs[t].followups == "DONE" and t in records.codes
    assert len(review.movement_store.flows) == 1  # 新增 counted once, though written twice


async def test_a_look_alike_in_the_province_stops_the_personal_code(review: Review) -> None:
    review.records.duplicate_codes.add("1")
    t = await review.approved("1")
    state = review.store.docs[t]
    assert (state.status, state.followups, state.identity_check) == ("APPROVED", "DUPLICATE", "省内查重发现疑似同一人")


async def test_a_change_of_an_approved_record(review: Review) -> None:
    t = await review.approved("1")
    with pytest.raises(DomainError) as no_reason:
        await review.workflow.start_change(review.teacher(t), t, " ")
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as reviewer:
        await review.workflow.start_change(review.reviewer["SCHOOL"], t, "调整职称")
    assert reviewer.value.code == "FORBIDDEN"
    with pytest.raises(DomainError) as stranger:
        await review.workflow.start_change(review.clerk[B], t, "调整职称")
    assert stranger.value.code == "NOT_FOUND"
    changing = await review.workflow.start_change(review.teacher(t), t, "调整职称")  # the teacher's own
    assert (changing.status, changing.kind, review.records.mirror[t][0]) == ("CHANGING", "CHANGE", "CHANGING")
    with pytest.raises(DomainError) as twice:
        await review.workflow.start_change(review.clerk[A], t, "again")
    assert twice.value.code == "WRONG_STATE"
    assert codes(await review.workflow.submit(review.clerk[A], [t])) == ["WRONG_STATE"]  # nothing changed yet
    review.change(t, "entry.TITLE")
    await review.workflow.submit(review.clerk[A], [t])
    assert review.store.docs[t].chain == (("SCHOOL", A),)  # an ordinary change ends at the school
    await review.workflow.approve(review.reviewer["SCHOOL"], [t], "")
    assert review.store.docs[t].status == "APPROVED" and review.records.pushes[-1][3].snapshot


async def test_a_key_change_goes_up_the_whole_chain_and_renews_the_code(review: Review) -> None:
    t = await review.approved("1")
    code = review.records.codes[t]
    await review.workflow.start_change(review.clerk[A], t, "更正姓名")
    review.change(t, "basic.name")
    await review.workflow.submit(review.clerk[A], [t])
    state = review.store.docs[t]
    assert state.kind == "KEY_CHANGE" and len(state.chain) == 4
    assert review.records.pushes[-1][3].check_duplicates  # 查重 as it is submitted
    for level in ("SCHOOL", "DISTRICT", "CITY", "PROVINCE"):
        await review.workflow.approve(review.reviewer[level], [t], "")
    assert review.records.codes[t] != code


class Grade:
    __name__ = "grade_is_key"

    @hookimpl
    def tmis_key_fields(self):  # noqa: ANN201
        return ["grade"]


async def test_a_plugin_adds_a_key_field() -> None:
    review = review_with(Grade())
    t = await review.approved("1")
    await review.workflow.start_change(review.clerk[A], t, "年级")
    review.change(t, "basic.grade")
    await review.workflow.submit(review.clerk[A], [t])
    assert review.store.docs[t].kind == "KEY_CHANGE"


async def test_withdrawing_a_change_restores_the_approved_version(review: Review) -> None:
    t = await review.approved("1")
    with pytest.raises(DomainError) as nothing_open:
        await review.workflow.withdraw_change(review.clerk[A], t)
    assert nothing_open.value.code == "WRONG_STATE"
    await review.workflow.start_change(review.clerk[A], t, "调整")
    review.change(t, "entry.TITLE")
    await review.workflow.submit(review.clerk[A], [t])
    with pytest.raises(DomainError) as under_review:
        await review.workflow.withdraw_change(review.clerk[A], t)
    assert under_review.value.code == "WRONG_STATE"
    await review.workflow.reject(review.reviewer["SCHOOL"], [t], "不对")
    withdrawn = await review.workflow.withdraw_change(review.clerk[A], t)
    assert withdrawn.status == "APPROVED" and withdrawn.events[-1].action == "WITHDRAW"
    assert review.records.pushes[-1][1:3] == ("APPROVED", withdrawn.seq) and review.records.pushes[-1][3].restore


async def test_a_record_held_by_a_movement_cannot_start_a_change(review: Review) -> None:
    t = await review.approved("1")
    await review.states.claim(await review.states.one(t), "m1")
    with pytest.raises(DomainError) as held:
        await review.workflow.start_change(review.clerk[A], t, "调整")
    assert held.value.code == "WRONG_STATE" and "调动或减员" in held.value.message


async def test_who_sees_which_states(review: Review) -> None:
    t, other = await review.approved("1"), review.add("2", B)
    await review.workflow.submit(review.clerk[B], [other])
    seen = await review.workflow.visible_states(review.clerk[A], [t, other, "never-submitted"])
    assert [(s.teacher_id, s.status) for s in seen] == [(t, "APPROVED"), ("never-submitted", "DRAFT")]
    assert [s.teacher_id for s in await review.workflow.visible_states(review.teacher(t), [t, other])] == [t]
    assert [s.teacher_id for s in await review.workflow.visible_states(review.teacher("9"), [t])] == []


async def test_the_queue_pages_oldest_first(review: Review) -> None:
    ids = [review.add(str(i)) for i in range(5)]
    for t in ids:
        await review.workflow.submit(review.clerk[A], [t])
    first = await review.workflow.queue(review.reviewer["SCHOOL"], 2, "")
    assert first[:3] == (ids[:2], True, 5)
    rest = await review.workflow.queue(review.reviewer["SCHOOL"], 10, first[3])
    assert rest[:3] == (ids[2:], False, 5)
    assert await review.workflow.pending_ids(review.reviewer["SCHOOL"]) == ids
    assert (await review.workflow.submit_matching(review.clerk[A], "", "", "")) == ([], [])  # all submitted


async def test_submitting_every_complete_record_of_a_filter(review: Review) -> None:
    ok, missing = review.add("1"), review.add("2", missing=("education",))
    review.add("3", B)
    assert await review.workflow.submit_matching(review.clerk[A], A, "", "") == ([ok], [])
    assert missing not in review.store.docs
    with pytest.raises(DomainError) as status:
        await review.workflow.submit_matching(review.clerk[A], A, "APPROVED", "")
    assert status.value.field == "status"

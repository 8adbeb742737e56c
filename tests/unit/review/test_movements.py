"""Movements (`services/review/movements.py`) over fakes: 调动, 减员, 重新入职, who acts when, their
effects on the record, its state, the account and the flows, and the reconciler."""

from __future__ import annotations

import dataclasses

import pytest

from tests.unit.review.conftest import PATH_A, PATH_B, A, B, Review, caller, review_with
from tmis.errors import DomainError
from tmis.hookspecs import Finding, hookimpl

DAY = "2026-09-01"


def codes(result: tuple[list[str], list[DomainError]]) -> list[str]:
    return [str(f.code) for f in result[1]]


async def refused(call: object) -> DomainError:
    with pytest.raises(DomainError) as err:
        await call  # type: ignore[misc]
    return err.value


async def test_a_transfer_between_districts(review: Review) -> None:
    t = await review.approved("1")
    review.accounts.accounts[t] = (A, True)
    mv = review.movements
    m = await mv.start_transfer(review.clerk[A], t, B, DAY, "工作需要")
    assert (m.status, m.pending, m.chain, m.from_name, m.to_name) == (
        "AWAITING_RECEIVER",
        ("SCHOOL", B),
        (("DISTRICT", "620102"), ("DISTRICT", "620103")),
        "示范小学",
        "实验中学",
    )
    assert review.store.docs[t].movement == m.id  # the record is held
    assert (await refused(mv.start_leave(review.clerk[A], t, "01", DAY, ""))).code == "WRONG_STATE"
    assert [x.id for x in (await mv.queue(review.clerk[B], 50, ""))[0]] == [m.id]
    # no reviewer acts before the receiving school accepts, not even the receiving school's
    assert codes(await mv.approve(review.reviewer["DISTRICT"], [m.id], "")) == ["WRONG_STATE"]
    assert codes(await mv.approve(caller("REVIEWER", PATH_B), [m.id], "")) == ["WRONG_STATE"]
    assert (await refused(mv.accept(review.clerk[A], m.id))).code == "FORBIDDEN"  # only the receiving school
    assert (await mv.accept(review.clerk[B], m.id)).pending == ("DISTRICT", "620102")
    assert codes(await mv.approve(review.district_b, [m.id], "")) == ["FORBIDDEN"]  # the sending district first
    assert (await mv.approve(review.reviewer["DISTRICT"], [m.id], ""))[0] == [m.id]
    assert (await refused(mv.withdraw(review.clerk[A], m.id))).code == "WRONG_STATE"  # approved once: too late
    assert (await mv.approve(review.district_b, [m.id], ""))[0] == [m.id]

    done = review.movement_store.docs[m.id]
    assert (done.status, done.applied) == ("APPROVED", True)
    record, state = review.records.records[t], review.store.docs[t]
    assert (record.school_code, record.org_path, state.org_path, state.movement) == (B, PATH_B, PATH_B, "")
    assert state.status == "APPROVED" and review.accounts.accounts[t] == (B, True)
    # flows: out of the sending district, into the receiving one, nothing inside the city
    assert await mv.flows(caller("QUERY", PATH_A[:4]), "620102", DAY, DAY) == [("TRANSFER_OUT", "", 1)]
    assert await mv.flows(caller("QUERY", PATH_B[:4]), "620103", DAY, DAY) == [("TRANSFER_IN", "", 1)]
    assert await mv.flows(caller("QUERY", PATH_A[:3]), "620100", DAY, DAY) == []


async def test_transfer_refusals(review: Review) -> None:
    t, draft = await review.approved("1"), review.add("2")
    mv, clerk = review.movements, review.clerk[A]
    assert (await refused(mv.start_transfer(clerk, t, A, DAY, ""))).field == "toSchoolCode"  # its own school
    assert (await refused(mv.start_transfer(clerk, t, "620103", DAY, ""))).code == "NOT_FOUND"  # not a school
    assert (await refused(mv.start_transfer(clerk, draft, B, DAY, ""))).code == "WRONG_STATE"
    assert (await refused(mv.start_transfer(clerk, t, B, "明天", ""))).field == "effectiveDate"
    assert (await refused(mv.start_transfer(review.clerk[B], t, B, DAY, ""))).code == "NOT_FOUND"  # out of reach
    assert (await refused(mv.start_transfer(review.reviewer["SCHOOL"], t, B, DAY, ""))).code == "FORBIDDEN"
    assert (await refused(mv.start_transfer(review.teacher(t), t, B, DAY, ""))).code == "FORBIDDEN"


async def test_declined_and_withdrawn_movements_free_the_record(review: Review) -> None:
    t = await review.approved("1")
    mv = review.movements
    m = await mv.start_transfer(review.clerk[A], t, B, DAY, "")
    assert (await refused(mv.decline(review.clerk[B], m.id, " "))).field == "reason"
    assert (await refused(mv.withdraw(review.clerk[B], m.id))).code == "FORBIDDEN"  # not the starting school
    declined = await mv.decline(review.clerk[B], m.id, "编制已满")
    assert (declined.status, declined.events[-1].comment) == ("DECLINED", "编制已满")
    assert review.store.docs[t].movement == "" and review.store.docs[t].status == "APPROVED"
    assert (await refused(mv.accept(review.clerk[B], m.id))).code == "WRONG_STATE"
    leave = await mv.start_leave(review.clerk[A], t, "02", DAY, "")
    assert (await mv.withdraw(review.clerk[A], leave.id)).status == "WITHDRAWN"
    assert review.store.docs[t].movement == ""
    rejected = await mv.start_leave(review.clerk[A], t, "02", DAY, "")
    assert (await mv.reject(review.reviewer["DISTRICT"], [rejected.id], "材料不全"))[0] == [rejected.id]
    assert review.store.docs[t].movement == "" and review.store.docs[t].status == "APPROVED"
    career = await mv.of_teachers(review.clerk[A], [t])
    assert [x.status for x in career[t]] == ["REJECTED", "WITHDRAWN", "DECLINED"]


async def test_leave_then_return_at_another_school(review: Review) -> None:
    t = await review.approved("1")
    review.accounts.accounts[t] = (A, True)
    mv = review.movements
    assert (await refused(mv.start_leave(review.clerk[A], t, "99", DAY, ""))).field == "reasonCode"
    leave = await mv.start_leave(review.clerk[A], t, "01", DAY, "")
    assert leave.pending == ("DISTRICT", "620102")
    await mv.approve(review.reviewer["DISTRICT"], [leave.id], "")
    left = review.store.docs[t]
    assert (left.status, left.movement, review.records.mirror[t][0]) == ("LEFT", "", "LEFT")
    assert review.accounts.accounts[t] == (A, False)
    assert await mv.flows(caller("QUERY", PATH_A[:3]), "620100", DAY, DAY) == [("LEFT", "01", 1)]

    number = str(review.records.records[t].basic["idNumber"])
    assert (await refused(mv.start_return(review.clerk[A], B, "1", number, DAY))).code == "FORBIDDEN"  # not its school
    back = await mv.start_return(review.clerk[B], B, "1", number.lower(), DAY)
    assert (back.kind, back.teacher_name, back.from_school, back.pending) == (
        "RETURN",
        "教师1",
        "",
        ("DISTRICT", "620103"),
    )
    again = await refused(mv.start_return(review.clerk[B], B, "1", number, DAY))
    assert (again.code, again.message) == ("WRONG_STATE", "该人员已有进行中的重新入职申请")
    await mv.approve(review.district_b, [back.id], "")
    returned = review.store.docs[t]
    assert (returned.status, returned.org_path, review.records.records[t].school_code) == ("APPROVED", PATH_B, B)
    assert review.records.mirror[t] == ("APPROVED", returned.seq) and review.accounts.accounts[t] == (B, True)
    assert await mv.flows(caller("QUERY", PATH_B[:4]), "620103", DAY, DAY) == [("RETURNED", "", 1)]


async def test_start_return_tells_an_active_teacher_elsewhere_as_it_tells_an_unknown_one(review: Review) -> None:
    active = await review.approved("1")
    number = str(review.records.records[active].basic["idNumber"])
    mv = review.movements
    elsewhere = await refused(mv.start_return(review.clerk[B], B, "1", number, DAY))
    unknown = await refused(mv.start_return(review.clerk[B], B, "1", "620102198001019999", DAY))
    never_submitted = review.add("2")
    draft = await refused(
        mv.start_return(review.clerk[B], B, "1", str(review.records.records[never_submitted].basic["idNumber"]), DAY)
    )
    answers = {(e.code, e.message, e.field) for e in (elsewhere, unknown, draft)}
    assert len(answers) == 1 and elsewhere.code == "WRONG_STATE"
    here = await refused(mv.start_return(review.clerk[A], A, "1", number, DAY))  # a record the clerk may read
    assert here.code == "WRONG_STATE" and here.message != elsewhere.message
    assert (await refused(mv.start_return(review.clerk[B], B, " ", number, DAY))).code == "INVALID_INPUT"


async def test_the_reconciler_applies_a_movement_records_did_not_hear_of(review: Review) -> None:
    t = await review.approved("1")
    review.accounts.accounts[t] = (A, True)
    mv = review.movements
    m = await mv.start_transfer(review.clerk[A], t, B, DAY, "")
    await mv.accept(review.clerk[B], m.id)
    await mv.approve(review.reviewer["DISTRICT"], [m.id], "")
    review.records.down = True
    assert (await mv.approve(review.district_b, [m.id], ""))[0] == [m.id]  # approved, its effects to follow
    assert review.movement_store.docs[m.id].applied is False and review.store.docs[t].movement == m.id
    review.records.down = False
    assert await mv.reconcile() == 0  # too recent
    review.age(t)
    assert await mv.reconcile() == 1
    assert review.movement_store.docs[m.id].applied and review.store.docs[t].movement == ""
    assert review.records.records[t].school_code == B and review.accounts.accounts[t] == (B, True)
    review.age(t)
    flows = dict(review.movement_store.flows)
    assert await mv.reconcile() == 0 and review.movement_store.flows == flows  # done once


async def test_an_identity_failure_after_the_release_is_finished_later(review: Review) -> None:
    t = await review.approved("1")
    review.accounts.accounts[t] = (A, True)
    leave = await review.movements.start_leave(review.clerk[A], t, "02", DAY, "")
    review.accounts.down = True
    await review.movements.approve(review.reviewer["DISTRICT"], [leave.id], "")
    assert review.store.docs[t].status == "LEFT" and review.accounts.accounts[t] == (A, True)
    review.accounts.down = False
    review.age(t)
    await review.movements.reconcile()
    assert review.accounts.accounts[t] == (A, False) and review.movement_store.docs[leave.id].applied
    assert review.store.docs[t].status == "LEFT"


async def test_a_movement_that_never_claimed_its_record_cannot_be_approved(review: Review) -> None:
    t = await review.approved("1")
    leave = await review.movements.start_leave(review.clerk[A], t, "01", DAY, "")
    review.store.docs[t] = dataclasses.replace(review.store.docs[t], movement="")  # the claim lost in a crash
    assert codes(await review.movements.approve(review.reviewer["DISTRICT"], [leave.id], "")) == ["WRONG_STATE"]
    assert review.store.docs[t].status == "APPROVED"
    assert (await review.movements.withdraw(review.clerk[A], leave.id)).status == "WITHDRAWN"


async def test_a_claim_lost_to_another_writer_takes_the_movement_back(review: Review) -> None:
    t = await review.approved("1")
    state = review.store.docs[t]
    real_get = review.store.get

    async def stale_then_changed(ids: list[str]) -> dict:  # another writer moves the state after this read
        found = await real_get(ids)
        review.store.docs[t] = dataclasses.replace(state, seq=state.seq + 1)
        return found

    review.store.get = stale_then_changed  # type: ignore[method-assign]
    lost = await refused(review.movements.start_leave(review.clerk[A], t, "01", DAY, ""))
    review.store.get = real_get  # type: ignore[method-assign]
    assert lost.code == "VERSION_CONFLICT" and review.movement_store.docs == {}


class NoEarlyRetirement:
    __name__ = "no_early_retirement"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, bool]] = []

    @hookimpl
    def tmis_review_movement(self, movement, reviewer):  # noqa: ANN001, ANN201
        self.seen.append((movement.kind, reviewer.org_code, movement.final))
        if movement.reason_code == "01":
            return [Finding("EARLY", "本省退休须附退休审批表", "reasonCode", blocking=True)]
        return []


async def test_the_movement_hook_sees_each_approval_and_may_block() -> None:
    plugin = NoEarlyRetirement()
    review = review_with(plugin)
    t = await review.approved("1")
    leave = await review.movements.start_leave(review.clerk[A], t, "01", DAY, "")
    blocked = await review.movements.approve(review.reviewer["DISTRICT"], [leave.id], "")
    assert codes(blocked) == ["REVIEW_BLOCKED"] and review.store.docs[t].status == "APPROVED"
    await review.movements.withdraw(review.clerk[A], leave.id)
    m = await review.movements.start_transfer(review.clerk[A], t, B, DAY, "")
    await review.movements.accept(review.clerk[B], m.id)
    await review.movements.approve(review.reviewer["DISTRICT"], [m.id], "")
    await review.movements.approve(review.district_b, [m.id], "")
    assert plugin.seen == [("LEAVE", "620102", True), ("TRANSFER", "620102", False), ("TRANSFER", "620103", True)]


async def test_listings_queues_and_careers(review: Review) -> None:
    t = await review.approved("1")
    mv = review.movements
    m = await mv.start_transfer(review.clerk[A], t, B, DAY, "")
    for who, org in ((review.clerk[A], A), (review.clerk[B], B), (caller("QUERY", PATH_A[:3]), "620100")):
        assert [x.id for x in (await mv.listed(who, org, "", "", 50, ""))[0]] == [m.id]
    assert (await mv.listed(review.clerk[A], A, "LEAVE", "", 50, ""))[0] == []
    assert (await refused(mv.listed(review.clerk[A], B, "", "", 50, ""))).code == "FORBIDDEN"
    assert (await refused(mv.listed(review.clerk[A], A, "MOVE", "", 50, ""))).field == "kind"
    assert (await refused(mv.listed(review.clerk[A], A, "", "DONE", 50, ""))).field == "status"
    assert (await refused(mv.listed(review.teacher(t), A, "", "", 50, ""))).code == "FORBIDDEN"
    assert (await mv.queue(review.reviewer["DISTRICT"], 50, ""))[0] == []  # not before the receiving school
    await mv.accept(review.clerk[B], m.id)
    assert [x.id for x in (await mv.queue(review.reviewer["DISTRICT"], 50, ""))[0]] == [m.id]
    assert (await mv.queue(review.clerk[B], 50, ""))[0] == []
    # the receiving school sees the movement, not the record's career before it arrives
    assert [x.id for x in (await mv.of_teachers(review.clerk[B], [t]))[t]] == [m.id]
    assert [x.id for x in (await mv.get(review.clerk[B], [m.id]))] == [m.id]
    assert await mv.get(caller("DATA_ENTRY", ("100000", "110000", "1101010001")), [m.id]) == []
    assert (await refused(mv.flows(review.clerk[A], "620102", DAY, DAY))).code == "FORBIDDEN"  # QUERY only
    assert (await refused(mv.flows(caller("QUERY", PATH_A[:4]), "620102", "2026-09-02", DAY))).field == "from"

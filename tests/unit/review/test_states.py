"""The review state's one owner (`services/review/states.py`): the compare-and-set, the push to
records and what records refuses, a movement's claim and release, and the reconciler."""

from __future__ import annotations

import dataclasses

import pytest

from services.review._common import now
from services.review.model import Event, ReviewState
from services.review.ports import Push
from services.review.states import push_of
from tests.unit.review.conftest import PATH_A, A, Review
from tmis.errors import DomainError

SCHOOL_CHAIN = (("SCHOOL", A), ("DISTRICT", "620102"))


def submitted(state: ReviewState, kind: str = "FIRST_ENTRY") -> ReviewState:
    return dataclasses.replace(state, status="SUBMITTED", chain=SCHOOL_CHAIN, step=0, org_path=PATH_A, kind=kind)


def event(action: str, actor: str = "clerk") -> Event:
    return Event(now(), actor, "SCHOOL", A, action)


async def test_a_transition_is_a_compare_and_set_then_a_push(review: Review) -> None:
    t = review.add("1")
    draft = await review.states.one(t)
    assert (draft.status, draft.seq) == ("DRAFT", 0)
    new, problems = await review.states.transition(draft, submitted(draft), event("SUBMIT"))
    assert problems == [] and (new.status, new.seq, [e.action for e in new.events]) == ("SUBMITTED", 1, ["SUBMIT"])
    stored = review.store.docs[t]
    assert (stored.seq, stored.synced, stored.pending) == (1, True, ("SCHOOL", A))
    assert review.records.mirror[t] == ("SUBMITTED", 1)
    # a second writer holding the same state loses, and nothing of it is stored or pushed
    with pytest.raises(DomainError) as lost:
        await review.states.transition(draft, submitted(draft), event("SUBMIT", "other"))
    assert lost.value.code == "VERSION_CONFLICT"
    with pytest.raises(DomainError):  # seq 0 again: the insert loses too
        await review.states.transition(draft, dataclasses.replace(draft, status="REJECTED"), event("REJECT"))
    assert review.store.docs[t].events == new.events and len(review.records.pushes) == 1


async def test_records_unreachable_leaves_the_state_unpushed_for_the_reconciler(review: Review) -> None:
    t = review.add("1")
    review.records.down = True
    draft = await review.states.one(t)
    new, problems = await review.states.transition(draft, submitted(draft), event("SUBMIT"))
    assert problems == [] and new.status == "SUBMITTED"  # the transition stands
    assert review.store.docs[t].synced is False and t not in review.records.mirror
    review.records.down = False
    assert await review.states.reconcile() == 0  # too recent: a live transition may still push it
    review.age(t)
    assert await review.states.reconcile() == 1
    assert review.store.docs[t].synced is True and review.records.mirror[t] == ("SUBMITTED", 1)
    assert await review.states.reconcile() == 0


@pytest.mark.parametrize(("before", "prior"), [("DRAFT", ""), ("REJECTED", "REJECT"), ("CHANGING", "CHANGE")])
async def test_a_submission_records_refuses_is_taken_back(review: Review, before: str, prior: str) -> None:
    t = review.add("1", missing=("education",))  # complete for review, incomplete for records after all
    state = ReviewState(t)
    if prior:
        state, _ = await review.states.transition(state, dataclasses.replace(state, status=before), event(prior))
    _, problems = await review.states.transition(state, submitted(state), event("SUBMIT"))
    assert [p[0] for p in problems] == ["INCOMPLETE"]
    back = review.store.docs[t]
    assert back.status == before and [e.action for e in back.events] == ([prior] if prior else [])
    assert back.synced and review.records.mirror.get(t, ("DRAFT", 0))[0] == before


async def test_a_key_change_failing_the_duplicate_check_is_rejected_by_the_system(review: Review) -> None:
    t = review.add("1")
    review.records.look_alikes.add(t)
    state, _ = await review.states.transition(
        ReviewState(t), dataclasses.replace(ReviewState(t), status="CHANGING", kind="CHANGE"), event("CHANGE")
    )
    _, problems = await review.states.transition(state, submitted(state, "KEY_CHANGE"), event("SUBMIT"))
    assert problems[0][0] == "DUPLICATE_PERSON"
    rejected = review.store.docs[t]
    assert rejected.status == "REJECTED" and rejected.synced
    assert (rejected.events[-1].actor, rejected.events[-1].action) == ("系统查重", "REJECT")
    assert review.records.mirror[t] == ("REJECTED", rejected.seq)


def test_how_records_applies_a_pushed_state() -> None:
    at = now()
    approved = ReviewState("1", "APPROVED", 5, events=(Event(at, "r", "PROVINCE", "620000", "APPROVE"),))
    withdrawn = ReviewState("1", "APPROVED", 5, events=(Event(at, "c", "SCHOOL", A, "WITHDRAW"),))
    key = ReviewState("1", "SUBMITTED", 5, kind="KEY_CHANGE", events=(Event(at, "c", "SCHOOL", A, "SUBMIT"),))
    change = dataclasses.replace(key, kind="CHANGE")
    assert push_of(approved) == Push(snapshot=True)
    assert push_of(withdrawn) == Push(restore=True)
    assert push_of(key) == Push(check_duplicates=True)
    assert push_of(change) == Push()


async def test_a_movement_claims_a_free_record_once(review: Review) -> None:
    t = await review.approved("1")
    state = await review.states.one(t)
    await review.states.claim(state, "m1")
    assert review.store.docs[t].movement == "m1" and review.store.docs[t].seq == state.seq + 1
    with pytest.raises(DomainError) as lost:  # a second movement read the same state
        await review.states.claim(state, "m2")
    assert lost.value.code == "VERSION_CONFLICT" and review.store.docs[t].movement == "m1"
    with pytest.raises(DomainError):  # and one that read it after: held
        await review.states.claim(review.store.docs[t], "m2")


async def test_release_frees_the_record_with_its_effect_once(review: Review) -> None:
    t = await review.approved("1")
    await review.states.claim(await review.states.one(t), "m1")
    pushes = len(review.records.pushes)
    await review.states.release(t, "m2", status="LEFT")  # not the movement holding it: nothing
    assert review.store.docs[t].movement == "m1" and len(review.records.pushes) == pushes
    await review.states.release(t, "m1", status="LEFT")
    left = review.store.docs[t]
    assert (left.status, left.movement, left.synced) == ("LEFT", "", True)
    assert review.records.mirror[t] == ("LEFT", left.seq) and review.records.pushes[-1][3] == Push()
    await review.states.release(t, "m1", status="LEFT")  # again (a reconciler's retry): done already
    assert review.store.docs[t] == left and len(review.records.pushes) == pushes + 1


async def test_a_release_without_a_new_status_pushes_nothing(review: Review) -> None:
    t = await review.approved("1")
    await review.states.claim(await review.states.one(t), "m1")
    pushes = len(review.records.pushes)
    await review.states.release(t, "m1", org_path=("100000", "620000", "620100", "620103", "3162010301"))
    freed = review.store.docs[t]
    assert freed.movement == "" and freed.org_path[-1] == "3162010301" and freed.status == "APPROVED"
    assert len(review.records.pushes) == pushes


async def test_a_release_records_did_not_hear_of_is_pushed_by_the_reconciler(review: Review) -> None:
    t = await review.approved("1")
    await review.states.claim(await review.states.one(t), "m1")
    review.records.down = True
    with pytest.raises(DomainError):  # the movement's effects stop here; its reconciler runs them again
        await review.states.release(t, "m1", status="LEFT")
    assert review.store.docs[t].status == "LEFT" and not review.store.docs[t].synced
    review.records.down = False
    review.age(t)
    await review.states.reconcile()
    assert review.records.mirror[t] == ("LEFT", review.store.docs[t].seq) and review.store.docs[t].synced

"""Review's access policy (`services/review/access.py`), table-driven: each row a caller, a target
and the decision."""

from __future__ import annotations

import datetime as dt

import pytest

from services.review import access
from services.review.model import Movement, Person, ReviewState, School
from tests.unit.review.conftest import PATH_A, PATH_B, caller
from tmis.auth import SYSTEM, Caller

CLERK_A = caller("DATA_ENTRY", PATH_A)
CLERK_B = caller("DATA_ENTRY", PATH_B)
REVIEWER_A = caller("REVIEWER", PATH_A)
DISTRICT_A = caller("REVIEWER", PATH_A[:4])
DISTRICT_B = caller("REVIEWER", PATH_B[:4])
CITY = caller("QUERY", PATH_A[:3])
ELSEWHERE = caller("DATA_ENTRY", ("100000", "110000", "110100", "110101", "1101010001"))
TEACHER = caller("TEACHER", PATH_A, "t1", teacher_id="t1")
OTHER_TEACHER = caller("TEACHER", PATH_A, "t2", teacher_id="t2")
BOTH = Caller("both", "clerk_and_reviewer", PATH_A[-1], PATH_A, ("DATA_ENTRY", "REVIEWER"))
AT = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def movement(kind: str, from_path: tuple[str, ...], to_path: tuple[str, ...]) -> Movement:
    return Movement(
        id="m1",
        kind=kind,
        status="SUBMITTED",
        teacher_id="t1",
        teacher_name="教师1",
        from_school=from_path[-1] if from_path else "",
        from_path=from_path,
        to_school=to_path[-1] if to_path else "",
        to_path=to_path,
        to_type="PRIMARY_SECONDARY",
        reason_code="",
        effective_date="2026-09-01",
        comment="",
        chain=(),
        step=0,
        seq=1,
        events=(),
        applied=True,
        created_at=AT,
        updated_at=AT,
    )


TRANSFER = movement("TRANSFER", PATH_A, PATH_B)
LEAVE = movement("LEAVE", PATH_A, ())
RETURN = movement("RETURN", (), PATH_B)


@pytest.mark.parametrize(
    ("who", "teacher_id", "path", "sees"),
    [
        (SYSTEM, "t1", PATH_A, True),
        (CLERK_A, "t1", PATH_A, True),
        (DISTRICT_A, "t1", PATH_A, True),
        (CITY, "t1", PATH_A, True),
        (CLERK_B, "t1", PATH_A, False),
        (DISTRICT_B, "t1", PATH_A, False),
        (ELSEWHERE, "t1", PATH_A, False),
        (TEACHER, "t1", PATH_A, True),
        (OTHER_TEACHER, "t1", PATH_A, False),
        (TEACHER, "t1", (), True),  # their own, wherever it is
        (CLERK_A, "t1", (), False),  # a state with no path is no one's subtree
    ],
)
def test_who_sees_a_review_state(who: Caller, teacher_id: str, path: tuple[str, ...], sees: bool) -> None:
    assert access.may_see_state(who, teacher_id, ReviewState(teacher_id, "SUBMITTED", 1, org_path=path)) is sees


@pytest.mark.parametrize(
    ("who", "m", "sees"),
    [
        (SYSTEM, TRANSFER, True),
        (CLERK_A, TRANSFER, True),  # the sending side
        (CLERK_B, TRANSFER, True),  # the receiving side
        (DISTRICT_A, TRANSFER, True),
        (DISTRICT_B, TRANSFER, True),
        (CITY, TRANSFER, True),
        (ELSEWHERE, TRANSFER, False),
        (TEACHER, TRANSFER, True),
        (OTHER_TEACHER, TRANSFER, False),
        (CLERK_B, LEAVE, False),
        (CLERK_A, RETURN, False),  # a RETURN has no sending side
        (DISTRICT_B, RETURN, True),
    ],
)
def test_who_sees_a_movement(who: Caller, m: Movement, sees: bool) -> None:
    assert access.may_see_movement(who, m) is sees


@pytest.mark.parametrize(
    ("who", "org_path", "acts"),
    [
        (SYSTEM, PATH_B, True),
        (CLERK_A, PATH_A, True),
        (CLERK_A, PATH_A[:4], False),  # its district is above it
        (DISTRICT_A, PATH_A, True),
        (DISTRICT_A, PATH_B, False),
        (CITY, PATH_B, True),
        (CLERK_A, (), False),
    ],
)
def test_who_acts_at_an_org(who: Caller, org_path: tuple[str, ...], acts: bool) -> None:
    assert access.may_act_at(who, org_path) is acts


@pytest.mark.parametrize(
    ("who", "school", "reached"),
    [
        (CLERK_A, School(PATH_A[-1], "PRIMARY_SECONDARY", PATH_A), True),
        (CLERK_A, School(PATH_B[-1], "PRIMARY_SECONDARY", PATH_B), False),
        (DISTRICT_A, School("620102", "", PATH_A[:4], "DISTRICT"), False),  # an org, not a school
        (CITY, School(PATH_B[-1], "PRIMARY_SECONDARY", PATH_B), True),
        (CLERK_A, None, False),
    ],
)
def test_which_school_is_in_reach(who: Caller, school: School | None, reached: bool) -> None:
    assert access.school_in_reach(who, school) is reached


@pytest.mark.parametrize(
    ("who", "m", "receives", "withdraws"),
    [
        (CLERK_B, TRANSFER, True, False),
        (CLERK_A, TRANSFER, False, True),
        (DISTRICT_B, TRANSFER, True, False),
        (CLERK_A, LEAVE, False, True),
        (CLERK_B, RETURN, False, True),  # the receiving school started it
        (CLERK_A, RETURN, False, False),
    ],
)
def test_who_receives_and_who_withdraws(who: Caller, m: Movement, receives: bool, withdraws: bool) -> None:
    assert (access.may_receive(who, m), access.may_withdraw(who, m)) == (receives, withdraws)


@pytest.mark.parametrize(
    ("who", "org", "reviews"),
    [
        (DISTRICT_A, "620102", True),
        (DISTRICT_A, "620100", False),  # above it
        (DISTRICT_A, PATH_A[-1], False),  # below it
        (REVIEWER_A, PATH_A[-1], True),
        (REVIEWER_A, "", False),
        (SYSTEM, "620102", False),  # the service reviews nothing
    ],
)
def test_a_reviewer_acts_at_its_own_org_only(who: Caller, org: str, reviews: bool) -> None:
    assert access.reviews_at(who, org) is reviews


@pytest.mark.parametrize(
    ("who", "submits", "changes_t1", "queue"),
    [
        (CLERK_A, True, True, ["AWAITING_RECEIVER"]),
        (REVIEWER_A, False, False, ["SUBMITTED"]),
        (CITY, False, False, []),
        (TEACHER, False, True, []),
        (OTHER_TEACHER, False, False, []),
        (BOTH, True, True, ["AWAITING_RECEIVER", "SUBMITTED"]),
    ],
)
def test_roles(who: Caller, submits: bool, changes_t1: bool, queue: list[str]) -> None:
    assert access.may_submit(who) is submits
    assert access.may_start_change(who, "t1") is changes_t1
    assert access.movement_queue(who) == queue


LEFT = ReviewState("t1", "LEFT", 9, org_path=PATH_A)
ACTIVE = ReviewState("t1", "APPROVED", 5, org_path=PATH_A)
NOT_RETURNABLE = ("WRONG_STATE", access.NOT_RETURNABLE, "idNumber")


@pytest.mark.parametrize(
    ("who", "person", "state", "answer"),
    [
        (CLERK_B, Person("t1", "教师1", PATH_A), LEFT, None),  # LEFT anywhere: may return here
        (CLERK_B, Person("t1", "教师1", PATH_A), ACTIVE, NOT_RETURNABLE),  # active elsewhere: as unknown
        (CLERK_B, None, None, NOT_RETURNABLE),  # unknown
        (CLERK_B, Person("t1", "教师1", PATH_A), None, NOT_RETURNABLE),  # never submitted, elsewhere
        (
            CLERK_B,
            Person("t1", "教师1", PATH_A),
            ReviewState("t1", "LEFT", 10, org_path=PATH_A, movement="m9"),
            ("WRONG_STATE", "该人员已有进行中的重新入职申请", "idNumber"),
        ),
        (CLERK_A, Person("t1", "教师1", PATH_A), ACTIVE, ("WRONG_STATE", access.ACTIVE_HERE, "idNumber")),
        (CLERK_A, Person("t1", "教师1", PATH_A), None, ("WRONG_STATE", access.ACTIVE_HERE, "idNumber")),
    ],
)
def test_what_start_return_reveals(
    who: Caller, person: Person | None, state: ReviewState | None, answer: tuple[str, str, str] | None
) -> None:
    refusal = access.return_refusal(who, person, state)
    assert (None if refusal is None else (str(refusal.code), refusal.message, refusal.field)) == answer

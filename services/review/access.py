"""Who may see and do what in the review service: every reach decision of review is made here,
one function per kind of decision, so the handlers ask and never check inline.

The rules (SPEC §4, §5; the README's "Access in review"):
- A record's review state: the service, anyone whose subtree holds the record, the teacher
  (their own only: a teacher's account is held at its school but reaches no one else's record,
  as in records and identity). A record never submitted has no state to hide: it is DRAFT.
- A movement: each side sees it (the sending school and those above it, the receiving school
  and those above it) and the teacher.
- An org's listing and flows, a school to act at, a record to move: its subtree.
- A reviewer acts only on what waits at its own org (not above it, not below it).
- 重新入职 (`return_refusal`): a clerk learns that a document belongs to a LEFT person, never
  whether or where anyone else is registered.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.review.model import Movement, Person, ReviewState, School
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

__all__ = [
    "may_see_state",
    "may_see_movement",
    "may_act_at",
    "school_in_reach",
    "may_receive",
    "may_withdraw",
    "reviews_at",
    "may_submit",
    "may_start_change",
    "movement_queue",
    "return_refusal",
    "no_record",
    "no_movement",
    "no_org",
]

RECORD_NOT_FOUND = "教师信息不存在，或不在您的管理范围内"
NOT_RETURNABLE = "未找到该身份证件号的已减员人员，不能办理重新入职；请核对证件类型和号码，新教师请新建记录"
ACTIVE_HERE = "该人员在本单位管辖范围内在职，不是已减员人员，不能办理重新入职"


def _own(caller: Caller, teacher_id: str) -> bool:
    return caller.teacher_only and caller.teacher_id == teacher_id


def may_act_at(caller: Caller, org_path: Sequence[str]) -> bool:
    """The org (given by its path from the nation) lies in the caller's subtree. A teacher's
    account is held at its school but reaches only its own record, never the school's."""
    return caller.service or (not caller.teacher_only and bool(org_path) and caller.reaches(org_path))


def may_see_state(caller: Caller, teacher_id: str, state: ReviewState) -> bool:
    """A stored review state, and with it the record's whole career of movements."""
    return may_act_at(caller, state.org_path) or _own(caller, teacher_id)


def may_see_movement(caller: Caller, m: Movement) -> bool:
    return may_act_at(caller, m.from_path) or may_act_at(caller, m.to_path) or _own(caller, m.teacher_id)


def school_in_reach(caller: Caller, school: School | None) -> bool:
    """A school (not any org) that exists and lies in the caller's subtree."""
    return school is not None and school.level == "SCHOOL" and may_act_at(caller, school.path)


def may_receive(caller: Caller, m: Movement) -> bool:
    """Accept or decline a transfer: the receiving side."""
    return m.kind == "TRANSFER" and may_act_at(caller, m.to_path)


def may_withdraw(caller: Caller, m: Movement) -> bool:
    """The side that started it: the sending school, or the receiving one of a RETURN."""
    return may_act_at(caller, m.path_started)


def reviews_at(caller: Caller, org_code: str) -> bool:
    """A reviewer acts on what waits at its own org only."""
    return bool(org_code) and caller.org_code == org_code


def may_submit(caller: Caller) -> bool:
    """报送 is the school's 信息录入员's (which records the clerk may read, records decides)."""
    return caller.has_role("DATA_ENTRY")


def may_start_change(caller: Caller, teacher_id: str) -> bool:
    """信息变更: the school's 信息录入员, or the teacher on their own record."""
    return _own(caller, teacher_id) or caller.has_role("DATA_ENTRY")


def movement_queue(caller: Caller) -> list[str]:
    """The movement statuses that wait for the caller at its org: a transfer to accept (a clerk),
    an approval (a reviewer)."""
    return [s for s, role in (("AWAITING_RECEIVER", "DATA_ENTRY"), ("SUBMITTED", "REVIEWER")) if role in caller.roles]


def return_refusal(caller: Caller, person: Person | None, state: ReviewState | None) -> DomainError | None:
    """What `startReturn` may tell a clerk about the person a document names; None: they may return.

    A school adding a returning teacher must learn that the person is LEFT (减员) somewhere, and
    nothing else: not whether the document is registered, not where an active teacher works.
    So an unknown document and a person active outside the clerk's reach get one answer (the
    same code and message), and a document cannot be used to find out who exists. A person in
    the clerk's own reach is one the clerk may read anyway, and is named as active. A LEFT
    person's open 重新入职 is told: it says no more than LEFT. A probe that succeeds starts a real
    movement, which the school's district sees and decides.
    """
    if person is not None and state is not None and state.status == "LEFT":
        if state.movement:
            return DomainError(ErrorCode.WRONG_STATE, "该人员已有进行中的重新入职申请", "idNumber")
        return None
    if person is not None and may_act_at(caller, person.org_path):
        return DomainError(
            ErrorCode.WRONG_STATE, "该人员在本单位管辖范围内在职，不是已减员人员，不能办理重新入职", "idNumber"
        )
    return DomainError(ErrorCode.WRONG_STATE, NOT_RETURNABLE, "idNumber")


def no_record(field: str = "") -> DomainError:
    """The one answer for a record that does not exist or lies outside the caller's reach."""
    return DomainError(ErrorCode.NOT_FOUND, RECORD_NOT_FOUND, field)


def no_movement() -> DomainError:
    """The one answer for a movement that does not exist or that the caller may not see."""
    return DomainError(ErrorCode.NOT_FOUND, "变动申请不存在，或不在您的管理范围内", "movementId")


def no_org() -> DomainError:
    """The one answer for an org that does not exist or lies outside the caller's reach."""
    return DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")

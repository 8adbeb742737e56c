"""Review's domain types (no gRPC, no Mongo)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tmis.hookspecs import Finding
from tmis.movements import MOVEMENT_KINDS, MOVEMENT_STATUSES, OPEN_MOVEMENT

__all__ = [
    "STATUSES",
    "KINDS",
    "KEY_FIELDS",
    "LEVEL_NAMES",
    "Event",
    "ReviewState",
    "MOVEMENT_KINDS",
    "MOVEMENT_STATUSES",
    "OPEN_MOVEMENT",
    "MovementEvent",
    "Movement",
    "Flow",
    "School",
    "Person",
]

STATUSES = ("DRAFT", "SUBMITTED", "REJECTED", "APPROVED", "CHANGING", "LEFT")
KINDS = ("FIRST_ENTRY", "CHANGE", "KEY_CHANGE")
# 关键数据项 (SPEC §5.4): a change touching one of these 基本信息 fields is a KEY_CHANGE
KEY_FIELDS = ("name", "gender", "birthDate", "idType", "idNumber", "nationality")
LEVEL_NAMES = {"SCHOOL": "学校", "DISTRICT": "区县", "CITY": "地市", "PROVINCE": "省级"}


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    actor: str
    level: str
    org_code: str
    action: str  # SUBMIT, APPROVE, REJECT, CHANGE (a change started), WITHDRAW (a change given up)
    comment: str = ""


@dataclass(frozen=True)
class ReviewState:
    """One record's place in the chain. `seq` grows with every transition: it orders the
    pushes to records and makes every transition a compare-and-set."""

    teacher_id: str
    status: str = "DRAFT"
    seq: int = 0
    # the chain fixed at submission: (level, org code) from the school up; `step` indexes it
    chain: tuple[tuple[str, str], ...] = ()
    step: int = 0
    org_path: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    # findings of the last approval's checks (warnings, shown to the next level)
    findings: tuple[Finding, ...] = ()
    # False until records has applied this state
    synced: bool = True
    # after final approval: PENDING until the 个人标识码 and the final hooks ran, then DONE
    # (DUPLICATE: 省内查重 found a look-alike; `identity_check` says which, for a person to resolve)
    followups: str = ""
    identity_check: str = ""
    updated_at: dt.datetime | None = None
    # what the pending or last review concerns: FIRST_ENTRY, CHANGE or KEY_CHANGE
    kind: str = "FIRST_ENTRY"
    # the id of the record's open movement ("" when none): one open change or movement per record
    movement: str = ""

    @property
    def is_change(self) -> bool:
        """A 信息变更 is open: CHANGING, or a change submitted or rejected (the approved version stays official)."""
        return self.kind != "FIRST_ENTRY" and self.status in ("CHANGING", "SUBMITTED", "REJECTED")

    @property
    def pending(self) -> tuple[str, str]:
        """(level, org code) whose reviewers act next; empty unless SUBMITTED."""
        return self.chain[self.step] if self.status == "SUBMITTED" and self.step < len(self.chain) else ("", "")


@dataclass(frozen=True)
class MovementEvent:
    at: dt.datetime
    actor: str
    org_code: str
    action: str  # START, ACCEPT, DECLINE, APPROVE, REJECT, WITHDRAW
    comment: str = ""


@dataclass(frozen=True)
class Movement:
    """调动 (TRANSFER), 减员 (LEAVE) or 重新入职 (RETURN) of one record. `seq` grows with every
    transition (compare-and-set); `applied` is False from the final approval until its effects
    (the record's state, records, identity, the flow) are all done: the reconciler finishes it."""

    id: str
    kind: str
    status: str
    teacher_id: str
    teacher_name: str
    from_school: str
    from_path: tuple[str, ...]
    to_school: str
    to_path: tuple[str, ...]
    to_type: str  # the receiving school's type
    reason_code: str
    effective_date: str
    comment: str
    chain: tuple[tuple[str, str], ...]  # (level, org) of the approvals, in order
    step: int
    seq: int
    events: tuple[MovementEvent, ...]
    applied: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    from_name: str = ""
    to_name: str = ""

    @property
    def pending(self) -> tuple[str, str]:
        """(level, org) that acts next: the receiving school, then each approval; empty once closed."""
        if self.status == "AWAITING_RECEIVER":
            return "SCHOOL", self.to_school
        if self.status == "SUBMITTED" and self.step < len(self.chain):
            return self.chain[self.step]
        return "", ""

    @property
    def started_at(self) -> str:
        """The school that started it: the sending school, or the receiving one of a RETURN."""
        return self.to_school if self.kind == "RETURN" else self.from_school

    @property
    def path_started(self) -> tuple[str, ...]:
        return self.to_path if self.kind == "RETURN" else self.from_path


@dataclass(frozen=True)
class Flow:
    """One 人员变动 as it took effect (新增, 调动, 减员, 重新入职): the paths it left and reached."""

    kind: str  # NEW, TRANSFER, LEFT, RETURNED
    from_path: tuple[str, ...]
    to_path: tuple[str, ...]
    reason: str = ""  # LEFT: the leave_reason code


@dataclass(frozen=True)
class School:
    """An org as identity knows it (a school, or any org for a path)."""

    code: str
    school_type: str
    path: tuple[str, ...]
    level: str = "SCHOOL"
    name: str = ""


@dataclass(frozen=True)
class Person:
    """A record found by its document (重新入职), whoever holds it, and where it is."""

    teacher_id: str
    name: str
    org_path: tuple[str, ...] = ()

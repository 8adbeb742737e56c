"""What review's domain needs from outside it, declared once: the other services (records,
identity) and its own storage. `adapters.py` implements the service ports against the gRPC
clients, `storage.py` and `movement_storage.py` the storage ports against MongoDB; the unit
tests pass in-memory fakes of the same Protocols (`tests/unit/review/fakes.py`).

A port reads "as the caller" when given a `Caller`: the other service answers only within that
caller's reach (the call carries the caller's own token). `None` reads as the review service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from services.review.model import Event, Flow, Movement, MovementEvent, Person, ReviewState, School
from tmis.auth import Caller
from tmis.hookspecs import ReviewRecord

__all__ = [
    "Problem",
    "Push",
    "Records",
    "ReviewStatus",
    "Orgs",
    "Accounts",
    "StateStore",
    "MovementStore",
    "FlowStore",
]

# what records refused a pushed state with: (code, message, field)
Problem = tuple[str, str, str]


@dataclass(frozen=True)
class Push:
    """How records applies a pushed status, besides the status itself."""

    snapshot: bool = False  # keep the record as its approved version
    restore: bool = False  # go back to the approved version (a change given up)
    check_duplicates: bool = False  # 查重 first (a key change submitted)


class Records(Protocol):
    """The records service, as review's domain reads and moves records (never their status)."""

    async def read(self, teacher_ids: list[str], caller: Caller | None) -> dict[str, ReviewRecord]:
        """The records among `teacher_ids` that `caller` may read (all of them: None)."""
        ...

    async def complete_ids(self, caller: Caller, org_code: str, status: str, search: str) -> list[str]:
        """Ids of the complete records matching a filter (status "" = every editable one), as `caller`."""
        ...

    async def assign_code(self, teacher_id: str, formal: bool, letter: str, renew: bool) -> str:
        """The 个人标识码 now held: temporary, or formal with type `letter`; `renew` after a key change."""
        ...

    async def move(self, teacher_id: str, school: School, actor: str) -> None:
        """调动: the record (its history and photo) to another school; idempotent."""
        ...

    async def find_person(self, id_type: str, id_number: str) -> list[Person]:
        """The records of a person by document, anywhere in the country (as the service)."""
        ...

    def describe(self, path: str, school_type: str) -> str:
        """A completeness path in words (学习经历, 姓名), for the clerk."""
        ...


class ReviewStatus(Protocol):
    """Records' mirror of the review state. Only `states.ReviewStates` holds one."""

    async def set_status(self, teacher_id: str, status: str, seq: int, push: Push) -> list[Problem]:
        """Pushes a state; records ignores a `seq` older than the one it has (so a push may repeat)."""
        ...


class Orgs(Protocol):
    """The org tree, as identity knows it (asked as the service)."""

    async def org(self, code: str) -> School | None: ...

    async def levels(self, codes: Sequence[str]) -> dict[str, str]:
        """Org code -> level, for the codes of a path."""
        ...


class Accounts(Protocol):
    """Teacher accounts, which follow their record."""

    async def place(self, teacher_id: str, school_code: str, enabled: bool) -> None:
        """The teacher's account to `school_code` ("" = where it is), enabled or not; idempotent."""
        ...


class StateStore(Protocol):
    """Review states, one per record with its whole history. Written only by `states.ReviewStates`."""

    async def get(self, teacher_ids: list[str]) -> dict[str, ReviewState]: ...

    async def transition(self, old: ReviewState, new: ReviewState, event: Event | None) -> bool:
        """Stores `new` (with `event` appended) if the record is still at `old` (its `seq`)."""
        ...

    async def undo_submit(self, state: ReviewState, back: ReviewState) -> bool:
        """Takes back a submission records refused: `back`, without the submission's event."""
        ...

    async def mark_synced(self, state: ReviewState) -> None:
        """Records has `state` (bookkeeping on the current `seq`, no new transition)."""
        ...

    async def mark_followups(self, state: ReviewState, followups: str, identity_check: str) -> None: ...

    async def unsynced(self, before: dt.datetime, limit: int = 100) -> list[ReviewState]:
        """States not pushed to records since before `before`."""
        ...

    async def unfinished(self, before: dt.datetime, limit: int = 100) -> list[ReviewState]:
        """Final approvals whose steps after it (`followups` PENDING) did not run since before `before`."""
        ...

    async def queue(self, org_code: str, after: tuple[dt.datetime, str] | None, limit: int) -> tuple[list[str], int]:
        """Cursors (`<updated_at>|<teacher id>`) of the states pending at an org, oldest first; and their total."""
        ...


class MovementStore(Protocol):
    """Movements, one per 调动, 减员 or 重新入职 with its whole history."""

    async def insert(self, m: Movement) -> None: ...

    async def delete(self, m: Movement) -> None: ...

    async def get(self, ids: list[str]) -> dict[str, Movement]: ...

    async def transition(self, old: Movement, new: Movement, event: MovementEvent | None) -> bool:
        """Stores `new` (with `event` appended) if the movement is still at `old` (its `seq`)."""
        ...

    async def mark_applied(self, m: Movement) -> None: ...

    async def unapplied(self, before: dt.datetime, limit: int = 100) -> list[Movement]: ...

    async def of_teachers(self, teacher_ids: list[str]) -> list[Movement]:
        """Every movement of these teachers, newest first."""
        ...

    async def page(
        self, org_code: str, kind: str, status: str, after: tuple[dt.datetime, str] | None, limit: int
    ) -> tuple[list[Movement], int]:
        """Movements from or to an org's subtree ("" kind or status: any), newest first; and their total."""
        ...

    async def pending(
        self, org_code: str, statuses: Sequence[str], after: tuple[dt.datetime, str] | None, limit: int
    ) -> tuple[list[Movement], int]:
        """Movements pending at an org in one of `statuses`, oldest change first; and their total."""
        ...


class FlowStore(Protocol):
    """人员变动 as they took effect, for `flows`."""

    async def add_flow(self, flow_id: str, date: str, flow: Flow) -> None:
        """Writes a flow once: writing the same `flow_id` again changes nothing."""
        ...

    async def flows_of(self, org_code: str, start: str, end: str) -> list[Flow]:
        """The flows touching an org's subtree between two dates (YYYY-MM-DD, inclusive)."""
        ...

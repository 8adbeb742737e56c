"""The one owner of each record's review state (`ReviewState`): every write of a state, and every
push of a status to records, goes through `ReviewStates`. The review chain (`workflow.py`) and the
movements (`movements.py`) ask it; neither writes a state itself.

- `transition`: the compare-and-set. A new state is stored only if the record is still at the
  state it was read at (its `seq`), with `seq + 1` and `synced=False`; of two writers exactly one
  wins, the other gets VERSION_CONFLICT. It is then pushed to records (`sync`).
- `claim` / `release`: a movement takes the record (one open change or movement per record) and
  gives it back with its effect (LEFT, another school, APPROVED again), each one compare-and-set.
- `sync`: pushes a state with its `seq`; records ignores older pushes, so pushing again is always
  safe. A submission records refuses is taken back; a key change failing 查重 is rejected.
- `reconcile`: pushes what a crash or an unreachable records left unpushed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from services.review._common import MAX_COMMENT, now
from services.review.model import Event, ReviewState
from services.review.ports import Problem, Push, ReviewStatus, StateStore
from tmis.errors import DomainError, ErrorCode

logger = logging.getLogger("tmis.review.states")
CONFLICT = "该记录刚被他人处理，请刷新后重试"


def push_of(state: ReviewState) -> Push:
    """How records applies a state reached by a review transition (its last event says which)."""
    last = state.events[-1].action if state.events else ""
    # a key change is checked for look-alikes (查重) as it is submitted
    check = state.status == "SUBMITTED" and state.step == 0 and last == "SUBMIT" and state.kind == "KEY_CHANGE"
    return Push(snapshot=last == "APPROVE", restore=last == "WITHDRAW", check_duplicates=check)


class ReviewStates:
    def __init__(self, store: StateStore, records: ReviewStatus, retry_after: dt.timedelta) -> None:
        self.store = store
        self.records = records
        self.retry_after = retry_after

    # reads

    async def get(self, teacher_ids: list[str]) -> dict[str, ReviewState]:
        return await self.store.get(teacher_ids)

    async def one(self, teacher_id: str) -> ReviewState:
        """The record's state; a record never submitted is DRAFT (seq 0)."""
        return (await self.store.get([teacher_id])).get(teacher_id) or ReviewState(teacher_id)

    async def queue(self, org_code: str, after: tuple[dt.datetime, str] | None, limit: int) -> tuple[list[str], int]:
        return await self.store.queue(org_code, after, limit)

    # writes

    async def transition(self, old: ReviewState, new: ReviewState, event: Event) -> tuple[ReviewState, list[Problem]]:
        """`old` -> `new` with `event`, or VERSION_CONFLICT; then pushed. Returns the state stored
        (the submission taken back, or rejected by 查重, when records refused it) and what records
        refused it with."""
        stored = await self._store(
            old, dataclasses.replace(new, seq=old.seq + 1, synced=False, updated_at=now()), event
        )
        if stored is None:
            raise DomainError(ErrorCode.VERSION_CONFLICT, CONFLICT)
        return stored, await self.sync(stored)

    async def _store(self, old: ReviewState, new: ReviewState, event: Event | None) -> ReviewState | None:
        if not await self.store.transition(old, new, event):
            return None
        return dataclasses.replace(new, events=(*old.events, event) if event else old.events)

    async def claim(self, state: ReviewState, movement_id: str) -> None:
        """The record, still at `state` and free, is held by the movement; else VERSION_CONFLICT."""
        claimed = dataclasses.replace(state, movement=movement_id, seq=state.seq + 1, updated_at=now())
        if state.movement or await self._store(state, claimed, None) is None:
            raise DomainError(ErrorCode.VERSION_CONFLICT, "该记录刚有其他变更或变动开始办理，请刷新后重试", "teacherId")

    async def release(
        self, teacher_id: str, movement_id: str, status: str = "", org_path: tuple[str, ...] = ()
    ) -> None:
        """Frees the record of its movement together with the movement's effect on the state (a new
        `status`, a new `org_path`), in one compare-and-set, then pushes a new status to records.
        Done once: a state no longer naming the movement has had it."""
        for _ in range(5):
            state = (await self.store.get([teacher_id])).get(teacher_id)
            if state is None or state.movement != movement_id:
                return
            new = dataclasses.replace(
                state,
                movement="",
                seq=state.seq + 1,
                updated_at=now(),
                status=status or state.status,
                org_path=org_path or state.org_path,
                synced=state.synced and not status,
            )
            if await self._store(state, new, None) is not None:
                if not new.synced:
                    await self.records.set_status(new.teacher_id, new.status, new.seq, Push())
                    await self.store.mark_synced(new)
                return
        raise DomainError(ErrorCode.VERSION_CONFLICT, "该记录刚被他人处理，请稍后重试")

    async def finished(self, state: ReviewState, followups: str, identity_check: str) -> None:
        """The steps after final approval ran (DONE), or wait for a person (DUPLICATE)."""
        await self.store.mark_followups(state, followups, identity_check)

    async def unfinished(self) -> list[ReviewState]:
        """Final approvals whose steps after it have not run for `retry_after`."""
        return await self.store.unfinished(now() - self.retry_after)

    # records

    async def sync(self, state: ReviewState) -> list[Problem]:
        """Pushes the state to records; a submission records refuses is taken back. Records
        unreachable: the state stands, unpushed, and `reconcile` pushes it later."""
        try:
            problems = await self.records.set_status(state.teacher_id, state.status, state.seq, push_of(state))
        except DomainError as err:
            logger.warning("pushing %s to records failed (%s); will retry", state.teacher_id, err.message)
            return []
        if problems and problems[0][0] == "DUPLICATE_PERSON" and state.status == "SUBMITTED":
            await self._reject_duplicate(state, problems[0][1])
        elif problems and state.status == "SUBMITTED" and state.step == 0 and problems[0][0] != "NOT_FOUND":
            await self._take_back(state)
        else:
            await self.store.mark_synced(state)
        return problems

    async def _take_back(self, state: ReviewState) -> None:
        """A submission records refused (incomplete after all): the state before it, without its event."""
        prior = state.events[-2].action if len(state.events) > 1 else ""
        before = {"REJECT": "REJECTED", "CHANGE": "CHANGING"}.get(prior, "DRAFT")
        back = dataclasses.replace(
            state, status=before, seq=state.seq + 1, events=state.events[:-1], synced=False, updated_at=now()
        )
        if await self.store.undo_submit(state, back):
            await self.sync(back)

    async def _reject_duplicate(self, state: ReviewState, finding: str) -> None:
        """A key change that fails 查重 is rejected at once, with the finding as its reason."""
        level, org = state.chain[0] if state.chain else ("SCHOOL", "")
        new = dataclasses.replace(state, status="REJECTED", seq=state.seq + 1, step=0, synced=False, updated_at=now())
        event = Event(now(), "系统查重", level, org, "REJECT", f"查重未通过：{finding}"[:MAX_COMMENT])
        stored = await self._store(state, new, event)
        if stored is not None:
            await self.sync(stored)

    async def reconcile(self) -> int:
        """Pushes the states left unpushed for `retry_after`; returns how many it found."""
        stale = await self.store.unsynced(now() - self.retry_after)
        for state in stale:
            try:
                await self.sync(state)
            except Exception:  # noqa: BLE001 - next round
                logger.exception("reconciling %s failed", state.teacher_id)
        return len(stale)

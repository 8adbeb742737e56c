"""Movements (SPEC §5.4): 调动 (TRANSFER), 减员 (LEAVE), 重新入职 (RETURN).

A movement is its own object with its own approvals (`Movement`, stored in `movements`). The
record's `ReviewState` names its open movement (`movement`): starting one claims the record
(APPROVED & movement=="" → movement=<id>; a RETURN: LEFT & movement==""), so a record has at most
one open change or movement; closing one releases it together with its effect on the state. Both
are compare-and-sets of the state's one owner (`states.ReviewStates`). Every transition of the
movement itself is a compare-and-set on its `seq`, so of approve, reject, withdraw and decline
racing, exactly one wins.

Effects on the other services follow the review chain's discipline: the final approval is stored
with `applied=False`; then records (the record moved), the state (released, its status pushed),
identity (the account moved, disabled or enabled) and the flow are each done idempotently, and
the movement is marked applied. `reconcile` redoes what a crash or a failed call left undone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Sequence

import pluggy
from bson import ObjectId

from services.review import access
from services.review._common import MAX_BATCH, MAX_COMMENT, Failed, batch_ids, each, now, pending_at_caller
from services.review.model import (
    MOVEMENT_KINDS,
    MOVEMENT_STATUSES,
    OPEN_MOVEMENT,
    Flow,
    Movement,
    MovementEvent,
    ReviewState,
    School,
)
from services.review.ports import Accounts, FlowStore, MovementStore, Orgs, Records
from services.review.states import ReviewStates
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.hookspecs import MovementInfo, Reviewer, ReviewRecord
from tmis.paging import after_key, cursor, page_size

logger = logging.getLogger("tmis.review.movements")
FLOW_KINDS = ("NEW", "TRANSFER_IN", "TRANSFER_OUT", "LEFT", "RETURNED")
MOVEMENTS = "变动申请"


def _cursor(m: Movement, newest_first: bool) -> str:
    return cursor(m.created_at if newest_first else m.updated_at, m.id)


def _date(value: str, field: str) -> str:
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            dt.date.fromisoformat(value)
            return value
    except ValueError:
        pass
    raise DomainError(ErrorCode.INVALID_INPUT, "日期格式应为 YYYY-MM-DD（如 2026-09-01）", field)


class Movements:
    def __init__(
        self,
        states: ReviewStates,
        storage: MovementStore,
        flows: FlowStore,
        records: Records,
        orgs: Orgs,
        accounts: Accounts,
        plugins: pluggy.PluginManager,
        leave_reasons: CodeTable | None,
        retry_after: dt.timedelta = dt.timedelta(seconds=5),
    ) -> None:
        self.states = states
        self.storage = storage
        self.flow_store = flows
        self.records = records
        self.orgs = orgs
        self.accounts = accounts
        self.plugins = plugins
        self.leave_reasons = leave_reasons
        self.retry_after = retry_after

    # reads

    async def get(self, caller: Caller, ids: list[str]) -> list[Movement]:
        caller.require()
        found = await self.storage.get(list(dict.fromkeys(ids[:MAX_BATCH])))
        return [m for m in found.values() if access.may_see_movement(caller, m)]

    async def of_teachers(self, caller: Caller, teacher_ids: list[str]) -> dict[str, list[Movement]]:
        """Every movement of each teacher, newest first: the schools of a career."""
        caller.require()
        out: dict[str, list[Movement]] = {t: [] for t in teacher_ids[:MAX_BATCH]}
        states = await self.states.get(list(out))
        # who may read the record sees its whole career; the others, the movements of their side
        readers = {t for t, s in states.items() if access.may_see_state(caller, t, s)}
        for m in await self.storage.of_teachers(list(out)):
            if m.teacher_id in readers or access.may_see_movement(caller, m):
                out[m.teacher_id].append(m)
        return out

    async def listed(
        self, caller: Caller, org_code: str, kind: str, status: str, first: int, after: str
    ) -> tuple[list[Movement], bool, int, str]:
        """Movements from or to an org's subtree, newest first."""
        caller.require("DATA_ENTRY", "REVIEWER", "QUERY", "SYSTEM_ADMIN")
        await self._org_in_reach(caller, org_code)
        if kind and kind not in MOVEMENT_KINDS:
            raise DomainError(ErrorCode.INVALID_INPUT, "变动类型无效", "kind")
        if status and status not in MOVEMENT_STATUSES:
            raise DomainError(ErrorCode.INVALID_INPUT, "变动状态无效", "status")
        first = page_size(first)
        found, total = await self.storage.page(org_code, kind, status, after_key(after), first + 1)
        return self._page(found, total, first, newest_first=True)

    async def queue(self, caller: Caller, first: int, after: str) -> tuple[list[Movement], bool, int, str]:
        """What waits for the caller: transfers to accept at its school (DATA_ENTRY), approvals at
        its org (REVIEWER); oldest first."""
        caller.require()
        first = page_size(first)
        statuses = access.movement_queue(caller)
        found, total = await self.storage.pending(caller.org_code, statuses, after_key(after), first + 1)
        return self._page(found, total, first, newest_first=False)

    @staticmethod
    def _page(
        found: list[Movement], total: int, first: int, newest_first: bool
    ) -> tuple[list[Movement], bool, int, str]:
        page = found[:first]
        return page, len(found) > first, total, _cursor(page[-1], newest_first) if page else ""

    async def flows(self, caller: Caller, org_code: str, start: str, end: str) -> list[tuple[str, str, int]]:
        """(kind, reason, count) of 人员变动 in an org's subtree between two dates (inclusive):
        NEW (first approved), TRANSFER_IN / TRANSFER_OUT across the subtree's edge, LEFT per reason,
        RETURNED. Movements count on their effective date, first approvals on their day (UTC+8)."""
        caller.require("QUERY")
        start, end = _date(start, "from"), _date(end, "to")
        if start > end:
            raise DomainError(ErrorCode.INVALID_INPUT, "开始日期不能晚于结束日期", "from")
        await self._org_in_reach(caller, org_code)
        counts: dict[tuple[str, str], int] = {}
        for row in await self.flow_store.flows_of(org_code, start, end):
            inside_from, inside_to = org_code in row.from_path, org_code in row.to_path
            kind = row.kind
            if kind == "TRANSFER":
                kind = (
                    "TRANSFER_IN"
                    if inside_to and not inside_from
                    else "TRANSFER_OUT"
                    if inside_from and not inside_to
                    else ""
                )
            if kind:
                key = (kind, row.reason if kind == "LEFT" else "")
                counts[key] = counts.get(key, 0) + 1
        return [(k, r, n) for (k, r), n in sorted(counts.items(), key=lambda i: (FLOW_KINDS.index(i[0][0]), i[0][1]))]

    async def _org_in_reach(self, caller: Caller, code: str) -> None:
        org = await self.orgs.org(code)
        if org is None or not access.may_act_at(caller, org.path):
            raise access.no_org()

    async def _school(self, code: str) -> School | None:
        org = await self.orgs.org(code)
        return org if org is not None and org.level == "SCHOOL" else None

    # starting

    async def start_transfer(
        self, caller: Caller, teacher_id: str, to_code: str, effective_date: str, comment: str
    ) -> Movement:
        caller.require("DATA_ENTRY")
        effective_date = _date(effective_date, "effectiveDate")
        record, state = await self._movable(caller, teacher_id)
        to = await self._school(to_code.strip())
        if to is None:
            raise DomainError(ErrorCode.NOT_FOUND, "调入学校不存在，请核对学校代码", "toSchoolCode")
        if to.code == record.school_code:
            raise DomainError(ErrorCode.INVALID_INPUT, "不能调动到本校：调入学校与调出学校相同", "toSchoolCode")
        chain = tuple(dict.fromkeys([await self._district(record.org_path), await self._district(to.path)]))
        m = self._new(
            "TRANSFER",
            "AWAITING_RECEIVER",
            caller,
            teacher_id,
            str(record.basic.get("name") or ""),
            record.org_path,
            to,
            "",
            effective_date,
            comment,
            chain,
        )
        return await self._open(m, state)

    async def start_leave(
        self, caller: Caller, teacher_id: str, reason_code: str, effective_date: str, comment: str
    ) -> Movement:
        caller.require("DATA_ENTRY")
        effective_date = _date(effective_date, "effectiveDate")
        if self.leave_reasons is None or self.leave_reasons.get(reason_code) is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "减员原因无效，请从减员原因代码表中选择", "reasonCode")
        record, state = await self._movable(caller, teacher_id)
        chain = (await self._district(record.org_path),)
        m = self._new(
            "LEAVE",
            "SUBMITTED",
            caller,
            teacher_id,
            str(record.basic.get("name") or ""),
            record.org_path,
            None,
            reason_code,
            effective_date,
            comment,
            chain,
        )
        return await self._open(m, state)

    async def start_return(
        self, caller: Caller, school_code: str, id_type: str, id_number: str, effective_date: str
    ) -> Movement:
        """重新入职 at a school of the clerk's reach, of the person a document names. The clerk learns
        only whether that person is LEFT (减员) somewhere and free to return: an unknown document
        and a person active outside the clerk's reach get one answer (`access.return_refusal`)."""
        caller.require("DATA_ENTRY")
        effective_date = _date(effective_date, "effectiveDate")
        school = await self.orgs.org(school_code)
        if school is None or not access.school_in_reach(caller, school):
            raise DomainError(ErrorCode.FORBIDDEN, "学校不存在或不在本单位管辖范围内", "schoolCode")
        if not id_type.strip() or not id_number.strip():
            raise DomainError(ErrorCode.INVALID_INPUT, "请填写身份证件类型和身份证件号", "idNumber")
        found = await self.records.find_person(id_type.strip(), id_number.strip().upper())
        person = found[0] if found else None
        state = (await self.states.get([person.teacher_id])).get(person.teacher_id) if person else None
        if refusal := access.return_refusal(caller, person, state):
            raise refusal
        assert person is not None and state is not None  # a LEFT person: what return_refusal lets through
        chain = (await self._district(school.path),)
        m = self._new(
            "RETURN", "SUBMITTED", caller, person.teacher_id, person.name, (), school, "", effective_date, "", chain
        )
        return await self._open(m, state)

    async def _movable(self, caller: Caller, teacher_id: str) -> tuple[ReviewRecord, ReviewState]:
        """The record (in the caller's reach) and its state: APPROVED, with nothing open on it."""
        record = (await self.records.read([teacher_id], caller)).get(teacher_id)
        if record is None or not access.may_act_at(caller, record.org_path):
            raise access.no_record("teacherId")
        state = (await self.states.get([teacher_id])).get(teacher_id)
        if state is None or state.status != "APPROVED":
            raise DomainError(ErrorCode.WRONG_STATE, "只有审核通过的记录才能办理调动或减员", "teacherId")
        if state.movement:
            raise DomainError(ErrorCode.WRONG_STATE, "该记录已有进行中的调动或减员，请先处理完毕", "teacherId")
        return record, state

    def _new(
        self,
        kind: str,
        status: str,
        caller: Caller,
        teacher_id: str,
        name: str,
        from_path: tuple[str, ...],
        to: School | None,
        reason: str,
        effective_date: str,
        comment: str,
        chain: tuple[tuple[str, str], ...],
    ) -> Movement:
        at = now()
        return Movement(
            id=str(ObjectId()),
            kind=kind,
            status=status,
            teacher_id=teacher_id,
            teacher_name=name,
            from_school=from_path[-1] if from_path else "",
            from_path=from_path,
            to_school=to.code if to else "",
            to_path=to.path if to else (),
            to_type=to.school_type if to else "",
            reason_code=reason,
            effective_date=effective_date,
            comment=comment.strip()[:MAX_COMMENT],
            chain=chain,
            step=0,
            seq=1,
            events=(MovementEvent(at, caller.username, caller.org_code, "START", comment.strip()[:MAX_COMMENT]),),
            applied=True,
            created_at=at,
            updated_at=at,
            to_name=to.name if to else "",
        )

    async def _open(self, m: Movement, state: ReviewState) -> Movement:
        """Stores the movement, then claims the record for it; a record claimed meanwhile (another
        movement, a change) wins and this movement is taken back."""
        if m.from_school:
            sender = await self.orgs.org(m.from_school)
            m = dataclasses.replace(m, from_name=sender.name if sender else "")
        await self.storage.insert(m)
        try:
            await self.states.claim(state, m.id)
        except DomainError:
            await self.storage.delete(m)
            raise
        return m

    async def _district(self, path: Sequence[str]) -> tuple[str, str]:
        """The 主管部门 of a school: its nearest DISTRICT ancestor, else its parent."""
        levels = await self.orgs.levels(list(path))
        above = list(path)[:-1]
        code = next((c for c in reversed(above) if levels.get(c) == "DISTRICT"), above[-1] if above else "")
        if not code:
            raise DomainError(ErrorCode.INTERNAL, "无法确定该学校的主管部门，请联系管理员")
        return levels.get(code, "DISTRICT"), code

    # the receiving school, the starting school

    async def _one(self, caller: Caller, movement_id: str) -> Movement:
        found = await self.storage.get([movement_id])
        m = found.get(movement_id)
        if m is None or not access.may_see_movement(caller, m):
            raise access.no_movement()
        return m

    async def _receiving(self, caller: Caller, movement_id: str) -> Movement:
        caller.require("DATA_ENTRY")
        m = await self._one(caller, movement_id)
        if not access.may_receive(caller, m):
            raise DomainError(ErrorCode.FORBIDDEN, "只有调入学校的信息录入员可以接收或拒绝调入", "movementId")
        if m.status != "AWAITING_RECEIVER":
            raise DomainError(ErrorCode.WRONG_STATE, "该调动已不在待接收状态（可能已被处理或撤回）", "movementId")
        return m

    async def accept(self, caller: Caller, movement_id: str) -> Movement:
        m = await self._receiving(caller, movement_id)
        new = dataclasses.replace(m, status="SUBMITTED", step=0, seq=m.seq + 1, updated_at=now())
        return await self._transition(m, new, MovementEvent(now(), caller.username, caller.org_code, "ACCEPT"))

    async def decline(self, caller: Caller, movement_id: str, reason: str) -> Movement:
        if not reason.strip():
            raise DomainError(ErrorCode.INVALID_INPUT, "拒绝调入必须填写原因", "reason")
        m = await self._receiving(caller, movement_id)
        new = dataclasses.replace(m, status="DECLINED", seq=m.seq + 1, updated_at=now())
        event = MovementEvent(now(), caller.username, caller.org_code, "DECLINE", reason.strip()[:MAX_COMMENT])
        return await self._close(m, new, event)

    async def withdraw(self, caller: Caller, movement_id: str) -> Movement:
        caller.require("DATA_ENTRY")
        m = await self._one(caller, movement_id)
        if not access.may_withdraw(caller, m):
            raise DomainError(ErrorCode.FORBIDDEN, "只有发起变动的学校可以撤回", "movementId")
        if m.status not in OPEN_MOVEMENT or any(e.action == "APPROVE" for e in m.events):
            raise DomainError(ErrorCode.WRONG_STATE, "该变动已审核或已结束，不能撤回", "movementId")
        new = dataclasses.replace(m, status="WITHDRAWN", seq=m.seq + 1, updated_at=now())
        return await self._close(m, new, MovementEvent(now(), caller.username, caller.org_code, "WITHDRAW"))

    # reviewers

    async def approve(self, caller: Caller, ids: list[str], comment: str) -> tuple[list[str], list[Failed]]:
        caller.require("REVIEWER")
        ids = batch_ids(ids, MOVEMENTS, "movementIds")
        return await each(ids, lambda i: self._approve(caller, i, comment.strip()[:MAX_COMMENT]))

    async def reject(self, caller: Caller, ids: list[str], reason: str) -> tuple[list[str], list[Failed]]:
        caller.require("REVIEWER")
        if not reason.strip():
            raise DomainError(ErrorCode.INVALID_INPUT, "驳回必须填写原因（审核意见）", "reason")
        ids = batch_ids(ids, MOVEMENTS, "movementIds")
        return await each(ids, lambda i: self._reject(caller, i, reason.strip()[:MAX_COMMENT]))

    async def _pending_here(self, caller: Caller, movement_id: str) -> tuple[Movement, str]:
        m = await self._one(caller, movement_id)
        level, _ = await pending_at_caller(caller, "变动", m.status == "SUBMITTED", m.pending, self.orgs)
        return m, level

    async def _approve(self, caller: Caller, movement_id: str, comment: str) -> None:
        m, level = await self._pending_here(caller, movement_id)
        final = m.step + 1 >= len(m.chain)
        state = (await self.states.get([m.teacher_id])).get(m.teacher_id)
        if final and (state is None or state.movement != m.id):  # stored, but the record never claimed (a crash)
            why = "该变动未能锁定教师记录，请由发起学校撤回后重新发起"
            raise DomainError(ErrorCode.WRONG_STATE, why, "movementIds")
        info = MovementInfo(
            m.id,
            m.kind,
            m.teacher_id,
            m.teacher_name,
            m.from_school,
            m.to_school,
            m.reason_code,
            m.effective_date,
            final,
        )
        reviewer = Reviewer(caller.username, caller.org_code, level)
        findings = [
            f for found in self.plugins.hook.tmis_review_movement(movement=info, reviewer=reviewer) for f in found or ()
        ]
        if blocking := [f for f in findings if f.blocking]:
            raise DomainError(ErrorCode.REVIEW_BLOCKED, "；".join(f.message for f in blocking[:5]))
        new = dataclasses.replace(
            m,
            status="APPROVED" if final else "SUBMITTED",
            step=m.step if final else m.step + 1,
            seq=m.seq + 1,
            applied=not final,
            updated_at=now(),
        )
        event = MovementEvent(now(), caller.username, caller.org_code, "APPROVE", comment)
        new = await self._transition(m, new, event)
        if final:
            await self._apply(new)

    async def _reject(self, caller: Caller, movement_id: str, reason: str) -> None:
        m, _ = await self._pending_here(caller, movement_id)
        new = dataclasses.replace(m, status="REJECTED", seq=m.seq + 1, updated_at=now())
        await self._close(m, new, MovementEvent(now(), caller.username, caller.org_code, "REJECT", reason))

    # transitions and their effects

    async def _transition(self, old: Movement, new: Movement, event: MovementEvent) -> Movement:
        if not await self.storage.transition(old, new, event):
            raise DomainError(ErrorCode.VERSION_CONFLICT, "该变动刚被他人处理，请刷新后重试", "movementId")
        return dataclasses.replace(new, events=(*old.events, event))

    async def _close(self, old: Movement, new: Movement, event: MovementEvent) -> Movement:
        """Ends a movement without effect (declined, rejected, withdrawn): the record is free again."""
        closed = await self._transition(old, dataclasses.replace(new, applied=False), event)
        await self._apply(closed)
        return dataclasses.replace(closed, applied=True)

    async def _apply(self, m: Movement) -> None:
        """What a closed movement does (each step idempotent), then `applied`; a failure leaves it
        for the reconciler."""
        try:
            actor = m.events[-1].actor if m.events else "system"
            if m.status != "APPROVED":
                await self.states.release(m.teacher_id, m.id)
            elif m.kind == "LEAVE":
                await self.states.release(m.teacher_id, m.id, status="LEFT")
                await self.accounts.place(m.teacher_id, "", False)
                await self.flow_store.add_flow(m.id, m.effective_date, Flow("LEFT", m.from_path, (), m.reason_code))
            else:  # TRANSFER, RETURN: the record to the receiving school, then the state
                to = School(m.to_school, m.to_type, m.to_path)
                await self.records.move(m.teacher_id, to, actor)
                status = "APPROVED" if m.kind == "RETURN" else ""
                await self.states.release(m.teacher_id, m.id, status=status, org_path=m.to_path)
                await self.accounts.place(m.teacher_id, m.to_school, True)
                kind = "TRANSFER" if m.kind == "TRANSFER" else "RETURNED"
                await self.flow_store.add_flow(m.id, m.effective_date, Flow(kind, m.from_path, m.to_path))
        except DomainError as err:
            logger.warning("applying movement %s failed (%s); will retry", m.id, err.message)
            return
        await self.storage.mark_applied(m)

    async def reconcile(self) -> int:
        stale = await self.storage.unapplied(now() - self.retry_after)
        for m in stale:
            try:
                await self._apply(m)
            except Exception:  # noqa: BLE001 - next round
                logger.exception("reconciling movement %s failed", m.id)
        return len(stale)

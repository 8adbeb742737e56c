"""Movements (SPEC §5.4): 调动 (TRANSFER), 减员 (LEAVE), 重新入职 (RETURN).

A movement is its own object with its own approvals (`Movement`, stored in `movements`). The
record's `ReviewState` names its open movement (`movement`): starting one is a compare-and-set
APPROVED & movement=="" → movement=<id> (a RETURN: LEFT & movement==""), so a record has at most
one open change or movement; closing one clears it in the same compare-and-set as its effect on
the state. Every transition of the movement itself is a compare-and-set on its `seq`, so of
approve, reject, withdraw and decline racing, exactly one wins.

Effects on the other services follow the review chain's discipline: the final approval is stored
with `applied=False`; then the state, records (the record moved, its status pushed), identity (the
account moved, disabled or enabled) and the flow are each done idempotently, and the movement is
marked applied. The reconciler redoes what a crash or a failed call left undone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pluggy
from bson import ObjectId

from services.review.model import MOVEMENT_KINDS, MOVEMENT_STATUSES, OPEN_MOVEMENT, Movement, MovementEvent, ReviewState
from services.review.movement_storage import MovementStorage, cursor_of
from services.review.storage import Storage
from services.review.workflow import Failed, Ports, each
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.hookspecs import MovementInfo, Reviewer, ReviewRecord
from tmis.paging import after_key, page_size

logger = logging.getLogger("tmis.review.movements")
MAX_BATCH = 500
MAX_COMMENT = 500
CHINA = dt.timezone(dt.timedelta(hours=8))
FLOW_KINDS = ("NEW", "TRANSFER_IN", "TRANSFER_OUT", "LEFT", "RETURNED")


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
    """A record found by its document (重新入职), whoever holds it."""

    teacher_id: str
    name: str


@dataclass(frozen=True)
class MovementPorts:
    # an org by code (None when there is none), asked as the service
    org_of: Callable[[str], Awaitable[School | None]]
    # the record to another school (idempotent): teacher id, school, actor
    move_record: Callable[[str, School, str], Awaitable[None]]
    # the teacher's account: teacher id, school code ("" = stays), enabled (idempotent)
    place_account: Callable[[str, str, bool], Awaitable[None]]
    # records of a person by (document type, number), as the service
    find_person: Callable[[str, str], Awaitable[list[Person]]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _date(value: str, field: str) -> str:
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            dt.date.fromisoformat(value)
            return value
    except ValueError:
        pass
    raise DomainError(ErrorCode.INVALID_INPUT, "日期格式应为 YYYY-MM-DD（如 2026-09-01）", field)


NOT_FOUND = "变动申请不存在，或不在您的管理范围内"


class Movements:
    def __init__(
        self,
        states: Storage,
        storage: MovementStorage,
        ports: Ports,
        mports: MovementPorts,
        plugins: pluggy.PluginManager,
        leave_reasons: CodeTable | None,
        retry_after: dt.timedelta = dt.timedelta(seconds=5),
    ) -> None:
        self.states = states
        self.storage = storage
        self.ports = ports
        self.mports = mports
        self.plugins = plugins
        self.leave_reasons = leave_reasons
        self.retry_after = retry_after

    # reads

    @staticmethod
    def visible(caller: Caller, m: Movement) -> bool:
        """Each side sees it: the sending school and those above it, the receiving school and those
        above it, and the teacher."""
        return (
            caller.service
            or (bool(m.from_path) and caller.reaches(m.from_path))
            or (bool(m.to_path) and caller.reaches(m.to_path))
            or (caller.teacher_only and caller.teacher_id == m.teacher_id)
        )

    async def get(self, caller: Caller, ids: list[str]) -> list[Movement]:
        caller.require()
        found = await self.storage.get(list(dict.fromkeys(ids[:MAX_BATCH])))
        return [m for m in found.values() if self.visible(caller, m)]

    async def of_teachers(self, caller: Caller, teacher_ids: list[str]) -> dict[str, list[Movement]]:
        """Every movement of each teacher, newest first: the schools of a career."""
        caller.require()
        out: dict[str, list[Movement]] = {t: [] for t in teacher_ids[:MAX_BATCH]}
        states = await self.states.get(list(out))
        # who may read the record sees its whole career; the others, the movements of their side
        readers = {
            t
            for t, s in states.items()
            if caller.service or caller.reaches(s.org_path) or (caller.teacher_only and caller.teacher_id == t)
        }
        for m in await self.storage.of_teachers(list(out)):
            if m.teacher_id in readers or self.visible(caller, m):
                out[m.teacher_id].append(m)
        return out

    async def listed(
        self, caller: Caller, org_code: str, kind: str, status: str, first: int, after: str
    ) -> tuple[list[Movement], bool, int, str]:
        """Movements from or to an org's subtree, newest first."""
        caller.require("DATA_ENTRY", "REVIEWER", "QUERY", "SYSTEM_ADMIN")
        path = await self._org_path(org_code)
        if path is None or not (caller.service or caller.reaches(path)):
            raise DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")
        if kind and kind not in MOVEMENT_KINDS:
            raise DomainError(ErrorCode.INVALID_INPUT, "变动类型无效", "kind")
        if status and status not in MOVEMENT_STATUSES:
            raise DomainError(ErrorCode.INVALID_INPUT, "变动状态无效", "status")
        query: dict[str, Any] = {
            "orgs": org_code,
            **({"kind": kind} if kind else {}),
            **({"status": status} if status else {}),
        }
        return await self._page(query, first, after, newest_first=True)

    async def queue(self, caller: Caller, first: int, after: str) -> tuple[list[Movement], bool, int, str]:
        """What waits for the caller: transfers to accept at its school (DATA_ENTRY), approvals at
        its org (REVIEWER); oldest first."""
        caller.require()
        statuses = [
            s for s, role in (("AWAITING_RECEIVER", "DATA_ENTRY"), ("SUBMITTED", "REVIEWER")) if role in caller.roles
        ]
        query: dict[str, Any] = {"pending_org_code": caller.org_code, "status": {"$in": statuses}}
        return await self._page(query, first, after, newest_first=False)

    async def _page(
        self, query: dict[str, Any], first: int, after: str, newest_first: bool
    ) -> tuple[list[Movement], bool, int, str]:
        first = page_size(first)
        found, total = await self.storage.page(query, after_key(after), first + 1, newest_first)
        page = found[:first]
        return page, len(found) > first, total, cursor_of(page[-1], newest_first) if page else ""

    async def flows(self, caller: Caller, org_code: str, start: str, end: str) -> list[tuple[str, str, int]]:
        """(kind, reason, count) of 人员变动 in an org's subtree between two dates (inclusive):
        NEW (first approved), TRANSFER_IN / TRANSFER_OUT across the subtree's edge, LEFT per reason,
        RETURNED. Movements count on their effective date, first approvals on their day (UTC+8)."""
        caller.require("QUERY")
        start, end = _date(start, "from"), _date(end, "to")
        if start > end:
            raise DomainError(ErrorCode.INVALID_INPUT, "开始日期不能晚于结束日期", "from")
        path = await self._org_path(org_code)
        if path is None or not (caller.service or caller.reaches(path)):
            raise DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")
        counts: dict[tuple[str, str], int] = {}
        for row in await self.storage.flows_of(org_code, start, end):
            inside_from, inside_to = org_code in row["from"], org_code in row["to"]
            kind = row["kind"]
            if kind == "TRANSFER":
                kind = (
                    "TRANSFER_IN"
                    if inside_to and not inside_from
                    else "TRANSFER_OUT"
                    if inside_from and not inside_to
                    else ""
                )
            if kind:
                key = (kind, row["reason"] if kind == "LEFT" else "")
                counts[key] = counts.get(key, 0) + 1
        return [(k, r, n) for (k, r), n in sorted(counts.items(), key=lambda i: (FLOW_KINDS.index(i[0][0]), i[0][1]))]

    async def _org_path(self, code: str) -> tuple[str, ...] | None:
        org = await self.mports.org_of(code)
        return org.path if org else None

    async def _school(self, code: str) -> School | None:
        org = await self.mports.org_of(code)
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
        caller.require("DATA_ENTRY")
        effective_date = _date(effective_date, "effectiveDate")
        school = await self._school(school_code)
        if school is None or not (caller.service or caller.reaches(school.path)):
            raise DomainError(ErrorCode.FORBIDDEN, "学校不存在或不在本单位管辖范围内", "schoolCode")
        if not id_type.strip() or not id_number.strip():
            raise DomainError(ErrorCode.INVALID_INPUT, "请填写身份证件类型和身份证件号", "idNumber")
        found = await self.mports.find_person(id_type.strip(), id_number.strip().upper())
        if not found:
            raise DomainError(ErrorCode.NOT_FOUND, "未找到该身份证件的教师记录；新教师请新建记录", "idNumber")
        person = found[0]
        state = (await self.states.get([person.teacher_id])).get(person.teacher_id)
        if state is None or state.status != "LEFT":
            raise DomainError(ErrorCode.WRONG_STATE, "该人员不是已减员人员，不能办理重新入职", "idNumber")
        if state.movement:
            raise DomainError(ErrorCode.WRONG_STATE, "该人员已有进行中的重新入职申请", "idNumber")
        chain = (await self._district(school.path),)
        m = self._new(
            "RETURN", "SUBMITTED", caller, person.teacher_id, person.name, (), school, "", effective_date, "", chain
        )
        return await self._open(m, state)

    async def _movable(self, caller: Caller, teacher_id: str) -> tuple[ReviewRecord, ReviewState]:
        """The record (in the caller's reach) and its state: APPROVED, with nothing open on it."""
        record = (await self.ports.read([teacher_id], False)).get(teacher_id)
        if record is None or not (caller.service or caller.reaches(record.org_path)):
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内", "teacherId")
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
        now = _now()
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
            events=(MovementEvent(now, caller.username, caller.org_code, "START", comment.strip()[:MAX_COMMENT]),),
            applied=True,
            created_at=now,
            updated_at=now,
            to_name=to.name if to else "",
        )

    async def _open(self, m: Movement, state: ReviewState) -> Movement:
        """Stores the movement, then claims the record for it; a record claimed meanwhile (another
        movement, a change) wins and this movement is taken back."""
        if m.from_school:
            sender = await self.mports.org_of(m.from_school)
            m = dataclasses.replace(m, from_name=sender.name if sender else "")
        await self.storage.insert(m)
        claimed = dataclasses.replace(state, movement=m.id, seq=state.seq + 1, updated_at=_now())
        if not await self.states.move(state, claimed, None):
            await self.storage.delete(m)
            raise DomainError(ErrorCode.VERSION_CONFLICT, "该记录刚有其他变更或变动开始办理，请刷新后重试", "teacherId")
        return m

    async def _district(self, path: Sequence[str]) -> tuple[str, str]:
        """The 主管部门 of a school: its nearest DISTRICT ancestor, else its parent."""
        levels = await self.ports.levels_of(list(path))
        above = list(path)[:-1]
        code = next((c for c in reversed(above) if levels.get(c) == "DISTRICT"), above[-1] if above else "")
        if not code:
            raise DomainError(ErrorCode.INTERNAL, "无法确定该学校的主管部门，请联系管理员")
        return levels.get(code, "DISTRICT"), code

    # the receiving school, the starting school

    async def _one(self, caller: Caller, movement_id: str) -> Movement:
        found = await self.storage.get([movement_id])
        m = found.get(movement_id)
        if m is None or not self.visible(caller, m):
            raise DomainError(ErrorCode.NOT_FOUND, NOT_FOUND, "movementId")
        return m

    async def _receiving(self, caller: Caller, movement_id: str) -> Movement:
        caller.require("DATA_ENTRY")
        m = await self._one(caller, movement_id)
        if m.kind != "TRANSFER" or not (caller.service or caller.reaches(m.to_path)):
            raise DomainError(ErrorCode.FORBIDDEN, "只有调入学校的信息录入员可以接收或拒绝调入", "movementId")
        if m.status != "AWAITING_RECEIVER":
            raise DomainError(ErrorCode.WRONG_STATE, "该调动已不在待接收状态（可能已被处理或撤回）", "movementId")
        return m

    async def accept(self, caller: Caller, movement_id: str) -> Movement:
        m = await self._receiving(caller, movement_id)
        new = dataclasses.replace(m, status="SUBMITTED", step=0, seq=m.seq + 1, updated_at=_now())
        return await self._move(m, new, MovementEvent(_now(), caller.username, caller.org_code, "ACCEPT"))

    async def decline(self, caller: Caller, movement_id: str, reason: str) -> Movement:
        if not reason.strip():
            raise DomainError(ErrorCode.INVALID_INPUT, "拒绝调入必须填写原因", "reason")
        m = await self._receiving(caller, movement_id)
        new = dataclasses.replace(m, status="DECLINED", seq=m.seq + 1, updated_at=_now())
        event = MovementEvent(_now(), caller.username, caller.org_code, "DECLINE", reason.strip()[:MAX_COMMENT])
        return await self._close(m, new, event)

    async def withdraw(self, caller: Caller, movement_id: str) -> Movement:
        caller.require("DATA_ENTRY")
        m = await self._one(caller, movement_id)
        if not (caller.service or caller.reaches(m.path_started)):
            raise DomainError(ErrorCode.FORBIDDEN, "只有发起变动的学校可以撤回", "movementId")
        if m.status not in OPEN_MOVEMENT or any(e.action == "APPROVE" for e in m.events):
            raise DomainError(ErrorCode.WRONG_STATE, "该变动已审核或已结束，不能撤回", "movementId")
        new = dataclasses.replace(m, status="WITHDRAWN", seq=m.seq + 1, updated_at=_now())
        return await self._close(m, new, MovementEvent(_now(), caller.username, caller.org_code, "WITHDRAW"))

    # reviewers

    async def approve(self, caller: Caller, ids: list[str], comment: str) -> tuple[list[str], list[Failed]]:
        caller.require("REVIEWER")
        return await self._each(ids, lambda i: self._approve(caller, i, comment.strip()[:MAX_COMMENT]))

    async def reject(self, caller: Caller, ids: list[str], reason: str) -> tuple[list[str], list[Failed]]:
        caller.require("REVIEWER")
        if not reason.strip():
            raise DomainError(ErrorCode.INVALID_INPUT, "驳回必须填写原因（审核意见）", "reason")
        return await self._each(ids, lambda i: self._reject(caller, i, reason.strip()[:MAX_COMMENT]))

    @staticmethod
    async def _each(ids: list[str], act: Callable[[str], Awaitable[None]]) -> tuple[list[str], list[Failed]]:
        ids = list(dict.fromkeys(i for i in ids if i))
        if not ids:
            raise DomainError(ErrorCode.INVALID_INPUT, "请选择要处理的变动申请", "movementIds")
        if len(ids) > MAX_BATCH:
            raise DomainError(ErrorCode.INVALID_INPUT, f"一次最多处理 {MAX_BATCH} 条变动申请", "movementIds")
        return await each(ids, act)

    async def _pending_at_caller(self, caller: Caller, movement_id: str) -> Movement:
        m = await self._one(caller, movement_id)
        if m.status != "SUBMITTED":
            raise DomainError(ErrorCode.WRONG_STATE, "该变动不在待审核状态（可能已被处理或撤回）")
        level, org = m.pending
        if org != caller.org_code:
            name = await self.ports.name_of(org)
            raise DomainError(ErrorCode.FORBIDDEN, f"该变动正等待{name}审核，您无权审核")
        return m

    async def _approve(self, caller: Caller, movement_id: str, comment: str) -> None:
        m = await self._pending_at_caller(caller, movement_id)
        level = m.pending[0]
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
            updated_at=_now(),
        )
        new = await self._move(m, new, MovementEvent(_now(), caller.username, caller.org_code, "APPROVE", comment))
        if final:
            await self._apply(new)

    async def _reject(self, caller: Caller, movement_id: str, reason: str) -> None:
        m = await self._pending_at_caller(caller, movement_id)
        new = dataclasses.replace(m, status="REJECTED", seq=m.seq + 1, updated_at=_now())
        await self._close(m, new, MovementEvent(_now(), caller.username, caller.org_code, "REJECT", reason))

    # transitions and their effects

    async def _move(self, old: Movement, new: Movement, event: MovementEvent) -> Movement:
        if not await self.storage.move(old, new, event):
            raise DomainError(ErrorCode.VERSION_CONFLICT, "该变动刚被他人处理，请刷新后重试", "movementId")
        return dataclasses.replace(new, events=(*old.events, event))

    async def _close(self, old: Movement, new: Movement, event: MovementEvent) -> Movement:
        """Ends a movement without effect (declined, rejected, withdrawn): the record is free again."""
        closed = await self._move(old, dataclasses.replace(new, applied=False), event)
        await self._apply(closed)
        return dataclasses.replace(closed, applied=True)

    async def _release(self, m: Movement, **effect: object) -> None:
        """Clears the record's movement together with the movement's effect on its state (one
        compare-and-set), then pushes a new status to records. Done once: a state no longer
        naming this movement has had it."""
        for _ in range(5):
            state = (await self.states.get([m.teacher_id])).get(m.teacher_id)
            if state is None or state.movement != m.id:
                return
            new = dataclasses.replace(state, movement="", seq=state.seq + 1, updated_at=_now(), **effect)  # type: ignore[arg-type]
            if "status" in effect:
                new = dataclasses.replace(new, synced=False)
            if await self.states.move(state, new, None):
                if not new.synced:
                    await self.ports.push(new.teacher_id, new.status, new.seq, False, False, False)
                    await self.states.mark(new, synced=True)
                return
        raise DomainError(ErrorCode.VERSION_CONFLICT, "该记录刚被他人处理，请稍后重试")

    async def _apply(self, m: Movement) -> None:
        """What a closed movement does (each step idempotent), then `applied`; a failure leaves it
        for the reconciler."""
        try:
            actor = m.events[-1].actor if m.events else "system"
            if m.status != "APPROVED":
                await self._release(m)
            elif m.kind == "LEAVE":
                await self._release(m, status="LEFT")
                await self.mports.place_account(m.teacher_id, "", False)
                await self.storage.add_flow(m.id, "LEFT", m.effective_date, m.from_path, (), m.reason_code)
            else:  # TRANSFER, RETURN: the record to the receiving school, then the state
                to = School(m.to_school, m.to_type, m.to_path)
                await self.mports.move_record(m.teacher_id, to, actor)
                effect: dict[str, object] = {"org_path": m.to_path}
                if m.kind == "RETURN":
                    effect["status"] = "APPROVED"
                await self._release(m, **effect)
                await self.mports.place_account(m.teacher_id, m.to_school, True)
                kind = "TRANSFER" if m.kind == "TRANSFER" else "RETURNED"
                await self.storage.add_flow(m.id, kind, m.effective_date, m.from_path, m.to_path, "")
        except DomainError as err:
            logger.warning("applying movement %s failed (%s); will retry", m.id, err.message)
            return
        await self.storage.mark_applied(m)

    async def reconcile(self) -> int:
        stale = await self.storage.unapplied(_now() - self.retry_after)
        for m in stale:
            try:
                await self._apply(m)
            except Exception:  # noqa: BLE001 - next round
                logger.exception("reconciling movement %s failed", m.id)
        return len(stale)

"""The review chain (SPEC §5): 报送 at the school, approval level by level up the school's
ancestors, rejection back to the school, and what follows final approval.

The review service owns the state machine; records only mirrors the status (and refuses
writes to records under review). Every transition is one compare-and-set on the state
(`seq`), stored with `synced=False`, then pushed to records, then marked synced. A push
carries `seq` and records ignores pushes older than what it has, so re-pushing is always
safe: a crash or a lost reply between the steps leaves a state that the reconciler
(`reconcile`) pushes again a few seconds later. Final approval is stored with
`followups=PENDING` and the 个人标识码 and final hooks (idempotent) are retried the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

import pluggy

from services.review.model import KEY_FIELDS, LEVEL_NAMES, Event, ReviewState
from services.review.storage import Storage
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.hookspecs import LEVELS, Finding, Reviewer, ReviewRecord
from tmis.paging import after_key, page_size

logger = logging.getLogger("tmis.review")
MAX_BATCH = 500
MAX_COMMENT = 500

# records by teacher id, read as the caller (or as the service itself: `as_service`)
ReadRecords = Callable[[list[str], bool], Awaitable[dict[str, ReviewRecord]]]
# push a state to records: (teacher id, status, seq, keep as approved, restore the approved version,
# 查重 first); the problems records refused it with ((code, message, field), ...)
Push = Callable[[str, str, int, bool, bool, bool], Awaitable[list[tuple[str, str, str]]]]
# 个人标识码: (teacher id, formal, type letter, renew after a key change) -> the code now held
AssignCode = Callable[[str, bool, str, bool], Awaitable[str]]
# org code -> level, for the codes of a path
LevelsOf = Callable[[Sequence[str]], Awaitable[dict[str, str]]]


@dataclass(frozen=True)
class Ports:
    read: ReadRecords
    push: Push
    assign_code: AssignCode
    levels_of: LevelsOf
    # a completeness path in words (学习经历, 姓名), for the clerk: path, school type -> label
    describe: Callable[[str, str], str] = lambda path, school_type: path
    # an org's name, for messages (its code when unknown)
    name_of: Callable[[str], Awaitable[str]] = lambda code: _same(code)
    # ids of the complete records matching a filter (org code, status, search), read as the caller
    complete_ids: Callable[[str, str, str], Awaitable[list[str]]] = lambda org, status, search: _none()
    # 新增 in the flows: a record first approved (teacher id, org path); idempotent
    first_approved: Callable[[str, tuple[str, ...]], Awaitable[None]] = lambda teacher_id, path: _nothing()


async def _same(code: str) -> str:
    return code


async def _none() -> list[str]:
    return []


async def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Config:
    # the levels of the chain, in order; a level the school's path lacks is skipped
    levels: tuple[str, ...] = LEVELS
    # the chains of a 信息变更: an ordinary one ends at the school, a key change goes all the way
    change_levels: tuple[str, ...] = ("SCHOOL",)
    key_change_levels: tuple[str, ...] = LEVELS
    formal_letter: str = "G"
    # a state left unpushed (or final steps not run) this long is retried by the reconciler
    retry_after: dt.timedelta = dt.timedelta(seconds=5)

    @classmethod
    def from_raw(cls, raw: Mapping[str, str]) -> Config:
        def chain(name: str, default: str) -> tuple[str, ...]:
            levels = tuple(x.strip().upper() for x in raw.get(name, default).split(",") if x.strip())
            unknown = [x for x in levels if x not in LEVELS]
            if unknown or not levels or levels[0] != "SCHOOL":
                raise ValueError(f"{name} must start with SCHOOL and use {','.join(LEVELS)}; got {raw.get(name)!r}")
            return levels

        levels = chain("TMIS_REVIEW_LEVELS", ",".join(LEVELS))
        retry = dt.timedelta(milliseconds=int(raw.get("TMIS_REVIEW_RETRY_MS", "5000")))
        return cls(
            levels=levels,
            change_levels=tuple(x for x in chain("TMIS_CHANGE_LEVELS", "SCHOOL") if x in levels),
            key_change_levels=tuple(x for x in chain("TMIS_KEY_CHANGE_LEVELS", ",".join(levels)) if x in levels),
            formal_letter=raw.get("TMIS_PERSONAL_CODE_LETTER", "G")[:1] or "G",
            retry_after=retry,
        )


class Failed(DomainError):
    """One record of a batch could not be moved."""


async def each(ids: list[str], act: Callable[[str], Awaitable[None]]) -> tuple[list[str], list[Failed]]:
    """A batch's outcome: the ids acted on, and one error per id refused (a record, a movement)."""
    done, failed = [], []
    for i in ids:
        try:
            await act(i)
            done.append(i)
        except DomainError as err:
            failed.append(Failed(err.code, err.message, i))
    return done, failed


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Workflow:
    def __init__(self, storage: Storage, ports: Ports, plugins: pluggy.PluginManager, config: Config) -> None:
        self.storage = storage
        self.ports = ports
        self.plugins = plugins
        self.config = config

    # reads

    async def states(self, caller: Caller, teacher_ids: list[str]) -> list[ReviewState]:
        """States of the records the caller may see; a record never submitted is DRAFT."""
        caller.require()
        ids = list(dict.fromkeys(teacher_ids[:1000]))
        stored = await self.storage.get(ids)
        out = []
        for teacher_id in ids:
            state = stored.get(teacher_id)
            if state is None:
                out.append(ReviewState(teacher_id))
            elif (
                caller.service
                or caller.reaches(state.org_path)
                or (caller.teacher_only and caller.teacher_id == teacher_id)
            ):
                out.append(state)
        return out

    async def queue(self, caller: Caller, first: int, after: str) -> tuple[list[str], bool, int, str]:
        """(teacher ids pending at the caller's org, has next, total, end cursor)."""
        caller.require("REVIEWER")
        first = page_size(first)
        keys, total = await self.storage.queue(caller.org_code, after_key(after), first + 1)
        page = keys[:first]
        return [k.partition("|")[2] for k in page], len(keys) > first, total, page[-1] if page else ""

    # transitions: each returns (succeeded ids, errors), one error per failed record

    async def submit(self, caller: Caller, teacher_ids: list[str]) -> tuple[list[str], list[Failed]]:
        caller.require()
        if not caller.has_role("DATA_ENTRY"):
            raise DomainError(ErrorCode.FORBIDDEN, "报送由本校信息录入员执行：信息填好后，请联系学校信息录入员报送")
        ids = self._batch(teacher_ids)
        records = await self.ports.read(ids, False)
        states = await self.storage.get(ids)
        return await each(ids, lambda i: self._submit(caller, records.get(i), states.get(i) or ReviewState(i)))

    async def submit_matching(
        self, caller: Caller, org_code: str, status: str, search: str
    ) -> tuple[list[str], list[Failed]]:
        """报送 every complete DRAFT/REJECTED/CHANGING record of a filter; each checked as one given by id."""
        caller.require()
        if status not in ("", "DRAFT", "REJECTED", "CHANGING"):
            raise DomainError(ErrorCode.INVALID_INPUT, "只能报送草稿、已驳回或变更中的记录", "status")
        ids = await self.ports.complete_ids(org_code or caller.org_code, status, search)
        if not ids:
            return [], []
        return await self.submit(caller, ids[:MAX_BATCH])

    async def pending_ids(self, caller: Caller) -> list[str]:
        """Every record pending at the caller's org, oldest first, up to the batch limit."""
        caller.require("REVIEWER")
        keys, _ = await self.storage.queue(caller.org_code, None, MAX_BATCH)
        return [k.partition("|")[2] for k in keys]

    async def approve(self, caller: Caller, teacher_ids: list[str], comment: str) -> tuple[list[str], list[Failed]]:
        caller.require("REVIEWER")
        ids = self._batch(teacher_ids)
        states = await self.storage.get(ids)
        records = await self.ports.read([i for i in ids if i in states], False)
        return await each(
            ids, lambda i: self._approve(caller, states.get(i), records.get(i), comment.strip()[:MAX_COMMENT])
        )

    async def reject(self, caller: Caller, teacher_ids: list[str], reason: str) -> tuple[list[str], list[Failed]]:
        caller.require("REVIEWER")
        reason = reason.strip()
        if not reason:
            raise DomainError(ErrorCode.INVALID_INPUT, "驳回必须填写原因（审核意见）", "reason")
        ids = self._batch(teacher_ids)
        states = await self.storage.get(ids)
        return await each(ids, lambda i: self._reject(caller, states.get(i), reason[:MAX_COMMENT]))

    # 信息变更 (SPEC §5.4): an APPROVED record reopened; the approved version stays official meanwhile

    async def start_change(self, caller: Caller, teacher_id: str, reason: str) -> ReviewState:
        """APPROVED (no open movement) -> CHANGING, by the school's 信息录入员 or the teacher."""
        state, school = await self._changeable(caller, teacher_id)
        reason = reason.strip()
        if not reason:
            raise DomainError(ErrorCode.INVALID_INPUT, "请填写变更原因", "reason")
        if state.status != "APPROVED" or state.movement:
            why = "有未完成的调动或减员" if state.movement else "只有审核通过的记录才能发起信息变更"
            raise DomainError(ErrorCode.WRONG_STATE, f"不能发起信息变更：{why}", "teacherId")
        new = dataclasses.replace(
            state, status="CHANGING", seq=state.seq + 1, step=0, findings=(), synced=False, kind="CHANGE",
            updated_at=_now(),
        )  # fmt: skip
        event = Event(_now(), caller.username, "SCHOOL", school, "CHANGE", reason[:MAX_COMMENT])
        new = await self._move(state, new, event)
        await self._sync(new)
        return new

    async def withdraw_change(self, caller: Caller, teacher_id: str) -> ReviewState:
        """CHANGING or a rejected change -> APPROVED, the last approved version restored."""
        state, school = await self._changeable(caller, teacher_id)
        if not (state.is_change and state.status != "SUBMITTED"):
            why = "变更已报送，审核期间不能撤回" if state.is_change else "该记录没有进行中的信息变更"
            raise DomainError(ErrorCode.WRONG_STATE, f"不能撤回：{why}", "teacherId")
        new = dataclasses.replace(
            state, status="APPROVED", seq=state.seq + 1, step=0, findings=(), synced=False, updated_at=_now()
        )
        new = await self._move(state, new, Event(_now(), caller.username, "SCHOOL", school, "WITHDRAW"))
        await self._sync(new)
        return new

    async def _changeable(self, caller: Caller, teacher_id: str) -> tuple[ReviewState, str]:
        """The state of a record the caller may change (the school's clerk, or the teacher's own), and its school."""
        caller.require()
        own = caller.teacher_only and caller.teacher_id == teacher_id
        if not (own or caller.has_role("DATA_ENTRY")):
            raise DomainError(ErrorCode.FORBIDDEN, "信息变更由本校信息录入员或教师本人发起", "teacherId")
        records = await self.ports.read([teacher_id], False) if teacher_id else {}
        record = records.get(teacher_id)
        if record is None:  # absent or out of the caller's reach: one answer
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内", "teacherId")
        state = (await self.storage.get([teacher_id])).get(teacher_id) or ReviewState(teacher_id)
        return state, record.school_code

    @staticmethod
    def _batch(teacher_ids: list[str]) -> list[str]:
        ids = list(dict.fromkeys(i for i in teacher_ids if i))
        if not ids:
            raise DomainError(ErrorCode.INVALID_INPUT, "请选择要处理的教师记录", "teacherIds")
        if len(ids) > MAX_BATCH:
            raise DomainError(ErrorCode.INVALID_INPUT, f"一次最多处理 {MAX_BATCH} 条记录", "teacherIds")
        return ids

    async def _submit(self, caller: Caller, record: ReviewRecord | None, state: ReviewState) -> None:
        if record is None:  # absent or out of the caller's reach: one answer
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内")
        if state.status not in ("DRAFT", "REJECTED", "CHANGING"):
            raise DomainError(ErrorCode.WRONG_STATE, "该记录已报送，审核期间不能重复报送")
        if record.missing:
            missing = [self.ports.describe(path, record.school_type) for path in record.missing[:20]]
            raise DomainError(ErrorCode.INCOMPLETE, "信息不完整，不能报送；缺少：" + "、".join(missing))
        kind = self.kind_of(state, record)
        if kind != "FIRST_ENTRY" and not record.changed:
            raise DomainError(ErrorCode.WRONG_STATE, "该记录与审核通过的版本相比没有任何修改，无需报送；可撤回变更")
        levels = {"CHANGE": self.config.change_levels, "KEY_CHANGE": self.config.key_change_levels}
        chain = await self._chain(record.org_path, levels.get(kind, self.config.levels))
        new = dataclasses.replace(
            state,
            status="SUBMITTED",
            seq=state.seq + 1,
            chain=chain,
            step=0,
            org_path=record.org_path,
            findings=(),
            synced=False,
            followups="",
            identity_check="",
            updated_at=_now(),
            kind=kind,
        )
        new = await self._move(state, new, Event(_now(), caller.username, chain[0][0], chain[0][1], "SUBMIT"))
        problems = await self._sync(new)
        if problems and problems[0][0] == "DUPLICATE_PERSON":
            raise DomainError(ErrorCode.DUPLICATE_PERSON, "查重未通过，变更已自动驳回：" + problems[0][1])
        if problems:
            raise DomainError(ErrorCode.INCOMPLETE, "；".join(m for _, m, _ in problems[:5]))

    def key_fields(self) -> set[str]:
        """关键数据项: the national ones and those the plugins add (`tmis_key_fields`)."""
        return {*KEY_FIELDS, *(k for keys in self.plugins.hook.tmis_key_fields() for k in keys or ())}

    def kind_of(self, state: ReviewState, record: ReviewRecord) -> str:
        """What a submission concerns: a first entry, or a change (key when it touches a key field)."""
        if state.status == "DRAFT" or (state.status == "REJECTED" and state.kind == "FIRST_ENTRY"):
            return "FIRST_ENTRY"
        keys = {f"basic.{k}" for k in self.key_fields()}
        return "KEY_CHANGE" if any(p in keys for p in record.changed) else "CHANGE"

    async def _pending_at_caller(self, caller: Caller, state: ReviewState | None) -> tuple[str, str]:
        if state is None or not (caller.service or caller.reaches(state.org_path)):
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内")
        if state.status != "SUBMITTED":
            raise DomainError(ErrorCode.WRONG_STATE, "该记录不在待审核状态（可能已被其他审核员处理）")
        level, org = state.pending
        if org != caller.org_code:
            name = await self.ports.name_of(org)
            raise DomainError(
                ErrorCode.FORBIDDEN, f"该记录正等待{LEVEL_NAMES.get(level, level)}（{name}）审核，您无权审核"
            )
        return level, org

    async def _approve(
        self, caller: Caller, state: ReviewState | None, record: ReviewRecord | None, comment: str
    ) -> None:
        level, org = await self._pending_at_caller(caller, state)
        assert state is not None
        if record is None:
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内")
        reviewer = Reviewer(caller.username, caller.org_code, level)
        record = dataclasses.replace(record, kind=state.kind)
        findings = self.check(level, record, reviewer)
        blocking = [f for f in findings if f.blocking]
        if blocking:
            raise DomainError(ErrorCode.REVIEW_BLOCKED, "；".join(f.message for f in blocking[:5]))
        final = state.step + 1 >= len(state.chain)
        new = dataclasses.replace(
            state,
            status="APPROVED" if final else "SUBMITTED",
            seq=state.seq + 1,
            step=state.step if final else state.step + 1,
            findings=tuple(findings),
            synced=False,
            followups="PENDING" if final else "",
            updated_at=_now(),
        )
        new = await self._move(state, new, Event(_now(), caller.username, level, org, "APPROVE", comment))
        await self._sync(new)
        try:
            self.plugins.hook.tmis_after_approval(record=record, reviewer=reviewer, final=final)
        except Exception:  # noqa: BLE001 - a plugin's failure after the fact must not undo the approval
            logger.exception("tmis_after_approval failed for %s", state.teacher_id)
        if final:
            await self._finish(new, record)

    async def _reject(self, caller: Caller, state: ReviewState | None, reason: str) -> None:
        level, org = await self._pending_at_caller(caller, state)
        assert state is not None
        new = dataclasses.replace(
            state, status="REJECTED", seq=state.seq + 1, step=0, findings=(), synced=False, updated_at=_now()
        )
        new = await self._move(state, new, Event(_now(), caller.username, level, org, "REJECT", reason))
        await self._sync(new)

    def check(self, level: str, record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
        """Every plugin's findings for an approval at `level` (the built-in checks included)."""
        hook = getattr(self.plugins.hook, f"tmis_review_{level.lower()}")
        return [f for found in hook(record=record, reviewer=reviewer) for f in found or ()]

    async def _chain(self, org_path: tuple[str, ...], wanted: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        levels = await self.ports.levels_of(org_path)
        chain = [(levels[c], c) for c in reversed(org_path) if levels.get(c) in wanted]
        if not chain or chain[0][0] != "SCHOOL":
            raise DomainError(ErrorCode.INTERNAL, "无法确定该学校的审核链，请联系管理员")
        return tuple(sorted(chain, key=lambda c: self.config.levels.index(c[0])))

    async def _move(self, old: ReviewState, new: ReviewState, event: Event) -> ReviewState:
        if not await self.storage.move(old, new, event):
            raise DomainError(ErrorCode.VERSION_CONFLICT, "该记录刚被他人处理，请刷新后重试")
        return dataclasses.replace(new, events=(*old.events, event))

    # records and the steps after final approval, retried until done

    async def _sync(self, state: ReviewState) -> list[tuple[str, str, str]]:
        """Pushes the state to records; a submission records refuses is taken back."""
        last = state.events[-1].action if state.events else ""
        approved = last == "APPROVE"  # keep what was approved
        # a key change is checked for look-alikes (查重) as it is submitted
        check = state.status == "SUBMITTED" and state.step == 0 and last == "SUBMIT" and state.kind == "KEY_CHANGE"
        try:
            problems = await self.ports.push(
                state.teacher_id, state.status, state.seq, approved, last == "WITHDRAW", check
            )
        except DomainError as err:  # records unreachable: the transition stands, the reconciler pushes it
            logger.warning("pushing %s to records failed (%s); will retry", state.teacher_id, err.message)
            return []
        if problems and problems[0][0] == "DUPLICATE_PERSON" and state.status == "SUBMITTED":
            await self._auto_reject(state, problems[0][1])
            return problems
        if problems and state.status == "SUBMITTED" and state.step == 0 and problems[0][0] != "NOT_FOUND":
            prior = state.events[-2].action if len(state.events) > 1 else ""
            before = {"REJECT": "REJECTED", "CHANGE": "CHANGING"}.get(prior, "DRAFT")
            back = dataclasses.replace(
                state, status=before, seq=state.seq + 1, events=state.events[:-1], synced=False, updated_at=_now()
            )
            if await self.storage.undo_submit(state, back):
                await self._sync(back)
            return problems
        await self.storage.mark(state, synced=True)
        return problems

    async def _auto_reject(self, state: ReviewState, finding: str) -> None:
        """A key change that fails 查重 is rejected at once, with the finding as its reason."""
        level, org = state.chain[0] if state.chain else ("SCHOOL", "")
        new = dataclasses.replace(state, status="REJECTED", seq=state.seq + 1, step=0, synced=False, updated_at=_now())
        event = Event(_now(), "系统查重", level, org, "REJECT", f"查重未通过：{finding}"[:MAX_COMMENT])
        if await self.storage.move(state, new, event):
            await self._sync(dataclasses.replace(new, events=(*state.events, event)))

    async def _finish(self, state: ReviewState, record: ReviewRecord) -> None:
        """After final approval: the temporary 个人标识码, identity verification, the formal code.
        After a key change the temporary code is renewed when the document or birth date changed."""
        renew = state.kind == "KEY_CHANGE"
        await self.ports.first_approved(state.teacher_id, state.org_path)
        try:
            code = await self.ports.assign_code(state.teacher_id, False, "", renew)
        except DomainError as err:
            if err.code != ErrorCode.DUPLICATE_PERSON:
                logger.warning("personal code for %s failed (%s); will retry", state.teacher_id, err.message)
                return
            await self.storage.mark(state, followups="DUPLICATE", identity_check=err.message)  # for a person to resolve
            return
        try:
            check = self.plugins.hook.tmis_verify_identity(record=record)
            if check is not None and check.verified:
                code = await self.ports.assign_code(state.teacher_id, True, self.config.formal_letter, False)
            self.plugins.hook.tmis_after_final_approval(record=dataclasses.replace(record, personal_code=code))
        except Exception:  # noqa: BLE001 - retried by the reconciler
            logger.exception("steps after final approval failed for %s; will retry", state.teacher_id)
            return
        outcome = f"{check.source}: {check.message}" if check else ""
        await self.storage.mark(state, followups="DONE", identity_check=outcome)

    async def reconcile(self) -> int:
        """Finishes what a crash or a failed call left half-done; returns how many it touched."""
        stale = await self.storage.stale(_now() - self.config.retry_after)
        for state in stale:
            try:
                if not state.synced:
                    await self._sync(state)
                if state.followups == "PENDING":
                    records = await self.ports.read([state.teacher_id], True)
                    if state.teacher_id in records:
                        await self._finish(state, records[state.teacher_id])
            except Exception:  # noqa: BLE001 - next round
                logger.exception("reconciling %s failed", state.teacher_id)
        return len(stale)

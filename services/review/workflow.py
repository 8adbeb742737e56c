"""The review chain (SPEC §5): 报送 at the school, approval level by level up the school's
ancestors, rejection back to the school, 信息变更 of an approved record, and what follows final
approval.

The review service owns the state machine; records only mirrors the status (and refuses writes
to records under review). Every state change is a `transition` of the state's one owner
(`states.ReviewStates`), which stores it as a compare-and-set and pushes it to records. Final
approval is stored with `followups=PENDING`; the 个人标识码 and the final hooks (idempotent) then
run, and `reconcile` runs them again when a crash or a failed call left them undone.
"""

from __future__ import annotations

import dataclasses
import logging

import pluggy

from services.review import access
from services.review._common import MAX_BATCH, MAX_COMMENT, Failed, batch_ids, each, now, pending_at_caller, today
from services.review.config import Config
from services.review.model import KEY_FIELDS, Event, Flow, ReviewState
from services.review.ports import FlowStore, Orgs, Records
from services.review.states import ReviewStates
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.hookspecs import Finding, Reviewer, ReviewRecord
from tmis.paging import after_key, page_size

logger = logging.getLogger("tmis.review")
RECORDS = "教师记录"


class Workflow:
    def __init__(
        self,
        states: ReviewStates,
        flows: FlowStore,
        records: Records,
        orgs: Orgs,
        plugins: pluggy.PluginManager,
        config: Config,
    ) -> None:
        self.states = states
        self.flow_store = flows
        self.records = records
        self.orgs = orgs
        self.plugins = plugins
        self.config = config

    # reads

    async def visible_states(self, caller: Caller, teacher_ids: list[str]) -> list[ReviewState]:
        """States of the records the caller may see; a record never submitted is DRAFT."""
        caller.require()
        ids = list(dict.fromkeys(teacher_ids[:1000]))
        stored = await self.states.get(ids)
        out = []
        for teacher_id in ids:
            state = stored.get(teacher_id)
            if state is None:
                out.append(ReviewState(teacher_id))
            elif access.may_see_state(caller, teacher_id, state):
                out.append(state)
        return out

    async def queue(self, caller: Caller, first: int, after: str) -> tuple[list[str], bool, int, str]:
        """(teacher ids pending at the caller's org, has next, total, end cursor)."""
        caller.require("REVIEWER")
        first = page_size(first)
        keys, total = await self.states.queue(caller.org_code, after_key(after), first + 1)
        page = keys[:first]
        return [k.partition("|")[2] for k in page], len(keys) > first, total, page[-1] if page else ""

    # transitions: each returns (succeeded ids, errors), one error per failed record

    async def submit(self, caller: Caller, teacher_ids: list[str]) -> tuple[list[str], list[Failed]]:
        caller.require()
        if not access.may_submit(caller):
            raise DomainError(ErrorCode.FORBIDDEN, "报送由本校信息录入员执行：信息填好后，请联系学校信息录入员报送")
        ids = batch_ids(teacher_ids, RECORDS, "teacherIds")
        records = await self.records.read(ids, caller)
        states = await self.states.get(ids)
        return await each(ids, lambda i: self._submit(caller, records.get(i), states.get(i) or ReviewState(i)))

    async def submit_matching(
        self, caller: Caller, org_code: str, status: str, search: str
    ) -> tuple[list[str], list[Failed]]:
        """报送 every complete DRAFT/REJECTED/CHANGING record of a filter; each checked as one given by id."""
        caller.require()
        if status not in ("", "DRAFT", "REJECTED", "CHANGING"):
            raise DomainError(ErrorCode.INVALID_INPUT, "只能报送草稿、已驳回或变更中的记录", "status")
        ids = await self.records.complete_ids(caller, org_code or caller.org_code, status, search)
        if not ids:
            return [], []
        return await self.submit(caller, ids[:MAX_BATCH])

    async def pending_ids(self, caller: Caller) -> list[str]:
        """Every record pending at the caller's org, oldest first, up to the batch limit."""
        caller.require("REVIEWER")
        keys, _ = await self.states.queue(caller.org_code, None, MAX_BATCH)
        return [k.partition("|")[2] for k in keys]

    async def approve(self, caller: Caller, teacher_ids: list[str], comment: str) -> tuple[list[str], list[Failed]]:
        caller.require("REVIEWER")
        ids = batch_ids(teacher_ids, RECORDS, "teacherIds")
        states = await self.states.get(ids)
        records = await self.records.read([i for i in ids if i in states], caller)
        return await each(
            ids, lambda i: self._approve(caller, states.get(i), records.get(i), comment.strip()[:MAX_COMMENT])
        )

    async def reject(self, caller: Caller, teacher_ids: list[str], reason: str) -> tuple[list[str], list[Failed]]:
        caller.require("REVIEWER")
        reason = reason.strip()
        if not reason:
            raise DomainError(ErrorCode.INVALID_INPUT, "驳回必须填写原因（审核意见）", "reason")
        ids = batch_ids(teacher_ids, RECORDS, "teacherIds")
        states = await self.states.get(ids)
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
        new = dataclasses.replace(state, status="CHANGING", step=0, findings=(), kind="CHANGE")
        event = Event(now(), caller.username, "SCHOOL", school, "CHANGE", reason[:MAX_COMMENT])
        return (await self.states.transition(state, new, event))[0]

    async def withdraw_change(self, caller: Caller, teacher_id: str) -> ReviewState:
        """CHANGING or a rejected change -> APPROVED, the last approved version restored."""
        state, school = await self._changeable(caller, teacher_id)
        if not (state.is_change and state.status != "SUBMITTED"):
            why = "变更已报送，审核期间不能撤回" if state.is_change else "该记录没有进行中的信息变更"
            raise DomainError(ErrorCode.WRONG_STATE, f"不能撤回：{why}", "teacherId")
        new = dataclasses.replace(state, status="APPROVED", step=0, findings=())
        event = Event(now(), caller.username, "SCHOOL", school, "WITHDRAW")
        return (await self.states.transition(state, new, event))[0]

    async def _changeable(self, caller: Caller, teacher_id: str) -> tuple[ReviewState, str]:
        """The state of a record the caller may change (the school's clerk, or the teacher's own), and its school."""
        caller.require()
        if not access.may_start_change(caller, teacher_id):
            raise DomainError(ErrorCode.FORBIDDEN, "信息变更由本校信息录入员或教师本人发起", "teacherId")
        record = (await self.records.read([teacher_id], caller)).get(teacher_id) if teacher_id else None
        if record is None:  # absent or out of the caller's reach: one answer
            raise access.no_record("teacherId")
        return await self.states.one(teacher_id), record.school_code

    async def _submit(self, caller: Caller, record: ReviewRecord | None, state: ReviewState) -> None:
        if record is None:  # absent or out of the caller's reach: one answer
            raise access.no_record()
        if state.status not in ("DRAFT", "REJECTED", "CHANGING"):
            raise DomainError(ErrorCode.WRONG_STATE, "该记录已报送，审核期间不能重复报送")
        if record.missing:
            missing = [self.records.describe(path, record.school_type) for path in record.missing[:20]]
            raise DomainError(ErrorCode.INCOMPLETE, "信息不完整，不能报送；缺少：" + "、".join(missing))
        kind = self.kind_of(state, record)
        if kind != "FIRST_ENTRY" and not record.changed:
            raise DomainError(ErrorCode.WRONG_STATE, "该记录与审核通过的版本相比没有任何修改，无需报送；可撤回变更")
        levels = {"CHANGE": self.config.change_levels, "KEY_CHANGE": self.config.key_change_levels}
        chain = await self._chain(record.org_path, levels.get(kind, self.config.levels))
        new = dataclasses.replace(
            state,
            status="SUBMITTED",
            chain=chain,
            step=0,
            org_path=record.org_path,
            findings=(),
            followups="",
            identity_check="",
            kind=kind,
        )
        event = Event(now(), caller.username, chain[0][0], chain[0][1], "SUBMIT")
        _, problems = await self.states.transition(state, new, event)
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

    async def _pending_here(self, caller: Caller, state: ReviewState | None) -> tuple[ReviewState, str, str]:
        if state is None or not access.may_act_at(caller, state.org_path):
            raise access.no_record()
        level, org = await pending_at_caller(caller, "记录", state.status == "SUBMITTED", state.pending, self.orgs)
        return state, level, org

    async def _approve(
        self, caller: Caller, state: ReviewState | None, record: ReviewRecord | None, comment: str
    ) -> None:
        state, level, org = await self._pending_here(caller, state)
        if record is None:
            raise access.no_record()
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
            step=state.step if final else state.step + 1,
            findings=tuple(findings),
            followups="PENDING" if final else "",
        )
        event = Event(now(), caller.username, level, org, "APPROVE", comment)
        new, _ = await self.states.transition(state, new, event)
        try:
            self.plugins.hook.tmis_after_approval(record=record, reviewer=reviewer, final=final)
        except Exception:  # noqa: BLE001 - a plugin's failure after the fact must not undo the approval
            logger.exception("tmis_after_approval failed for %s", state.teacher_id)
        if final:
            await self._finish(new, record)

    async def _reject(self, caller: Caller, state: ReviewState | None, reason: str) -> None:
        state, level, org = await self._pending_here(caller, state)
        new = dataclasses.replace(state, status="REJECTED", step=0, findings=())
        await self.states.transition(state, new, Event(now(), caller.username, level, org, "REJECT", reason))

    def check(self, level: str, record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
        """Every plugin's findings for an approval at `level` (the built-in checks included)."""
        hook = getattr(self.plugins.hook, f"tmis_review_{level.lower()}")
        return [f for found in hook(record=record, reviewer=reviewer) for f in found or ()]

    async def _chain(self, org_path: tuple[str, ...], wanted: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        levels = await self.orgs.levels(org_path)
        chain = [(levels[c], c) for c in reversed(org_path) if levels.get(c) in wanted]
        if not chain or chain[0][0] != "SCHOOL":
            raise DomainError(ErrorCode.INTERNAL, "无法确定该学校的审核链，请联系管理员")
        return tuple(sorted(chain, key=lambda c: self.config.levels.index(c[0])))

    # the steps after final approval, retried until done

    async def _finish(self, state: ReviewState, record: ReviewRecord) -> None:
        """After final approval: 新增 in the flows, the temporary 个人标识码, identity verification,
        the formal code. After a key change the temporary code is renewed when the document or
        birth date changed."""
        renew = state.kind == "KEY_CHANGE"
        await self.flow_store.add_flow(f"{state.teacher_id}:NEW", today(), Flow("NEW", state.org_path, ()))
        try:
            code = await self.records.assign_code(state.teacher_id, False, "", renew)
        except DomainError as err:
            if err.code != ErrorCode.DUPLICATE_PERSON:
                logger.warning("personal code for %s failed (%s); will retry", state.teacher_id, err.message)
                return
            await self.states.finished(state, "DUPLICATE", err.message)  # for a person to resolve
            return
        try:
            check = self.plugins.hook.tmis_verify_identity(record=record)
            if check is not None and check.verified:
                code = await self.records.assign_code(state.teacher_id, True, self.config.formal_letter, False)
            self.plugins.hook.tmis_after_final_approval(record=dataclasses.replace(record, personal_code=code))
        except Exception:  # noqa: BLE001 - retried by the reconciler
            logger.exception("steps after final approval failed for %s; will retry", state.teacher_id)
            return
        await self.states.finished(state, "DONE", f"{check.source}: {check.message}" if check else "")

    async def reconcile(self) -> int:
        """Runs the steps after final approval that a crash or a failed call left undone."""
        stale = await self.states.unfinished()
        for state in stale:
            try:
                records = await self.records.read([state.teacher_id], None)
                if state.teacher_id in records:
                    await self._finish(state, records[state.teacher_id])
            except Exception:  # noqa: BLE001 - next round
                logger.exception("reconciling %s failed", state.teacher_id)
        return len(stale)

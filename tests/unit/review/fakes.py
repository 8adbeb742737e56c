"""In-memory fakes of review's ports (`services/review/ports.py`): the storage with the same
compare-and-set semantics as MongoDB's `update_one({_id, seq})`, records and identity as the
review domain sees them. No process, no database, no network."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from services.review.model import Event, Flow, Movement, MovementEvent, Person, ReviewState, School
from services.review.ports import Problem, Push
from tmis import paging
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.hookspecs import ReviewRecord

UNAVAILABLE = DomainError(ErrorCode.SERVICE_UNAVAILABLE, "服务暂时不可用，请稍后重试")


class FakeStateStore:
    def __init__(self) -> None:
        self.docs: dict[str, ReviewState] = {}

    async def get(self, teacher_ids: list[str]) -> dict[str, ReviewState]:
        return {i: self.docs[i] for i in teacher_ids if i in self.docs}

    def _at(self, state: ReviewState) -> ReviewState | None:
        """The stored state when it is still at `state`'s seq (the compare of compare-and-set)."""
        found = self.docs.get(state.teacher_id)
        return found if found is not None and found.seq == state.seq else None

    async def transition(self, old: ReviewState, new: ReviewState, event: Event | None) -> bool:
        added = (event,) if event else ()
        if old.seq == 0:  # the first transition inserts; a second insert loses
            if old.teacher_id in self.docs:
                return False
            self.docs[old.teacher_id] = dataclasses.replace(new, events=added)
            return True
        stored = self._at(old)
        if stored is None:
            return False
        self.docs[old.teacher_id] = dataclasses.replace(new, events=stored.events + added)
        return True

    async def undo_submit(self, state: ReviewState, back: ReviewState) -> bool:
        stored = self._at(state)
        if stored is None:
            return False
        self.docs[state.teacher_id] = dataclasses.replace(back, events=stored.events[:-1])
        return True

    async def mark_synced(self, state: ReviewState) -> None:
        if stored := self._at(state):
            self.docs[state.teacher_id] = dataclasses.replace(stored, synced=True)

    async def mark_followups(self, state: ReviewState, followups: str, identity_check: str) -> None:
        if stored := self._at(state):
            self.docs[state.teacher_id] = dataclasses.replace(
                stored, followups=followups, identity_check=identity_check
            )

    def _older(self, before: dt.datetime) -> list[ReviewState]:
        return [s for s in self.docs.values() if s.updated_at is not None and s.updated_at < before]

    async def unsynced(self, before: dt.datetime, limit: int = 100) -> list[ReviewState]:
        return [s for s in self._older(before) if not s.synced][:limit]

    async def unfinished(self, before: dt.datetime, limit: int = 100) -> list[ReviewState]:
        return [s for s in self._older(before) if s.followups == "PENDING"][:limit]

    async def queue(self, org_code: str, after: tuple[dt.datetime, str] | None, limit: int) -> tuple[list[str], int]:
        pending = sorted(
            (s.updated_at, s.teacher_id)
            for s in self.docs.values()
            if s.pending[1] == org_code and s.updated_at is not None
        )
        page = [p for p in pending if after is None or p > after][:limit]
        return [paging.cursor(at, i) for at, i in page], len(pending)


class FakeMovementStore:
    """`MovementStore` and `FlowStore`."""

    def __init__(self) -> None:
        self.docs: dict[str, Movement] = {}
        self.flows: dict[str, tuple[str, Flow]] = {}

    async def insert(self, m: Movement) -> None:
        self.docs[m.id] = m

    async def delete(self, m: Movement) -> None:
        if m.id in self.docs and self.docs[m.id].seq == m.seq:
            del self.docs[m.id]

    async def get(self, ids: list[str]) -> dict[str, Movement]:
        return {i: self.docs[i] for i in ids if i in self.docs}

    async def transition(self, old: Movement, new: Movement, event: MovementEvent | None) -> bool:
        stored = self.docs.get(old.id)
        if stored is None or stored.seq != old.seq:
            return False
        self.docs[old.id] = dataclasses.replace(new, events=stored.events + ((event,) if event else ()))
        return True

    async def mark_applied(self, m: Movement) -> None:
        stored = self.docs.get(m.id)
        if stored is not None and stored.seq == m.seq:
            self.docs[m.id] = dataclasses.replace(stored, applied=True)

    async def unapplied(self, before: dt.datetime, limit: int = 100) -> list[Movement]:
        return [m for m in self.docs.values() if not m.applied and m.updated_at < before][:limit]

    async def of_teachers(self, teacher_ids: list[str]) -> list[Movement]:
        found = [m for m in self.docs.values() if m.teacher_id in teacher_ids]
        return sorted(found, key=lambda m: m.created_at, reverse=True)

    async def page(
        self, org_code: str, kind: str, status: str, after: tuple[dt.datetime, str] | None, limit: int
    ) -> tuple[list[Movement], int]:
        found = sorted(
            (
                m
                for m in self.docs.values()
                if org_code in (*m.from_path, *m.to_path)
                and (not kind or m.kind == kind)
                and (not status or m.status == status)
            ),
            key=lambda m: (m.created_at, m.id),
            reverse=True,
        )
        return [m for m in found if after is None or (m.created_at, m.id) < after][:limit], len(found)

    async def pending(
        self, org_code: str, statuses: Sequence[str], after: tuple[dt.datetime, str] | None, limit: int
    ) -> tuple[list[Movement], int]:
        found = sorted(
            (m for m in self.docs.values() if m.pending[1] == org_code and m.status in statuses),
            key=lambda m: (m.updated_at, m.id),
        )
        return [m for m in found if after is None or (m.updated_at, m.id) > after][:limit], len(found)

    async def add_flow(self, flow_id: str, date: str, flow: Flow) -> None:
        self.flows.setdefault(flow_id, (date, flow))

    async def flows_of(self, org_code: str, start: str, end: str) -> list[Flow]:
        return [f for date, f in self.flows.values() if org_code in (*f.from_path, *f.to_path) and start <= date <= end]


class FakeRecords:
    """`Records` and `ReviewStatus`: the records review reads, and records' mirror of each status."""

    def __init__(self) -> None:
        self.records: dict[str, ReviewRecord] = {}
        self.mirror: dict[str, tuple[str, int]] = {}  # teacher id -> (status, seq) records holds
        self.pushes: list[tuple[str, str, int, Push]] = []
        self.codes: dict[str, str] = {}
        self.look_alikes: set[str] = set()  # teacher ids whose 查重 finds someone
        self.duplicate_codes: set[str] = set()  # teacher ids whose 个人标识码 查重 finds someone
        self.down = False

    def _up(self) -> None:
        if self.down:
            raise UNAVAILABLE

    async def read(self, teacher_ids: list[str], caller: Caller | None) -> dict[str, ReviewRecord]:
        self._up()
        return {
            i: r
            for i, r in self.records.items()
            if i in teacher_ids
            and (
                caller is None
                or caller.service
                or caller.reaches(r.org_path)
                or (caller.teacher_only and caller.teacher_id == i)
            )
        }

    async def complete_ids(self, caller: Caller, org_code: str, status: str, search: str) -> list[str]:
        wanted = (status,) if status else ("DRAFT", "REJECTED", "CHANGING")
        return [
            i
            for i, r in self.records.items()
            if org_code in r.org_path
            and caller.reaches(r.org_path)
            and not r.missing
            and self.mirror.get(i, ("DRAFT", 0))[0] in wanted
            and str(r.basic.get("name", "")).startswith(search)
        ]

    async def assign_code(self, teacher_id: str, formal: bool, letter: str, renew: bool) -> str:
        self._up()
        if teacher_id in self.duplicate_codes:
            raise DomainError(ErrorCode.DUPLICATE_PERSON, "省内查重发现疑似同一人")
        if formal:
            self.codes[teacher_id] = letter + str(self.records[teacher_id].basic["idNumber"])
        elif renew or teacher_id not in self.codes:
            self.codes[teacher_id] = f"L{len(self.codes) + 1:018d}"
        return self.codes[teacher_id]

    async def move(self, teacher_id: str, school: School, actor: str) -> None:
        self._up()
        r = self.records[teacher_id]
        self.records[teacher_id] = dataclasses.replace(
            r, school_code=school.code, school_type=school.school_type, org_path=school.path
        )

    async def find_person(self, id_type: str, id_number: str) -> list[Person]:
        self._up()
        return [
            Person(i, str(r.basic.get("name", "")), r.org_path)
            for i, r in self.records.items()
            if r.basic.get("idType") == id_type and r.basic.get("idNumber") == id_number
        ]

    def describe(self, path: str, school_type: str) -> str:
        return {"education": "学习经历", "basic.name": "姓名"}.get(path, path)

    async def set_status(self, teacher_id: str, status: str, seq: int, push: Push) -> list[Problem]:
        self._up()
        if teacher_id not in self.records:
            return [("NOT_FOUND", "教师信息不存在，可能已被删除", "teacherId")]
        if push.check_duplicates and teacher_id in self.look_alikes:
            return [("DUPLICATE_PERSON", "与 张三（3162010301）疑似为同一人，请核实后处理", "basic.idNumber")]
        if self.mirror.get(teacher_id, ("", 0))[1] >= seq:
            return []  # an older push than the one records has: already applied
        missing = self.records[teacher_id].missing
        if status == "SUBMITTED" and missing:
            return [("INCOMPLETE", f"信息不完整，不能报送：缺少 {p}", p) for p in missing]
        self.mirror[teacher_id] = (status, seq)
        self.pushes.append((teacher_id, status, seq, push))
        return []


class FakeOrgs:
    def __init__(self, orgs: Sequence[School]) -> None:
        self.orgs = {o.code: o for o in orgs}

    async def org(self, code: str) -> School | None:
        return self.orgs.get(code)

    async def levels(self, codes: Sequence[str]) -> dict[str, str]:
        return {c: self.orgs[c].level for c in codes if c in self.orgs}


class FakeAccounts:
    def __init__(self) -> None:
        self.accounts: dict[str, tuple[str, bool]] = {}  # teacher id -> (school code, enabled)
        self.down = False

    async def place(self, teacher_id: str, school_code: str, enabled: bool) -> None:
        if self.down:
            raise UNAVAILABLE
        school = school_code or self.accounts.get(teacher_id, ("", True))[0]
        self.accounts[teacher_id] = (school, enabled)

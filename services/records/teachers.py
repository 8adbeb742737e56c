"""Teacher records: create, save 基本信息, add / update / delete entries, read, list, history.

Who may read and write what is access.py's (SPEC §4.2): a TEACHER its own record and the
teacher-owned sets; DATA_ENTRY the records of its subtree and every set, the school-only ones
(基本待遇, 年度考核) included; QUERY and REVIEWER read their subtree; a SYSTEM_ADMIN only a school's
roster; nobody reads outside their subtree. The rules of a write (which states are written, the
merges, the caps, the refusals) are RecordWrites' (writes.py), which an import follows too. Every
write names the version it read.

A record's content is written by people only: a service identity alone writes none of it (it
writes what it owns: review states, moves, personal codes; see review_link.py). A long job (an
import, a photo archive) writes with its uploader's identity, checked here at each write.
"""

from __future__ import annotations

import asyncio
import builtins
import dataclasses
import datetime as dt
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from services.records import access
from services.records.derived import diff, set_path
from services.records.model import Change, Entry, OrgRef, Page, Teacher
from services.records.storage import DuplicatePerson, Storage
from services.records.validation import LocalRules, Problem
from services.records.writes import RecordWrites
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.paging import after_position, cursor, page_size
from tmis.registry import InfoSet, Registry

# org code -> the org as identity knows it, or None when unknown or out of the caller's sight
OrgLookup = Callable[[str], Awaitable[OrgRef | None]]
# org code -> its name ("" when unknown), whoever asks
NameLookup = Callable[[str], Awaitable[str]]
STATUS = ("DRAFT", "SUBMITTED", "REJECTED", "APPROVED", "CHANGING", "LEFT")
Write = tuple[Teacher | None, list[Problem]]
# a page of a record's history, newest first: (cursor, change) pairs, and whether more follow
History = tuple[list[tuple[str, Change]], bool]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _refusals(problems: list[Problem]) -> list[Problem]:
    """What blocks a save: every problem but the warnings."""
    return [p for p in problems if not p.warning]


def _identity(basic: Mapping[str, Any]) -> tuple[Any, Any]:
    return basic.get("idType"), basic.get("idNumber")


class Teachers:
    def __init__(
        self,
        storage: Storage,
        org_of: OrgLookup,
        registry: Registry,
        tables: Mapping[str, CodeTable],
        rules: LocalRules | None = None,
        name_of: NameLookup | None = None,
    ) -> None:
        self.storage = storage
        self.org_of = org_of
        self.registry = registry
        self.tables = tables
        self.rules = rules
        self.name_of = name_of
        self.writes = RecordWrites(registry, tables, rules)

    # access

    async def school(self, caller: Caller, school_code: str) -> OrgRef:
        """The school, when it is one in the caller's reach (one refusal for absent and out of reach)."""
        school = await self.org_of(school_code)
        if school is None or not access.school_in_reach(caller, school):
            raise access.no_school()
        return school

    async def _load(self, caller: Caller, teacher_id: str) -> Teacher:
        """The record, when the caller may see it (one answer for absent and out of reach)."""
        access.require(caller, "read")
        found = await self.storage.get([teacher_id])
        if not found or not access.may_read(caller, found[0]):
            raise access.no_record()
        return found[0]

    async def _writable(self, caller: Caller, teacher_id: str, version: int | None, info_set: InfoSet) -> Teacher:
        teacher = await self._load(caller, teacher_id)
        self.writes.check(caller, teacher, version, info_set)
        return teacher

    # writes

    def _basic(self, school_type: str, basic: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """基本信息 validated: (the clean values, every problem, warnings included)."""
        return self.writes.validate(self.writes.info_set("BASIC", "basic"), basic, school_type, "basic")

    async def create(self, caller: Caller, school_code: str, basic: Mapping[str, Any]) -> Write:
        access.require(caller, "create")
        if not access.is_person(caller):
            raise access.not_a_person()
        school = await self.school(caller, school_code)
        data, found = self._basic(school.school_type, basic)
        if problems := _refusals(found):
            return None, problems
        teacher = Teacher("", 1, school.code, school.school_type, school.path, "DRAFT", data)
        teacher = self.writes.finish(teacher, basic_problems=found)
        try:
            return await self.storage.insert(teacher, _now()), []
        except DuplicatePerson as dup:
            return None, [await self._duplicate(caller, dup, school.code)]

    async def _duplicate(self, caller: Caller, dup: DuplicatePerson, school_code: str) -> Problem:
        """RecordWrites' refusal, with the school's name when the person is in this very school."""
        name = await self.school_name(school_code) if dup.school_code == school_code else ""
        return self.writes.duplicate(caller, dup, school_code, name)

    async def school_name(self, school_code: str) -> str:
        if self.name_of is not None:
            return await self.name_of(school_code)
        org = await self.org_of(school_code)
        return org.name if org else ""

    async def _save(
        self,
        caller: Caller,
        old: Teacher,
        new: Teacher,
        basic_problems: list[Problem] | None = None,
        entry_warnings: Sequence[tuple[str, str, str]] | None = None,
    ) -> Write:
        """Derives, checks completeness (reusing what the caller validated) and writes `new` if
        `old` is still the stored version; the reply is the record as written, built here."""
        if refusal := self.writes.education(old, new):
            return None, [refusal]
        new = self.writes.finish(new, basic_problems, entry_warnings)
        now = _now()
        try:
            written = await self.storage.write(old, new, now, diff(old, new, caller.username, now), caller.via)
        except DuplicatePerson as dup:
            return None, [await self._duplicate(caller, dup, old.school_code)]
        if written is None:
            raise self.writes.conflict()
        return written, []

    async def save_basic(self, caller: Caller, teacher_id: str, version: int, basic: Mapping[str, Any]) -> Write:
        """One validation of 基本信息 (its warnings kept for the record); the entries' warnings reused."""
        basic_set = self.writes.info_set("BASIC", "basic")
        teacher = await self._writable(caller, teacher_id, version, basic_set)
        data, found = self._basic(teacher.school_type, basic)
        if problems := _refusals(found):
            return None, problems
        if not access.may_change_identity(caller) and _identity(data) != _identity(teacher.basic):
            return None, [Problem("FORBIDDEN", "身份证件类型和号码只能由学校信息录入员修改", "basic.idNumber")]
        new = dataclasses.replace(teacher, basic=self.writes.basic(teacher, data))
        entry_warnings = [w for w in teacher.warnings if not w[2].startswith("basic.")]
        return await self._save(caller, teacher, new, found, entry_warnings)

    async def _entry(
        self, teacher: Teacher, info_set: InfoSet, data: Mapping[str, Any], entry_id: str = ""
    ) -> tuple[dict[str, Any], list[Problem]]:
        """The entry validated, defaults (the school's name) applied; a second one for a year refused."""
        path = f"entry.{set_path(info_set.key)}"
        name = await self.school_name(teacher.school_code)
        clean, problems = self.writes.validate(info_set, data, teacher.school_type, path, name)
        problems = _refusals(problems)
        if not problems:
            others = [e for e in teacher.entries_of(info_set.key) if e.id != entry_id]
            problems = [p for p in [self.writes.one_per(info_set, clean, others, teacher.school_type, path)] if p]
        return clean, problems

    async def add_entry(
        self, caller: Caller, teacher_id: str, version: int, set_key: str, data: Mapping[str, Any]
    ) -> Write:
        info_set = self.writes.info_set(set_key, "entry")
        if info_set.key == "BASIC":
            raise DomainError(ErrorCode.INVALID_INPUT, "基本信息请用“保存基本信息”修改", "entry")
        teacher = await self._writable(caller, teacher_id, version, info_set)
        if too_many := self.writes.too_many(info_set, len(teacher.entries_of(info_set.key)) + 1):
            raise DomainError(ErrorCode.INVALID_INPUT, too_many, "entry")
        clean, problems = await self._entry(teacher, info_set, data)
        if problems:
            return None, problems
        entry = Entry(secrets.token_hex(8), info_set.key, clean)
        return await self._save(caller, teacher, dataclasses.replace(teacher, entries=(*teacher.entries, entry)))

    def _find_entry(self, teacher: Teacher, entry_id: str) -> Entry:
        entry = next((e for e in teacher.entries if e.id == entry_id), None)
        if entry is None:
            raise DomainError(ErrorCode.NOT_FOUND, "该条信息不存在，可能已被删除，请刷新", "entryId")
        return entry

    async def update_entry(
        self, caller: Caller, teacher_id: str, version: int, entry_id: str, data: Mapping[str, Any]
    ) -> Write:
        teacher = await self._load(caller, teacher_id)
        info_set = self.writes.info_set(self._find_entry(teacher, entry_id).set, "entry")
        self.writes.check(caller, teacher, version, info_set)
        clean, problems = await self._entry(teacher, info_set, data, entry_id)
        if problems:
            return None, problems
        entries = tuple(self.writes.entry(info_set, e, clean) if e.id == entry_id else e for e in teacher.entries)
        return await self._save(caller, teacher, dataclasses.replace(teacher, entries=entries))

    async def delete_entry(self, caller: Caller, teacher_id: str, version: int, entry_id: str) -> Write:
        teacher = await self._load(caller, teacher_id)
        info_set = self.writes.info_set(self._find_entry(teacher, entry_id).set, "entry")
        self.writes.check(caller, teacher, version, info_set)
        return await self._save(
            caller, teacher, dataclasses.replace(teacher, entries=tuple(e for e in teacher.entries if e.id != entry_id))
        )

    async def attach_photo(self, caller: Caller, teacher_id: str, photo: dict[str, Any]) -> tuple[str, int]:
        """The photo belongs to 基本信息: the teacher or the school's clerk, on an editable record.
        (replaced photo id or "", new version); a concurrent write is retried on the fresh record. Idempotent:
        media deletes the photo an attachment replaced, so a repeat (a retried call, a transaction retried
        after its commit went through) must not name the photo itself as replaced."""
        for _ in range(3):
            teacher = await self._writable(
                caller, teacher_id, None, dataclasses.replace(self.writes.info_set("BASIC", "photo"), label="照片")
            )
            if (teacher.photo or {}).get("id") == photo["id"]:  # a repeat of an applied call: nothing replaced
                return "", teacher.version
            if await self.storage.attach_photo(teacher, photo, _now(), caller.username, caller.via):
                return (teacher.photo or {}).get("id", ""), teacher.version + 1
        raise DomainError(ErrorCode.VERSION_CONFLICT, "该教师信息正被他人修改，请稍后重试", "teacherId")

    async def delete(self, caller: Caller, teacher_id: str) -> Teacher:
        access.require(caller, "delete")
        teacher = await self._writable(caller, teacher_id, None, self.writes.info_set("BASIC", "basic"))
        if teacher.once_approved:
            raise DomainError(ErrorCode.NOT_EDITABLE, "审核通过过的教师信息不能删除；人员离开请走减员流程", "teacherId")
        if not await self.storage.delete(teacher):
            raise DomainError(ErrorCode.NOT_EDITABLE, "该教师信息已报送，审核期间不能删除", "teacherId")
        return teacher

    # reads

    async def get(self, caller: Caller, ids: list[str]) -> list[Teacher]:
        """The records the caller may read, in the order asked, the others left out."""
        access.require(caller, "read")
        found = {t.id: t for t in await self.storage.get(ids[:1000]) if access.may_read(caller, t)}
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    async def list(self, caller: Caller, org_code: str, status: str, search: str, first: int, after: str) -> Page:
        access.require(caller, "list")
        if status and status not in STATUS:
            raise DomainError(ErrorCode.INVALID_INPUT, "审核状态无效", "status")
        org = await self.org_of(org_code) if access.needs_org(caller, org_code) else None
        if not access.may_list(caller, org_code, org):
            raise access.no_org()
        search = search.strip()[:30]
        first = page_size(first)
        teachers, total = await self.storage.list(org_code, status, search, after_position(after), first + 1)
        page = teachers[:first]
        end = cursor(page[-1].updated_at, page[-1].id, page[-1].seq) if page and page[-1].updated_at else ""
        return Page(page, len(teachers) > first, total, end)

    async def history(self, caller: Caller, teacher_id: str, first: int, after: str) -> History:
        if not await self.get(caller, [teacher_id]):
            raise access.no_record()
        first = page_size(first)
        changes = await self.storage.changes(teacher_id, after, first + 1)
        return changes[:first], len(changes) > first

    async def histories(self, caller: Caller, teacher_ids: builtins.list[str], first: int) -> dict[str, History]:
        """The batch form of `history`: the first page of each record the caller may read, the others
        left out. One query per record, run together: each reads at most `first + 1` changes."""
        readable = await self.get(caller, teacher_ids)
        first = page_size(first)
        pages = await asyncio.gather(*(self.storage.changes(t.id, "", first + 1) for t in readable))
        return {t.id: (changes[:first], len(changes) > first) for t, changes in zip(readable, pages, strict=True)}

    async def roster(self, caller: Caller, school_code: str) -> builtins.list[Teacher]:
        access.require(caller, "roster")
        await self.school(caller, school_code)
        return await self.storage.roster(school_code)

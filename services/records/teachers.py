"""Teacher records: create, save 基本信息, add / update / delete entries, read, list, history.

Who may do what (SPEC §4.2): a TEACHER its own record and the teacher-owned sets; DATA_ENTRY
the records of its subtree and every set, the school-only ones (基本待遇, 年度考核) included;
QUERY and REVIEWER read their subtree; nobody reads outside it. Only DRAFT, REJECTED and
CHANGING (信息变更) records are written. Every write names the version it read.

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

from services.records.derived import completeness, derive, diff, education_levels, one_per, set_path
from services.records.model import EDITABLE, Change, Entry, OrgRef, Page, Teacher
from services.records.storage import DuplicatePerson, Storage
from services.records.validation import LocalRules, Problem, validate
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
MAX_ENTRIES_PER_SET = 100
Write = tuple[Teacher | None, list[Problem]]
# a page of a record's history, newest first: (cursor, change) pairs, and whether more follow
History = tuple[list[tuple[str, Change]], bool]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def finish(
    registry: Registry,
    tables: Mapping[str, CodeTable],
    teacher: Teacher,
    rules: LocalRules | None = None,
    basic_problems: list[Problem] | None = None,
    entry_warnings: Sequence[tuple[str, str, str]] | None = None,
) -> Teacher:
    """Derived fields, completeness and warnings of the record as it will be stored
    (`basic_problems`, `entry_warnings`: see `completeness`)."""
    teacher = dataclasses.replace(teacher, basic=derive(teacher.basic, teacher.entries))
    missing, warnings = completeness(registry, teacher, tables, _now().date(), rules, basic_problems, entry_warnings)
    return dataclasses.replace(teacher, missing=tuple(missing), warnings=tuple(warnings))


def _refusals(problems: list[Problem]) -> list[Problem]:
    """What blocks a save: every problem but the warnings."""
    return [p for p in problems if not p.warning]


def _identity(basic: Mapping[str, Any]) -> tuple[Any, Any]:
    return basic.get("idType"), basic.get("idNumber")


def hidden(info_set: InfoSet, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values of fields this deployment does not know (a plugin since removed): kept, unseen."""
    known = {f.key for f in info_set.fields}
    return {k: v for k, v in stored.items() if k not in known}


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

    # access

    async def school(self, caller: Caller, school_code: str) -> OrgRef:
        """The school, when it is one in the caller's reach (one refusal for absent and out of reach)."""
        school = await self.org_of(school_code)
        if school is None or school.level != "SCHOOL" or not (caller.service or caller.reaches(school.path)):
            raise DomainError(ErrorCode.FORBIDDEN, "学校不存在或不在本单位管辖范围内", "schoolCode")
        return school

    @staticmethod
    def readable(caller: Caller, teacher: Teacher) -> bool:
        if caller.service:
            return True
        if caller.teacher_only:
            return caller.teacher_id == teacher.id
        return caller.reaches(teacher.org_path)

    async def _load(self, caller: Caller, teacher_id: str) -> Teacher:
        """The record, when the caller may see it (one answer for absent and out of reach)."""
        caller.require()
        found = await self.storage.get([teacher_id])
        if not found or not self.readable(caller, found[0]):
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内", "teacherId")
        return found[0]

    @staticmethod
    def _person(caller: Caller) -> None:
        """Refuses a bare service identity: content is written by a person, or a job acting for one."""
        if caller.service:
            message = "教师信息只能由本人或学校信息录入员填写，服务身份不能直接修改"
            raise DomainError(ErrorCode.FORBIDDEN, message, "teacherId")

    def _check_write(self, caller: Caller, teacher: Teacher, version: int | None, info_set: InfoSet) -> None:
        self._person(caller)
        own = "TEACHER" in caller.roles and caller.teacher_id == teacher.id
        if not (
            ("DATA_ENTRY" in caller.roles and caller.reaches(teacher.org_path))
            or (own and info_set.writer == "teacher")
        ):
            who = "学校信息录入员" if info_set.writer == "school" else "本人或学校信息录入员"
            raise DomainError(ErrorCode.FORBIDDEN, f"{info_set.label}只能由{who}填写", "teacherId")
        if teacher.status == "APPROVED":
            raise DomainError(ErrorCode.NOT_EDITABLE, "该教师信息已审核通过；如需修改，请先发起信息变更", "teacherId")
        if teacher.status not in EDITABLE:
            raise DomainError(ErrorCode.NOT_EDITABLE, "该教师信息已报送，审核期间不能修改", "teacherId")
        if version is not None and version != teacher.version:
            raise DomainError(ErrorCode.VERSION_CONFLICT, "该教师信息已被他人修改，请刷新后重试", "expectedVersion")

    async def _writable(self, caller: Caller, teacher_id: str, version: int | None, info_set: InfoSet) -> Teacher:
        teacher = await self._load(caller, teacher_id)
        self._check_write(caller, teacher, version, info_set)
        return teacher

    def _set(self, key: str, path: str) -> InfoSet:
        info_set = self.registry.set(key)
        if info_set is None:
            raise DomainError(ErrorCode.INVALID_INPUT, f"信息集 {key[:30]} 不存在或尚未定义", path)
        return info_set

    # writes

    def _basic(self, school_type: str, basic: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """基本信息 validated: (the clean values, every problem, warnings included)."""
        return validate(self._set("BASIC", "basic"), basic, school_type, self.tables, "basic", rules=self.rules)

    async def create(self, caller: Caller, school_code: str, basic: Mapping[str, Any]) -> Write:
        caller.require("DATA_ENTRY")
        self._person(caller)
        school = await self.school(caller, school_code)
        data, found = self._basic(school.school_type, basic)
        if problems := _refusals(found):
            return None, problems
        teacher = Teacher("", 1, school.code, school.school_type, school.path, "DRAFT", data)
        teacher = finish(self.registry, self.tables, teacher, self.rules, basic_problems=found)
        try:
            return await self.storage.insert(teacher, _now()), []
        except DuplicatePerson as dup:
            return None, [await self._duplicate(caller, dup, school.code)]

    async def _duplicate(self, caller: Caller, dup: DuplicatePerson, school_code: str) -> Problem:
        """Already in this very school: say so and name it; in another: 调动 (its code only when in reach)."""
        if dup.status == "LEFT":
            return Problem(
                "DUPLICATE_PERSON",
                "该人员已减员，原记录仍保留（含个人标识码和履历），不能新建记录；请按身份证件办理重新入职（startReturn）",
                "basic.idNumber",
            )
        if dup.school_code == school_code:
            name = await self.school_name(school_code)
            here = f"本校（{name}）" if name else "本校"
            return Problem(
                "DUPLICATE_PERSON",
                f"该身份证件号的教师已在{here}登记，不能重复录入，请在本校教师名单中查找",
                "basic.idNumber",
            )
        where = f"（{dup.school_code}）" if caller.service or caller.reaches(dup.org_path) else ""
        return Problem(
            "DUPLICATE_PERSON",
            f"该身份证件号的教师已在其他学校{where}登记，不能重复录入；调入请走调动流程",
            "basic.idNumber",
        )

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
        refusal = education_levels(new.entries)
        if refusal and refusal != education_levels(old.entries):
            return None, [Problem("EDUCATION_LEVEL", refusal, "entry.education.education")]
        new = finish(self.registry, self.tables, new, self.rules, basic_problems, entry_warnings)
        now = _now()
        try:
            written = await self.storage.write(old, new, now, diff(old, new, caller.username, now), caller.via)
        except DuplicatePerson as dup:
            return None, [await self._duplicate(caller, dup, old.school_code)]
        if written is None:
            raise DomainError(ErrorCode.VERSION_CONFLICT, "该教师信息已被他人修改，请刷新后重试", "expectedVersion")
        return written, []

    async def save_basic(self, caller: Caller, teacher_id: str, version: int, basic: Mapping[str, Any]) -> Write:
        """One validation of 基本信息 (its warnings kept for the record); the entries' warnings reused."""
        basic_set = self._set("BASIC", "basic")
        teacher = await self._writable(caller, teacher_id, version, basic_set)
        data, found = self._basic(teacher.school_type, basic)
        if problems := _refusals(found):
            return None, problems
        if caller.teacher_only and _identity(data) != _identity(teacher.basic):
            return None, [Problem("FORBIDDEN", "身份证件类型和号码只能由学校信息录入员修改", "basic.idNumber")]
        new = dataclasses.replace(teacher, basic={**hidden(basic_set, teacher.basic), **data})
        entry_warnings = [w for w in teacher.warnings if not w[2].startswith("basic.")]
        return await self._save(caller, teacher, new, found, entry_warnings)

    async def _entry(
        self, teacher: Teacher, info_set: InfoSet, data: Mapping[str, Any], entry_id: str = ""
    ) -> tuple[dict[str, Any], list[Problem]]:
        """The entry validated, defaults (the school's name) applied; a second one for a year refused."""
        path = f"entry.{set_path(info_set.key)}"
        name = await self.school_name(teacher.school_code)
        school_type, rules = teacher.school_type, self.rules
        clean, problems = validate(info_set, data, school_type, self.tables, path, rules=rules, school_name=name)
        problems = [p for p in problems if not p.warning]
        if not problems:
            others = [e for e in teacher.entries_of(info_set.key) if e.id != entry_id]
            problems = [p for p in [one_per(info_set, clean, others, self.tables, teacher.school_type, path)] if p]
        return clean, problems

    async def add_entry(
        self, caller: Caller, teacher_id: str, version: int, set_key: str, data: Mapping[str, Any]
    ) -> Write:
        info_set = self._set(set_key, "entry")
        if info_set.key == "BASIC":
            raise DomainError(ErrorCode.INVALID_INPUT, "基本信息请用“保存基本信息”修改", "entry")
        teacher = await self._writable(caller, teacher_id, version, info_set)
        existing = teacher.entries_of(info_set.key)
        if info_set.single and existing:
            raise DomainError(ErrorCode.INVALID_INPUT, f"{info_set.label}只能有一条，请修改已有的那条", "entry")
        if len(existing) >= MAX_ENTRIES_PER_SET:
            raise DomainError(ErrorCode.INVALID_INPUT, f"{info_set.label}最多{MAX_ENTRIES_PER_SET}条", "entry")
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
        info_set = self._set(self._find_entry(teacher, entry_id).set, "entry")
        self._check_write(caller, teacher, version, info_set)
        clean, problems = await self._entry(teacher, info_set, data, entry_id)
        if problems:
            return None, problems
        entries = tuple(
            Entry(e.id, e.set, {**hidden(info_set, e.data), **clean}) if e.id == entry_id else e
            for e in teacher.entries
        )
        return await self._save(caller, teacher, dataclasses.replace(teacher, entries=entries))

    async def delete_entry(self, caller: Caller, teacher_id: str, version: int, entry_id: str) -> Write:
        teacher = await self._load(caller, teacher_id)
        self._check_write(caller, teacher, version, self._set(self._find_entry(teacher, entry_id).set, "entry"))
        return await self._save(
            caller, teacher, dataclasses.replace(teacher, entries=tuple(e for e in teacher.entries if e.id != entry_id))
        )

    async def attach_photo(self, caller: Caller, teacher_id: str, photo: dict[str, Any]) -> tuple[str, int]:
        """The photo belongs to 基本信息: the teacher or the school's clerk, on an editable record.
        (replaced photo id or "", new version); a concurrent write is retried on the fresh record."""
        for _ in range(3):
            teacher = await self._writable(
                caller, teacher_id, None, dataclasses.replace(self._set("BASIC", "photo"), label="照片")
            )
            if await self.storage.attach_photo(teacher, photo, _now(), caller.username, caller.via):
                return (teacher.photo or {}).get("id", ""), teacher.version + 1
        raise DomainError(ErrorCode.VERSION_CONFLICT, "该教师信息正被他人修改，请稍后重试", "teacherId")

    async def delete(self, caller: Caller, teacher_id: str) -> Teacher:
        caller.require("DATA_ENTRY")
        teacher = await self._writable(caller, teacher_id, None, self._set("BASIC", "basic"))
        if teacher.once_approved:
            raise DomainError(ErrorCode.NOT_EDITABLE, "审核通过过的教师信息不能删除；人员离开请走减员流程", "teacherId")
        if not await self.storage.delete(teacher):
            raise DomainError(ErrorCode.NOT_EDITABLE, "该教师信息已报送，审核期间不能删除", "teacherId")
        return teacher

    # reads

    async def get(self, caller: Caller, ids: list[str]) -> list[Teacher]:
        caller.require()
        found = {t.id: t for t in await self.storage.get(ids[:1000]) if self.readable(caller, t)}
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    async def list(self, caller: Caller, org_code: str, status: str, search: str, first: int, after: str) -> Page:
        caller.require("DATA_ENTRY", "REVIEWER", "QUERY", "SYSTEM_ADMIN")
        if status and status not in STATUS:
            raise DomainError(ErrorCode.INVALID_INPUT, "审核状态无效", "status")
        if not (caller.service or org_code == caller.org_code or await self.in_reach(caller, org_code)):
            raise DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")
        search = search.strip()[:30]
        first = page_size(first)
        teachers, total = await self.storage.list(org_code, status, search, after_position(after), first + 1)
        page = teachers[:first]
        end = cursor(page[-1].updated_at, page[-1].id, page[-1].seq) if page and page[-1].updated_at else ""
        return Page(page, len(teachers) > first, total, end)

    async def in_reach(self, caller: Caller, org_code: str) -> bool:
        """An org in the caller's subtree (identity also shows ancestors, which are not)."""
        org = await self.org_of(org_code)
        return org is not None and caller.reaches(org.path)

    async def history(self, caller: Caller, teacher_id: str, first: int, after: str) -> History:
        if not await self.get(caller, [teacher_id]):
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内", "teacherId")
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
        caller.require("SYSTEM_ADMIN", "DATA_ENTRY", "REVIEWER", "QUERY")
        await self.school(caller, school_code)
        return await self.storage.roster(school_code)

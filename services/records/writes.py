"""The rules of a write to a teacher record, whoever makes it: a manual save (teachers.py) and an
import (import_plan.py) both ask here, so neither keeps a copy.

- May this record be written: the caller (access.py), its state (DRAFT, REJECTED, CHANGING; an
  import may open a 信息变更 on an APPROVED one first), the version read.
- A person once: a document registered elsewhere is a DUPLICATE_PERSON, told as access.py says.
- The values: validated once; merged with what fields a removed plugin left (kept, unseen,
  never compared); at most `MAX_ENTRIES_PER_SET` entries of a set (one of a single-entry set);
  one entry a year where the set says so; 学习经历 from 高中 on; derived fields and completeness.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from services.records import access
from services.records.derived import completeness, derive, education_levels, one_per
from services.records.model import EDITABLE, Entry, Teacher
from services.records.validation import LocalRules, Problem, validate
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.registry import InfoSet, Registry

__all__ = ["MAX_ENTRIES_PER_SET", "Place", "RecordWrites", "UNDER_REVIEW", "CHANGED_MEANWHILE", "hidden"]

MAX_ENTRIES_PER_SET = 100
APPROVED = "该教师信息已审核通过；如需修改，请先发起信息变更"
UNDER_REVIEW = "该教师信息已报送，审核期间不能修改"
LEFT = "该人员已减员，记录只读；如其重新入职，请办理重新入职（startReturn）"
RETURN = "该人员已减员，原记录仍保留（含个人标识码和履历），不能新建记录；请按身份证件办理重新入职（startReturn）"
CONFLICT = "该教师信息已被他人修改，请刷新后重试"
# an import's row whose record changed (or left an editable state) between its planning and its write
CHANGED_MEANWHILE = "该教师信息刚被他人修改或已报送，未导入，请重新导入"


class Place(Protocol):
    """Where a person's record is (a `Teacher`, or storage's `DuplicatePerson`)."""

    @property
    def school_code(self) -> str: ...

    @property
    def org_path(self) -> tuple[str, ...]: ...

    @property
    def status(self) -> str: ...


def hidden(info_set: InfoSet, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values of fields this deployment does not know (a plugin since removed): kept, unseen."""
    known = {f.key for f in info_set.fields}
    return {k: v for k, v in stored.items() if k not in known}


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class RecordWrites:
    def __init__(self, registry: Registry, tables: Mapping[str, CodeTable], rules: LocalRules | None = None) -> None:
        self.registry = registry
        self.tables = tables
        self.rules = rules  # the province plugins' data rules

    def info_set(self, key: str, path: str) -> InfoSet:
        info_set = self.registry.set(key)
        if info_set is None:
            raise DomainError(ErrorCode.INVALID_INPUT, f"信息集 {key[:30]} 不存在或尚未定义", path)
        return info_set

    # may this record be written

    @staticmethod
    def state_refusal(teacher: Teacher, reopens: bool = False) -> str | None:
        """Why the record's state lets no write through (None: it does). `reopens`: an APPROVED record
        gets a 信息变更 opened first (an import's 年度更新)."""
        if teacher.status == "APPROVED" and not reopens:
            return APPROVED
        if teacher.status == "LEFT":
            return LEFT
        if teacher.status not in EDITABLE and teacher.status != "APPROVED":
            return UNDER_REVIEW
        return None

    def check(self, caller: Caller, teacher: Teacher, version: int | None, info_set: InfoSet) -> None:
        """A manual write of `info_set` of the record, read at `version` (None: any): raises the refusal."""
        if not access.is_person(caller):
            raise access.not_a_person()
        if not access.may_write(caller, teacher, info_set):
            raise access.not_a_writer(info_set)
        if why := self.state_refusal(teacher):
            raise DomainError(ErrorCode.NOT_EDITABLE, why, "teacherId")
        if version is not None and version != teacher.version:
            raise DomainError(ErrorCode.VERSION_CONFLICT, CONFLICT, "expectedVersion")

    @staticmethod
    def conflict() -> DomainError:
        """Another write came first."""
        return DomainError(ErrorCode.VERSION_CONFLICT, CONFLICT, "expectedVersion")

    @staticmethod
    def duplicate(caller: Caller, found: Place, school_code: str, school_name: str = "") -> Problem:
        """The person is registered already (`found`) and cannot be written into `school_code` (named
        `school_name`) again: 重新入职 for a LEFT person; this very school; elsewhere (a 调动), its code
        only when the caller may see it (access.shows_school)."""
        if found.status == "LEFT":
            message = RETURN
        elif found.school_code == school_code:
            here = f"本校（{school_name}）" if school_name else "本校"
            message = f"该身份证件号的教师已在{here}登记，不能重复录入，请在本校教师名单中查找"
        else:
            where = f"（{found.school_code}）" if access.shows_school(caller, found.org_path) else ""
            message = f"该身份证件号的教师已在其他学校{where}登记，不能重复录入；调入请走调动流程"
        return Problem("DUPLICATE_PERSON", message, "basic.idNumber")

    # the values

    def validate(
        self, info_set: InfoSet, data: Mapping[str, Any], school_type: str, path: str, school_name: str = ""
    ) -> tuple[dict[str, Any], list[Problem]]:
        """(the clean values, every problem, warnings included); defaults (the school's name) applied."""
        return validate(info_set, data, school_type, self.tables, path, rules=self.rules, school_name=school_name)

    def basic(self, old: Teacher, clean: Mapping[str, Any]) -> dict[str, Any]:
        """基本信息 as written: the clean values over those of fields this deployment does not know."""
        return {**hidden(self.info_set("BASIC", "basic"), old.basic), **clean}

    def entry(self, info_set: InfoSet, old: Entry, clean: Mapping[str, Any]) -> Entry:
        """An entry as updated: the clean values over those of fields this deployment does not know."""
        return Entry(old.id, old.set, {**hidden(info_set, old.data), **clean})

    @staticmethod
    def visible(info_set: InfoSet, entry: Entry) -> Entry:
        """The entry as it is compared with new values: without those of fields no longer known."""
        unseen = hidden(info_set, entry.data)
        return Entry(entry.id, entry.set, {k: v for k, v in entry.data.items() if k not in unseen})

    def one_per(
        self, info_set: InfoSet, clean: Mapping[str, Any], others: list[Entry], school_type: str, path: str
    ) -> Problem | None:
        """A second entry for a year (学年 and 学期, …) of a set that holds one each: refused, naming it."""
        return one_per(info_set, clean, others, self.tables, school_type, path)

    @staticmethod
    def too_many(info_set: InfoSet, count: int) -> str | None:
        """The refusal when a teacher would hold `count` entries of the set, else None."""
        if info_set.single and count > 1:
            return f"{info_set.label}每位教师只能有一条"
        if count > MAX_ENTRIES_PER_SET:
            return f"{info_set.label}每位教师最多{MAX_ENTRIES_PER_SET}条"
        return None

    @staticmethod
    def education(old: Teacher, new: Teacher) -> Problem | None:
        """学习经历 from 高中 on: refused when the write makes it wrong (a record already wrong, e.g.
        written before the rule, is not refused for other changes)."""
        refusal = education_levels(new.entries)
        if refusal and refusal != education_levels(old.entries):
            return Problem("EDUCATION_LEVEL", refusal, "entry.education.education")
        return None

    def finish(
        self,
        teacher: Teacher,
        basic_problems: list[Problem] | None = None,
        entry_warnings: Sequence[tuple[str, str, str]] | None = None,
    ) -> Teacher:
        """Derived fields, completeness and warnings of the record as it will be stored
        (`basic_problems`, `entry_warnings`: what was just validated, see `completeness`)."""
        teacher = dataclasses.replace(teacher, basic=derive(teacher.basic, teacher.entries))
        missing, warnings = completeness(
            self.registry, teacher, self.tables, _today(), self.rules, basic_problems, entry_warnings
        )
        return dataclasses.replace(teacher, missing=tuple(missing), warnings=tuple(warnings))

"""Records' domain with no process: the field registry and the code tables (data), RecordWrites
and the import plan over plain records, and callers of every kind. Two districts, a school in each."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from services.records.import_plan import ImportPlan, Request, Row
from services.records.model import Entry, OrgRef, Teacher
from services.records.validation import validate
from services.records.workbook import Column, SheetLayout, layouts
from services.records.writes import RecordWrites
from tmis.auth import Caller
from tmis.codes import load_code_tables
from tmis.registry import Registry
from tmis.run.demo import DEMO_ENTRIES, demo_basic

A, B = "3162010201", "3162010301"  # 示范小学 in 城关区, 实验中学 in 七里河区
PATH_A = ("100000", "620000", "620100", "620102", A)
PATH_B = ("100000", "620000", "620100", "620103", B)
SCHOOL_A = OrgRef(A, "SCHOOL", PATH_A, "PRIMARY_SECONDARY", "示范小学")
SCHOOL_B = OrgRef(B, "SCHOOL", PATH_B, "PRIMARY_SECONDARY", "实验中学")
TYPE = "PRIMARY_SECONDARY"
REGISTRY = Registry()
TABLES = load_code_tables()
# a 学习经历 entry as a clerk fills it (values as read from cells or a form)
EDUCATION = DEMO_ENTRIES["EDUCATION"]


def caller(role: str, path: tuple[str, ...], name: str = "", *more: str, **extra: Any) -> Caller:
    return Caller(f"id-{name or role}", name or f"{role.lower()}_{path[-1]}", path[-1], path, (role, *more), **extra)


def basic(serial: int, **changes: Any) -> dict[str, Any]:
    """Clean 基本信息 of a valid teacher (as validation leaves it)."""
    clean, problems = validate(REGISTRY.sets["BASIC"], demo_basic(serial, "620102", TYPE), TYPE, TABLES, "basic")
    assert not problems, problems
    return {**clean, **changes}


def record(
    serial: int,
    school: OrgRef = SCHOOL_A,
    status: str = "DRAFT",
    entries: tuple[Entry, ...] = (),
    version: int = 3,
    **changes: Any,
) -> Teacher:
    """A stored record (id t<serial>), its derived fields and completeness as a write leaves them."""
    teacher = Teacher(f"t{serial}", version, school.code, TYPE, school.path, status, basic(serial, **changes), entries)
    return RecordWrites(REGISTRY, TABLES).finish(teacher)


def key(teacher: Teacher) -> tuple[str, str]:
    return (teacher.basic["idType"], teacher.basic["idNumber"])


@dataclass(frozen=True)
class Sheet:
    """A sheet as the plan reads it (import_plan.SheetView), with plain data."""

    name: str
    layout: SheetLayout
    columns: Mapping[int, Column]


def sheet(set_key: str, without: tuple[str, ...] = ()) -> Sheet:
    """The template's sheet of a set, every column present but those of `without` (field keys)."""
    layout = next(s for s in layouts(REGISTRY, TYPE) if s.info_set.key == set_key)
    kept = [c for c in layout.columns if c.field.key not in without]
    return Sheet(layout.name, layout, dict(enumerate(kept)))


def row(number: int, values: Mapping[str, Any]) -> Row:
    return Row.of(number, dict(values))


def entry_row(number: int, teacher: Teacher, **values: Any) -> Row:
    """A sub-table row of the teacher (their document and name, then the entry's values)."""
    ids = {"idType": teacher.basic["idType"], "idNumber": teacher.basic["idNumber"], "name": teacher.basic["name"]}
    return Row.of(number, {**ids, **values})


@pytest.fixture
def writes() -> RecordWrites:
    return RecordWrites(REGISTRY, TABLES)


def plan_for(
    mode: str = "APPEND", dry_run: bool = False, reopens: bool = False, acting: Caller | None = None
) -> ImportPlan:
    clerk = acting or caller("DATA_ENTRY", PATH_A, via="import-1")
    return ImportPlan(RecordWrites(REGISTRY, TABLES), Request(SCHOOL_A, clerk, mode, dry_run), reopens)


def stored_entry(entry_id: str, set_key: str, values: Mapping[str, Any]) -> Entry:
    """An entry as a write stores it (validated, defaults applied: the school's name)."""
    clean, problems = validate(REGISTRY.sets[set_key], values, TYPE, TABLES, "entry", school_name=SCHOOL_A.name)
    assert not [p for p in problems if not p.warning], problems
    return Entry(entry_id, set_key, clean)


def with_entries(teacher: Teacher, *entries: Entry) -> Teacher:
    return dataclasses.replace(teacher, entries=(*teacher.entries, *entries))

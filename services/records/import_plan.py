"""The plan of a workbook import: which rows become which writes, and what each row comes to. No
I/O: it is given the rows read and the records stored, and answers what to write (importer.py runs
it, reading and writing around it), so each rule can be tested with plain data.

The rules of a write are RecordWrites' (writes.py), as for a manual save: which records may be
written and the refusals, the merges with what a removed plugin field left, the entry cap, one
entry a year, 学习经历 from 高中 on, derived fields and completeness. What is the import's own is
here: a person once in a file's 基本信息; a column the sheet lacks keeps what the record has; a
person of another school (or LEFT) is a conflict row; sub-table rows APPEND (an entry identical to
one the teacher has is not added again) or REPLACE (the teacher's entries of that set become the
file's rows; identical ones keep their id; a single-entry set such as 联系方式 is always replaced);
and the counts. So importing the same file twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from services.records.derived import DERIVED
from services.records.model import Entry, OrgRef, Teacher
from services.records.validation import Problem
from services.records.workbook import CellError, Column, Reader, SheetLayout, reader
from services.records.writes import CHANGED_MEANWHILE, Place, RecordWrites
from tmis.auth import Caller
from tmis.registry import InfoSet

__all__ = ["Batch", "ImportPlan", "Key", "Outcome", "Request", "Row", "RowError", "SheetView"]

Key = tuple[str, str]  # (身份证件类型, 身份证件号)
ID_COLUMN = "身份证件号"
Reading = tuple[int, str, str, Reader]  # (position, field key, column label, the cell's reader)


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Request:
    school: OrgRef
    acting: Caller  # whom the import acts for (its uploader; `via` the job)
    mode: str  # APPEND | REPLACE
    dry_run: bool


@dataclass
class Row:
    number: int
    key: Key
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # column label -> message
    kind: str = "new"  # new | updated | unchanged: what it does when it goes through

    @classmethod
    def of(cls, number: int, values: dict[str, Any], errors: dict[str, str] | None = None) -> Row:
        """A row of read values, keyed by its document (type 1, 居民身份证, when it names none)."""
        key = (str(values.get("idType") or "1"), str(values.get("idNumber") or "").strip().upper())
        return cls(number, key, values, errors or {})


@dataclass
class Outcome:
    total: int = 0
    processed: int = 0
    succeeded: int = 0
    failed: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    appended: int = 0
    removed: int = 0
    # every row is exactly one of these or failed (the four add up to the rows of the file): of
    # 基本信息 by its record; of a sub-table by its entry, new, equal to one stored (or to a row above
    # it), or the one entry of a single-entry set (联系方式) replaced
    new_rows: int = 0
    updated_rows: int = 0
    unchanged_rows: int = 0
    errors: list[RowError] = field(default_factory=list)  # since the last progress report

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "errors"}

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> Outcome:
        """The outcome as a job stored it."""
        out = cls()
        for name in out.counts():
            setattr(out, name, int(counts.get(name, 0)))
        return out

    def copy(self) -> Outcome:
        return dataclasses.replace(self, errors=list(self.errors))

    def add(self, other: Outcome) -> None:
        for name, value in other.counts().items():
            setattr(self, name, getattr(self, name) + value)
        self.errors += other.errors

    def done(self, rows: list[Row]) -> None:
        """The rows went through, each counted by its kind."""
        for row in rows:
            self.succeeded += 1
            name = f"{row.kind}_rows"
            setattr(self, name, getattr(self, name) + 1)

    def fail(self, sheet: str, rows: list[Row], message: str = "", column: str = "") -> None:
        """The rows failed: each counted once, with every error it has."""
        for row in rows:
            if message:
                row.errors.setdefault(column, message)
            self.failed += 1
            self.errors += [RowError(sheet, row.number, col, msg) for col, msg in row.errors.items()]


_Clean = tuple[Row, dict[str, Any]]  # a row and its validated data


@dataclass
class Batch:
    """What one chunk will write (new records; (record as read, as it will be) pairs, each with its
    rows), and its outcome so far."""

    inserts: list[tuple[Teacher, list[Row]]] = field(default_factory=list)
    writes: list[tuple[Teacher, Teacher, list[Row]]] = field(default_factory=list)
    out: Outcome = field(default_factory=Outcome)


class SheetView(Protocol):
    """A sheet as the plan reads it (reading.Sheet): its name, layout and recognised columns."""

    @property
    def name(self) -> str: ...

    @property
    def layout(self) -> SheetLayout: ...

    @property
    def columns(self) -> Mapping[int, Column]: ...


class ImportPlan:
    """One import's plan, chunk by chunk: it remembers the people of the file's 基本信息 (a person
    twice is an error row) and, in a dry run, the records the file would create."""

    def __init__(self, writes: RecordWrites, request: Request, reopens: bool = False) -> None:
        self.writes = writes
        self.req = request
        self.reopens = reopens  # 年度更新: an APPROVED record gets a 信息变更 before it is written
        self.school_type = request.school.school_type
        self.seen: dict[Key, int] = {}  # person -> first 基本信息 row
        self.planned: dict[Key, Teacher] = {}  # dry run: the records the file would create

    # rows

    def readers(self, sheet: SheetView) -> list[Reading]:
        tables = self.writes.tables
        return [(i, c.field.key, c.label, reader(c.field, self.school_type, tables)) for i, c in sheet.columns.items()]

    @staticmethod
    def rows(chunk: Iterable[tuple[int, list[Any]]], readers: list[Reading]) -> list[Row]:
        """The rows of (row number, cells) pairs: each cell read, or its error kept by column."""
        out = []
        for number, cells in chunk:
            values: dict[str, Any] = {}
            errors: dict[str, str] = {}
            for i, key, label, read in readers:
                raw = cells[i] if i < len(cells) else None
                if raw is None or raw == "":
                    continue
                try:
                    values[key] = read(raw)
                except CellError as err:
                    errors[label] = str(err)
            out.append(Row.of(number, values, errors))
        return out

    def remember(self, rows: list[Row]) -> None:
        """Rows an earlier run of the job committed: their people count as rows above the next ones."""
        for row in rows:
            self.seen.setdefault(row.key, row.number)

    @staticmethod
    def numbers(keys: Iterable[Key]) -> list[str]:
        """The 身份证件号 whose records a chunk needs."""
        return list({number for _, number in keys if number})

    @staticmethod
    def by_key(found: Iterable[Teacher]) -> dict[Key, Teacher]:
        """Records by their document (a record with another pair than two strings matches no row)."""
        existing: dict[Key, Teacher] = {}
        for t in found:
            id_type, id_number = t.basic.get("idType"), t.basic.get("idNumber")
            if isinstance(id_type, str) and isinstance(id_number, str):
                existing[(id_type, id_number)] = t
        return existing

    @staticmethod
    def groups(rows: list[Row]) -> dict[Key, list[Row]]:
        """A sub-table's rows by person, in the order of their first row."""
        groups: dict[Key, list[Row]] = {}
        for row in rows:
            groups.setdefault(row.key, []).append(row)
        return groups

    def _refusal(self, teacher: Teacher) -> str | None:
        """Why the file may not write this person's record: of another school (a DUPLICATE_PERSON,
        told as to a clerk creating it), or in a state no write goes through; None when it may."""
        school = self.req.school
        if teacher.school_code != school.code:
            return self.writes.duplicate(self.req.acting, teacher, school.code, school.name).message
        return self.writes.state_refusal(teacher, self.reopens)

    def _validate(
        self, info_set: InfoSet, row: Row, data: Mapping[str, Any], prefix: str
    ) -> tuple[dict[str, Any] | None, list[Problem]]:
        """(the clean data and its warnings), or (None, …) after adding the row's problems to its errors."""
        clean, problems = self.writes.validate(info_set, data, self.school_type, prefix, self.req.school.name)
        for p in problems:
            if not p.warning:
                key = p.field.rpartition(".")[2]
                label = next((f.label_for(self.school_type) for f in info_set.fields if f.key == key), "")
                row.errors.setdefault(label, p.message)
        return (None if row.errors else clean), problems

    # 基本信息

    def basic(self, sheet: SheetView, rows: list[Row], existing: Mapping[Key, Teacher]) -> Batch:
        """A chunk of 基本信息 rows: each a new record, an update of the person's record, unchanged,
        or an error row. `existing`: the records of the chunk's people, wherever they are."""
        batch = Batch()
        out = batch.out
        basic_set = self.writes.info_set("BASIC", "basic")
        known = {f.key for f in basic_set.fields}
        present = {c.field.key for c in sheet.columns.values()}
        school = self.req.school
        for row in rows:
            if row.key in self.seen and row.key[1] and not row.errors:
                row.errors[ID_COLUMN] = f"与第{self.seen[row.key]}行是同一人（身份证件号重复）"
            self.seen.setdefault(row.key, row.number)
            old = existing.get(row.key)
            if old is not None and not row.errors and (why := self._refusal(old)):
                row.errors[ID_COLUMN] = why
            data = dict(row.values)
            if old is not None:  # columns the sheet lacks keep what the record has
                data = {
                    **{k: v for k, v in old.basic.items() if k in known and k not in present and k not in DERIVED},
                    **data,
                }
            clean, warnings = self._validate(basic_set, row, data, "basic") if not row.errors else (None, [])
            if clean is None:
                out.fail(sheet.name, [row])
            elif old is None:
                teacher = Teacher("", 1, school.code, self.school_type, school.path, "DRAFT", clean)
                batch.inserts.append((self.writes.finish(teacher, warnings), [row]))
            elif (clean := self.writes.basic(old, clean)) == {k: v for k, v in old.basic.items() if k not in DERIVED}:
                out.unchanged += 1
                row.kind = "unchanged"
                out.done([row])
            else:
                new = self.writes.finish(dataclasses.replace(old, basic=clean), warnings)
                row.kind = "updated"
                batch.writes.append((old, new, [row]))
        return batch

    # sub-tables

    def entries(self, sheet: SheetView, groups: Mapping[Key, list[Row]], existing: Mapping[Key, Teacher]) -> Batch:
        """A part of a sub-table's rows, by person: each person's rows become one write of their record
        (or none, unchanged), or error rows."""
        batch = Batch()
        out = batch.out
        for key, rows in groups.items():
            teacher = existing.get(key) or self.planned.get(key)
            if not key[1]:
                out.fail(sheet.name, rows, "请填写身份证件号", ID_COLUMN)
            elif teacher is None:
                out.fail(sheet.name, rows, "找不到该身份证件号的教师，请先导入或录入其基本信息", ID_COLUMN)
            elif why := self._refusal(teacher):
                out.fail(sheet.name, rows, why, ID_COLUMN)
            else:
                self._person(sheet, teacher, key, rows, batch)
        return batch

    def _person(self, sheet: SheetView, teacher: Teacher, key: Key, rows: list[Row], batch: Batch) -> None:
        out = batch.out
        info_set = sheet.layout.info_set
        cleaned = [(row, data) for row, data in self._clean_entries(sheet, teacher, rows, out) if data is not None]
        good = self._one_per(sheet, teacher, cleaned, out)
        self._kinds(teacher, info_set, good)
        entries = self._merge(teacher, info_set, [c for _, c in good])
        new = dataclasses.replace(teacher, entries=entries)
        mine = [e for e in entries if e.set == info_set.key]
        went = [r for r, _ in good]
        if problem := self.writes.education(teacher, new):
            out.fail(sheet.name, went, problem.message)
        elif too_many := self.writes.too_many(info_set, len(mine)):
            out.fail(sheet.name, went, too_many)
        elif entries == teacher.entries:
            out.unchanged += 1
            out.done(went)
        else:
            before = teacher.entries_of(info_set.key)
            kept, old_ids = {e.id for e in mine}, {b.id for b in before}
            out.appended += sum(1 for e in mine if e.id not in old_ids)
            out.removed += sum(1 for b in before if b.id not in kept)
            new = self.writes.finish(new)
            if teacher.id:
                batch.writes.append((teacher, new, went))
            else:  # dry run: a record the file's 基本信息 would create
                self.planned[key] = new
                out.done(went)

    def _clean_entries(
        self, sheet: SheetView, teacher: Teacher, rows: list[Row], done: Outcome
    ) -> list[tuple[Row, dict[str, Any] | None]]:
        out: list[tuple[Row, dict[str, Any] | None]] = []
        info_set = sheet.layout.info_set
        prefix = "entry." + info_set.key.lower()
        for row in rows:
            name = row.values.pop("name", None)
            for key in ("idType", "idNumber"):
                row.values.pop(key, None)
            if name and name != teacher.basic.get("name") and not row.errors:
                row.errors["姓名"] = f"姓名“{name}”与该身份证件号登记的姓名“{teacher.basic.get('name')}”不一致"
            clean = self._validate(info_set, row, row.values, prefix)[0] if not row.errors else None
            if clean is None:
                done.fail(sheet.name, [row])
            out.append((row, clean))
        return out

    def _one_per(self, sheet: SheetView, teacher: Teacher, good: list[_Clean], done: Outcome) -> list[_Clean]:
        """Rows that would make a second entry for a year (学年 and 学期) of a set that holds one each
        fail, naming the entry that exists; a row equal to a stored entry is no second one."""
        info_set = sheet.layout.info_set
        if not info_set.one_per:
            return good
        kept = [] if self.req.mode == "REPLACE" or info_set.single else list(teacher.entries_of(info_set.key))
        out = []
        for row, clean in good:
            if not any(e.data == clean for e in kept):
                problem = self.writes.one_per(info_set, clean, kept, self.school_type, "entry")
                if problem:
                    column = info_set.field(info_set.one_per[0]).label_for(self.school_type)
                    done.fail(sheet.name, [row], problem.message, column)
                    continue
                kept.append(Entry("", info_set.key, clean))
            out.append((row, clean))
        return out

    def _compared(self, teacher: Teacher, info_set: InfoSet) -> list[Entry]:
        """The teacher's entries of a set as a row is compared with them (RecordWrites.visible)."""
        return [self.writes.visible(info_set, e) for e in teacher.entries_of(info_set.key)]

    def _kinds(self, teacher: Teacher, info_set: InfoSet, good: list[_Clean]) -> None:
        """Each row's kind: unchanged when an equal entry is stored or a row above it is equal,
        updated when it replaces the one entry of a single-entry set, else new."""
        stored = [e.data for e in self._compared(teacher, info_set)]
        for i, (row, clean) in enumerate(good):
            if clean in stored or clean in [c for _, c in good[:i]]:
                row.kind = "unchanged"
            else:
                row.kind = "updated" if info_set.single and stored else "new"

    def _merge(self, teacher: Teacher, info_set: InfoSet, cleans: list[dict[str, Any]]) -> tuple[Entry, ...]:
        """The teacher's entries after APPEND or REPLACE of `cleans` (no two identical entries
        added); a set of one entry (联系方式) is always replaced. A stored entry equal to a row is
        kept whole, with the values of fields this deployment no longer knows."""
        set_key = info_set.key
        before = self._compared(teacher, info_set)
        unique = [c for i, c in enumerate(cleans) if c not in cleans[:i]]
        if self.req.mode == "REPLACE" or info_set.single:
            pool = list(before)
            mine = []
            stored = {e.id: e for e in teacher.entries}
            for clean in unique:
                match = next((e for e in pool if e.data == clean), None)
                if match is not None:
                    pool.remove(match)
                mine.append(stored[match.id] if match else Entry(secrets.token_hex(8), set_key, clean))
            if [e.id for e in mine] == [e.id for e in before]:
                return teacher.entries
            return (*(e for e in teacher.entries if e.set != set_key), *mine)
        added = [Entry(secrets.token_hex(8), set_key, c) for c in unique if all(e.data != c for e in before)]
        return (*teacher.entries, *added) if added else teacher.entries

    # after the reads and writes around the plan

    @staticmethod
    def approved(batch: Batch) -> list[Teacher]:
        """The APPROVED records the chunk changes: each needs a 信息变更 before it is written."""
        return [old for old, _, _ in batch.writes if old.status == "APPROVED"]

    def reopened(
        self, sheet: SheetView, batch: Batch, refusals: Mapping[str, str], fresh: Mapping[str, Teacher]
    ) -> None:
        """年度更新 went through the chunk's APPROVED records: `refusals` those that could not be reopened
        (why), `fresh` the others as they are now. A refused one is a failed row, not written; each
        reopened record is written at the version reopening left it at, and only if nothing but its
        state changed since the chunk was planned."""
        for old, _, rows in batch.writes:
            if old.id in refusals:
                batch.out.fail(sheet.name, rows, f"不能发起信息变更：{refusals[old.id]}", ID_COLUMN)
        writes = []
        for old, new, rows in batch.writes:
            if old.id in refusals:
                continue
            now = fresh.get(old.id, old) if old.status == "APPROVED" else old
            if self.writes.state_refusal(now) or (now.school_code, now.basic, now.entries) != (
                old.school_code,
                old.basic,
                old.entries,
            ):
                batch.out.fail(sheet.name, rows, CHANGED_MEANWHILE, ID_COLUMN)
                continue
            writes.append((now, dataclasses.replace(new, version=now.version, status=now.status), rows))
        batch.writes = writes

    def would_create(self, batch: Batch) -> None:
        """A dry run's chunk: the records it would create, for the sub-table rows that follow."""
        for teacher, _ in batch.inserts:
            self.planned[(teacher.basic["idType"], teacher.basic["idNumber"])] = teacher

    def settled(self, sheet: SheetView, batch: Batch, registered: Mapping[int, Place], stale: set[str]) -> Outcome:
        """The chunk's outcome once written: the inserts at the positions of `registered` refused (the
        person was registered meanwhile, there), the writes of `stale` records failed (changed
        meanwhile), the rest counted. The chunk's own outcome is left as it is."""
        out = batch.out.copy()
        school = self.req.school
        for i, (_, rows) in enumerate(batch.inserts):
            if i in registered:
                problem = self.writes.duplicate(self.req.acting, registered[i], school.code, school.name)
                out.fail(sheet.name, rows, problem.message, ID_COLUMN)
            else:
                out.inserted += 1
                out.done(rows)
        for old, _, rows in batch.writes:
            if old.id in stale:
                out.fail(sheet.name, rows, CHANGED_MEANWHILE, ID_COLUMN)
            else:
                out.updated += 1
                out.done(rows)
        return out

"""Importing a workbook into one school: every row validated like a manual save, each teacher's
change one write conditioned on the version read and an editable state, in chunks.

基本信息 rows insert or update (keyed by 身份证件类型 + 身份证件号 within the school; a person of
another school is a conflict row); sub-table rows APPEND (an entry identical to one the teacher
already has is not added again) or REPLACE (the teacher's entries of that set become exactly
the rows of the file; identical ones keep their id). So importing the same file twice changes
nothing.

Each chunk is one transaction: its records, their history and the job's checkpoint (the counts
so far, the chunk's row errors, and where the import stands) commit together or not at all. A
run of the job that stopped (its process died) is resumed after the last committed chunk, so
no row is applied or counted twice. Before a chunk is written, the journal checks that whoever
the import acts for may still write the school.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import secrets
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from services.records.derived import DERIVED, diff, education_levels, one_per
from services.records.model import EDITABLE, Entry, OrgRef, Teacher
from services.records.reading import Limits, Sheet, open_workbook
from services.records.storage import Storage
from services.records.teachers import MAX_ENTRIES_PER_SET, finish, hidden
from services.records.validation import LocalRules, Problem, validate
from services.records.workbook import CellError, Reader, layouts, reader
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.registry import Registry

CHUNK_ROWS = 1000
Key = tuple[str, str]  # (身份证件类型, 身份证件号)
# 年度更新: open a 信息变更 on an APPROVED record the file changes: (teacher id, whom the import acts
# for) -> "" or why not
Reopen = Callable[[str, Caller], Awaitable[str]]
REOPEN_AT_ONCE = 16
Position = tuple[int, int]  # (sheet, chunks of that sheet) committed, the sheets before it whole


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

    def done(self, rows: list[_Row]) -> None:
        """The rows went through, each counted by its kind."""
        for row in rows:
            self.succeeded += 1
            name = f"{row.kind}_rows"
            setattr(self, name, getattr(self, name) + 1)

    def fail(self, sheet: str, rows: list[_Row], message: str = "", column: str = "") -> None:
        """The rows failed: each counted once, with every error it has."""
        for row in rows:
            if message:
                row.errors.setdefault(column, message)
            self.failed += 1
            self.errors += [RowError(sheet, row.number, col, msg) for col, msg in row.errors.items()]


@dataclass
class _Row:
    number: int
    key: Key
    values: dict[str, Any]
    errors: dict[str, str]  # column label -> message
    kind: str = "new"  # new | updated | unchanged: what it does when it goes through


_Clean = tuple[_Row, dict[str, Any]]  # a row and its validated data


@dataclass
class _Batch:
    """What one chunk will write, and its outcome so far (planned off the event loop, so it
    touches nothing shared)."""

    inserts: list[tuple[Teacher, list[_Row]]] = field(default_factory=list)
    writes: list[tuple[Teacher, Teacher, list[_Row]]] = field(default_factory=list)
    out: Outcome = field(default_factory=Outcome)


class Journal(Protocol):
    """The job's side of an import: its progress, and the reach of whom it acts for."""

    session: Any  # the run's database session, for the chunks' transactions (the storage's)

    async def started(self, out: Outcome, position: Position | None) -> None:
        """The file opened (its total, its sheets' warnings), replacing what an earlier run stored."""
        ...

    async def report(self, out: Outcome) -> None:
        """Progress that writes no record (a dry run's chunk, the last count)."""
        ...

    async def hold(self, session: Any) -> None:
        """The first statement of a chunk's transaction: the job, held by it (a heartbeat waits for
        the commit); raises when the job was taken over, which undoes the chunk."""
        ...

    async def checkpoint(self, out: Outcome, position: Position, session: Any) -> None:
        """A chunk's progress, inside the chunk's transaction (`session`, the storage's); raises when
        the job was taken over, which undoes the chunk."""
        ...

    async def check(self) -> None:
        """Before a chunk is written: raises DomainError when whom the import acts for may no
        longer write the school."""
        ...


class Importer:
    def __init__(
        self,
        storage: Storage,
        registry: Registry,
        tables: Mapping[str, CodeTable],
        limits: Limits,
        rules: LocalRules | None = None,
        reopen: Reopen | None = None,
    ) -> None:
        self.storage = storage
        self.reopen = reopen  # None: APPROVED records are refused, as records under review
        self.registry = registry
        self.tables = tables
        self.limits = limits
        self.rules = rules  # the province plugins' data rules, as a manual save runs them

    async def run(
        self, request: Request, data: bytes, journal: Journal, resume: tuple[Position, Outcome] | None = None
    ) -> Outcome:
        """Raises DomainError (nothing written) when the file itself is refused. `resume`: where an
        earlier run of the job stopped, and its outcome there (a dry run is never resumed)."""
        school_type = request.school.school_type
        sheets = await asyncio.to_thread(open_workbook, data, layouts(self.registry, school_type), self.limits)
        if resume is None:
            out = Outcome(total=sum(s.rows for s in sheets))
            for sheet in sheets:
                if sheet.extra:
                    out.errors.append(
                        RowError(sheet.name, 1, "", f"以下列不在模板中，已忽略：{'、'.join(sheet.extra[:20])}")
                    )
            await journal.started(out, None if request.dry_run else (0, 0))
            out.errors = []
        else:
            out = resume[1].copy()
        run = _Run(self, request, out, journal, resume[0] if resume else (0, 0))
        try:
            for index, sheet in enumerate(sheets):
                if index >= run.position[0]:
                    run.sheet = index
                    await (run.basic(sheet) if sheet.layout.basic else run.entries(sheet))
        finally:
            await run.stop()
        rows = out.new_rows + out.updated_rows + out.unchanged_rows + out.failed
        if (out.processed, out.total) != (rows, rows):  # blank rows, skipped: not rows of the summary
            out.processed = out.total = rows
            await journal.report(out)
        return out


class _Run:
    """One import: the sheets in order, the writes of a chunk overlapping the reading of the next."""

    def __init__(
        self, importer: Importer, request: Request, out: Outcome, journal: Journal, position: Position
    ) -> None:
        self.imp = importer
        self.req = request
        self.out = out
        self.journal = journal
        self.position = position  # where an earlier run of the job stopped: the chunks before it are done
        self.sheet = 0  # the sheet being imported
        self.school_type = request.school.school_type
        self.now = dt.datetime.now(dt.UTC)
        self.seen: dict[Key, int] = {}  # person -> first 基本信息 row
        self.planned: dict[Key, Teacher] = {}  # dry run: the records the file would create
        self.pending: asyncio.Task[None] | None = None

    # reading rows

    def _readers(self, sheet: Sheet) -> list[tuple[int, str, str, Reader]]:
        return [
            (i, c.field.key, c.label, reader(c.field, self.school_type, self.imp.tables))
            for i, c in sheet.columns.items()
        ]

    def _rows(
        self, sheet: Sheet, chunk: list[tuple[int, list[Any]]], readers: list[tuple[int, str, str, Reader]]
    ) -> list[_Row]:
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
            id_type = str(values.get("idType") or "1")
            number_text = str(values.get("idNumber") or "").strip().upper()
            out.append(_Row(number, (id_type, number_text), values, errors))
        return out

    def _validate(
        self, info_set_key: str, row: _Row, data: Mapping[str, Any], prefix: str
    ) -> tuple[dict[str, Any] | None, list[Problem]]:
        """(the clean data and its warnings), or (None, …) after adding the row's problems to its errors."""
        info_set = self.imp.registry.sets[info_set_key]
        tables, rules, name = self.imp.tables, self.imp.rules, self.req.school.name
        clean, problems = validate(info_set, data, self.school_type, tables, prefix, rules=rules, school_name=name)
        for p in problems:
            if not p.warning:
                key = p.field.rpartition(".")[2]
                label = next((f.label_for(self.school_type) for f in info_set.fields if f.key == key), "")
                row.errors.setdefault(label, p.message)
        return (None if row.errors else clean), problems

    async def _report(self, done: Outcome) -> None:
        self.out.add(done)
        await self.journal.report(self.out)
        self.out.errors = []

    def _done(self, chunk: int) -> bool:
        """The chunk (of the sheet being imported) was committed by an earlier run of the job."""
        return (self.sheet, chunk) < self.position

    def _chunks(self, sheet: Sheet) -> Iterator[list[tuple[int, list[Any]]]]:
        chunk: list[tuple[int, list[Any]]] = []
        for row in sheet.iter_rows():
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    # 基本信息

    async def basic(self, sheet: Sheet) -> None:
        readers = self._readers(sheet)
        present = {c.field.key for c in sheet.columns.values()}
        rows_of = iter(self._chunks(sheet))
        planned: tuple[_Batch, int, int] | None = None
        number = -1
        while chunk := await asyncio.to_thread(next, rows_of, None):
            number += 1
            rows = await asyncio.to_thread(self._rows, sheet, chunk, readers)
            if self._done(number):  # written by an earlier run: its people are remembered, as rows above
                for row in rows:
                    self.seen.setdefault(row.key, row.number)
                continue
            existing = await self._existing({r.key for r in rows})
            if planned:  # the previous chunk's writes start after this chunk's reads…
                await self._write(sheet, *planned)
            # …and run while this chunk is planned (a person twice in the file is an error row)
            planned = (await asyncio.to_thread(self._plan_basic, sheet, rows, existing, present), len(chunk), number)
        if planned:
            await self._write(sheet, *planned)
        await self._settle()

    async def _existing(self, keys: set[Key]) -> dict[Key, Teacher]:
        found = await self.imp.storage.by_identity(list({number for _, number in keys if number}))
        existing: dict[Key, Teacher] = {}
        for t in found:  # a row's key is two strings: a record with another pair matches no row
            id_type, id_number = t.basic.get("idType"), t.basic.get("idNumber")
            if isinstance(id_type, str) and isinstance(id_number, str):
                existing[(id_type, id_number)] = t
        return existing

    def _finish(self, teacher: Teacher, basic_problems: list[Problem] | None = None) -> Teacher:
        return finish(self.imp.registry, self.imp.tables, teacher, self.imp.rules, basic_problems)

    def _plan_basic(self, sheet: Sheet, rows: list[_Row], existing: dict[Key, Teacher], present: set[str]) -> _Batch:
        batch = _Batch()
        out = batch.out
        basic_set = self.imp.registry.sets["BASIC"]
        known = {f.key for f in basic_set.fields}
        for row in rows:
            if row.key in self.seen and row.key[1] and not row.errors:
                row.errors["身份证件号"] = f"与第{self.seen[row.key]}行是同一人（身份证件号重复）"
            self.seen.setdefault(row.key, row.number)
            old = existing.get(row.key)
            if old is not None and not row.errors:
                self._editable(old, row)
            data = dict(row.values)
            if old is not None:  # columns the sheet lacks keep what the record has
                data = {
                    **{k: v for k, v in old.basic.items() if k in known and k not in present and k not in DERIVED},
                    **data,
                }
            clean, warnings = self._validate("BASIC", row, data, "basic") if not row.errors else (None, [])
            if clean is None:
                out.fail(sheet.name, [row])
            elif old is None:
                teacher = Teacher("", 1, self.req.school.code, self.school_type, self.req.school.path, "DRAFT", clean)
                batch.inserts.append((self._finish(teacher, warnings), [row]))
            elif (clean := {**hidden(basic_set, old.basic), **clean}) == {
                k: v for k, v in old.basic.items() if k not in DERIVED
            }:
                out.unchanged += 1
                row.kind = "unchanged"
                out.done([row])
            else:
                new = self._finish(dataclasses.replace(old, basic=clean), warnings)
                row.kind = "updated"
                batch.writes.append((old, new, [row]))
        return batch

    def _editable(self, teacher: Teacher, row: _Row) -> bool:
        if teacher.school_code != self.req.school.code:
            row.errors["身份证件号"] = "该身份证件号的教师已在其他学校登记，不能重复录入；调入请走调动流程"
        elif teacher.status not in EDITABLE and not (teacher.status == "APPROVED" and self.imp.reopen):
            row.errors["身份证件号"] = "该教师信息已报送，审核期间不能修改"
        return not row.errors

    # writing

    async def _write(self, sheet: Sheet, batch: _Batch, rows: int, number: int) -> None:
        """Waits for the previous chunk's writes, then starts this chunk's (not waited for): one
        transaction with the job's checkpoint, after the checks of whom the import acts for."""
        await self._settle()
        batch.out.processed += rows
        if self.req.dry_run:
            for teacher, _ in batch.inserts:
                self.planned[(teacher.basic["idType"], teacher.basic["idNumber"])] = teacher
            await self._report(self._settled(sheet, batch, set(), set()))
            return
        position = (self.sheet, number + 1)

        async def checkpoint(refused: set[int], stale: set[str], session: Any) -> None:
            total = self.out.copy()
            total.add(self._settled(sheet, batch, refused, stale))
            await self.journal.checkpoint(total, position, session)

        async def write() -> None:
            await self.journal.check()
            await self._reopen(sheet, batch)
            actor = self.req.acting.username
            refused, stale = await self.imp.storage.write_chunk(
                [t for t, _ in batch.inserts],
                [(o, n, diff(o, n, actor, self.now)) for o, n, _ in batch.writes],
                self.now,
                self.req.acting.via,
                self.journal.session,
                self.journal.hold,
                checkpoint,
            )
            self.out.add(self._settled(sheet, batch, refused, stale))
            self.out.errors = []  # (stored by the checkpoint)

        self.pending = asyncio.create_task(write())
        await asyncio.sleep(0)  # let the request go out before the next chunk is read

    async def _reopen(self, sheet: Sheet, batch: _Batch) -> None:
        """年度更新: each APPROVED record the chunk changes gets a 信息变更 first (the unchanged ones
        stay APPROVED); a record that cannot be reopened is a failed row, and not written."""
        approved = [w for w in batch.writes if w[0].status == "APPROVED"]
        if not approved or self.imp.reopen is None:
            return
        reopen, failed = self.imp.reopen, set()
        for at in range(0, len(approved), REOPEN_AT_ONCE):
            part = approved[at : at + REOPEN_AT_ONCE]
            answers = await asyncio.gather(*(reopen(old.id, self.req.acting) for old, _, _ in part))
            for (old, _, rows), why in zip(part, answers, strict=True):
                if why:
                    batch.out.fail(sheet.name, rows, f"不能发起信息变更：{why}", "身份证件号")
                    failed.add(old.id)
        # each record is written at the version it has once reopened (whatever reopening did to it),
        # and only if nothing but its state changed since the chunk was planned
        reopened = {t.id: t for t in await self.imp.storage.get([o.id for o, _, _ in approved if o.id not in failed])}
        writes = []
        for old, new, rows in batch.writes:
            fresh = reopened.get(old.id, old) if old.status == "APPROVED" else old
            if old.id in failed:
                continue
            if fresh.status not in EDITABLE or (fresh.school_code, fresh.basic, fresh.entries) != (
                old.school_code,
                old.basic,
                old.entries,
            ):
                batch.out.fail(sheet.name, rows, "该教师信息刚被他人修改或已报送，未导入，请重新导入", "身份证件号")
                continue
            writes.append((fresh, dataclasses.replace(new, version=fresh.version, status=fresh.status), rows))
        batch.writes = writes

    def _settled(self, sheet: Sheet, batch: _Batch, refused: set[int], stale: set[str]) -> Outcome:
        """The chunk's outcome once written: the inserts at `refused` and the writes of `stale`
        records failed, the rest counted (the chunk's own outcome is left as it is)."""
        out = batch.out.copy()
        for i, (_, rows) in enumerate(batch.inserts):
            if i in refused:
                out.fail(sheet.name, rows, "该身份证件号的教师已在其他学校登记，不能重复录入", "身份证件号")
            else:
                out.inserted += 1
                out.done(rows)
        for old, _, rows in batch.writes:
            if old.id in stale:
                out.fail(sheet.name, rows, "该教师信息刚被他人修改或已报送，未导入，请重新导入", "身份证件号")
            else:
                out.updated += 1
                out.done(rows)
        return out

    async def _settle(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            await pending

    async def stop(self) -> None:
        """A chunk's write still in flight when the import stops on an error is let end (its
        transaction, checkpoint included, commits or not as a whole), so that a run that resumes the
        job never races it. (Not cancelled: a database operation is never cut, see tmis/rpc/interceptors.py.)"""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            await asyncio.gather(pending, return_exceptions=True)

    # sub-tables

    async def entries(self, sheet: Sheet) -> None:
        readers = self._readers(sheet)
        rows = await asyncio.to_thread(lambda: self._rows(sheet, list(sheet.iter_rows()), readers))
        groups: dict[Key, list[_Row]] = {}
        for row in rows:
            groups.setdefault(row.key, []).append(row)
        keys = list(groups)
        step = max(1, CHUNK_ROWS // 4)
        planned: tuple[_Batch, int, int] | None = None
        for number, start in enumerate(range(0, len(keys), step)):
            if self._done(number):
                continue
            part = keys[start : start + step]
            existing = await self._existing(set(part))
            if planned:  # as in `basic`: each teacher is in one part only
                await self._write(sheet, *planned)
            planned = (
                await asyncio.to_thread(self._plan_entries, sheet, {k: groups[k] for k in part}, existing),
                sum(len(groups[k]) for k in part),
                number,
            )
        if planned:
            await self._write(sheet, *planned)
        await self._settle()

    def _plan_entries(self, sheet: Sheet, groups: dict[Key, list[_Row]], existing: dict[Key, Teacher]) -> _Batch:
        batch = _Batch()
        out = batch.out
        info_set = sheet.layout.info_set
        set_key = info_set.key
        for key, rows in groups.items():
            teacher = existing.get(key) or self.planned.get(key)
            if not key[1]:
                out.fail(sheet.name, rows, "请填写身份证件号", "身份证件号")
                continue
            if teacher is None:
                out.fail(sheet.name, rows, "找不到该身份证件号的教师，请先导入或录入其基本信息", "身份证件号")
                continue
            probe = _Row(0, key, {}, {})
            if not self._editable(teacher, probe):
                out.fail(sheet.name, rows, probe.errors["身份证件号"], "身份证件号")
                continue
            cleaned = [(row, data) for row, data in self._clean_entries(sheet, teacher, rows, out) if data is not None]
            good = self._one_per(sheet, teacher, cleaned, out)
            self._kinds(teacher, set_key, good, info_set.single)
            entries = self._merge(teacher, set_key, [c for _, c in good], info_set.single)
            refusal = education_levels(entries) if set_key == "EDUCATION" else None
            limit = 1 if info_set.single else MAX_ENTRIES_PER_SET
            mine = [e for e in entries if e.set == set_key]
            if refusal and refusal != education_levels(teacher.entries):
                out.fail(sheet.name, [r for r, _ in good], refusal)
            elif len(mine) > limit:
                out.fail(sheet.name, [r for r, _ in good], f"{info_set.label}每位教师最多{limit}条")
            elif entries == teacher.entries:
                out.unchanged += 1
                out.done([r for r, _ in good])
            else:
                before = teacher.entries_of(set_key)
                kept, old_ids = {e.id for e in mine}, {b.id for b in before}
                out.appended += sum(1 for e in mine if e.id not in old_ids)
                out.removed += sum(1 for b in before if b.id not in kept)
                new = self._finish(dataclasses.replace(teacher, entries=entries))
                if teacher.id:
                    batch.writes.append((teacher, new, [r for r, _ in good]))
                else:  # dry run: a record the file's 基本信息 would create
                    self.planned[key] = new
                    out.done([r for r, _ in good])
        return batch

    def _clean_entries(
        self, sheet: Sheet, teacher: Teacher, rows: list[_Row], done: Outcome
    ) -> list[tuple[_Row, dict[str, Any] | None]]:
        out: list[tuple[_Row, dict[str, Any] | None]] = []
        prefix = "entry." + sheet.layout.info_set.key.lower()
        for row in rows:
            name = row.values.pop("name", None)
            for key in ("idType", "idNumber"):
                row.values.pop(key, None)
            if name and name != teacher.basic.get("name") and not row.errors:
                row.errors["姓名"] = f"姓名“{name}”与该身份证件号登记的姓名“{teacher.basic.get('name')}”不一致"
            clean = self._validate(sheet.layout.info_set.key, row, row.values, prefix)[0] if not row.errors else None
            if clean is None:
                done.fail(sheet.name, [row])
            out.append((row, clean))
        return out

    def _one_per(self, sheet: Sheet, teacher: Teacher, good: list[_Clean], done: Outcome) -> list[_Clean]:
        """Rows that would make a second entry for a year (学年 and 学期) of a set that holds one each
        fail, naming the entry that exists; a row equal to a stored entry is no second one."""
        info_set = sheet.layout.info_set
        if not info_set.one_per:
            return good
        kept = [] if self.req.mode == "REPLACE" or info_set.single else list(teacher.entries_of(info_set.key))
        out = []
        for row, clean in good:
            if not any(e.data == clean for e in kept):
                problem = one_per(info_set, clean, kept, self.imp.tables, self.school_type, "entry")
                if problem:
                    column = info_set.field(info_set.one_per[0]).label_for(self.school_type)
                    done.fail(sheet.name, [row], problem.message, column)
                    continue
                kept.append(Entry("", info_set.key, clean))
            out.append((row, clean))
        return out

    def _compared(self, teacher: Teacher, set_key: str) -> list[Entry]:
        """The teacher's entries of a set as a row is compared with them: values of fields this
        deployment no longer knows (a plugin removed) left out."""
        info_set = self.imp.registry.sets[set_key]
        return [
            Entry(e.id, e.set, {k: v for k, v in e.data.items() if k not in hidden(info_set, e.data)})
            for e in teacher.entries_of(set_key)
        ]

    def _kinds(self, teacher: Teacher, set_key: str, good: list[_Clean], single: bool) -> None:
        """Each row's kind: unchanged when an equal entry is stored or a row above it is equal,
        updated when it replaces the one entry of a single-entry set, else new."""
        stored = [e.data for e in self._compared(teacher, set_key)]
        for i, (row, clean) in enumerate(good):
            if clean in stored or clean in [c for _, c in good[:i]]:
                row.kind = "unchanged"
            else:
                row.kind = "updated" if single and stored else "new"

    def _merge(self, teacher: Teacher, set_key: str, cleans: list[dict[str, Any]], single: bool) -> tuple[Entry, ...]:
        """The teacher's entries after APPEND or REPLACE of `cleans` (no two identical entries
        added); a set of one entry (联系方式) is always replaced. Values of fields this deployment
        no longer knows (a plugin removed) are kept and not compared."""
        before = self._compared(teacher, set_key)
        unique = [c for i, c in enumerate(cleans) if c not in cleans[:i]]
        if self.req.mode == "REPLACE" or single:
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

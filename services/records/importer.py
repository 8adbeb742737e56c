"""Importing a workbook into one school: the run. Which rows become which writes is the plan's
(import_plan.py, no I/O), every rule of a write RecordWrites' (writes.py) as for a manual save;
the run only pipelines the I/O around them: reading a chunk of rows, the records of its people,
年度更新's reopening, the chunk's write, the job's progress. A chunk's write overlaps the reading and
planning of the next.

Each chunk is one transaction: its records, their history and the job's checkpoint (the counts
so far, the chunk's row errors, and where the import stands) commit together or not at all. A
run of the job that stopped (its process died) is resumed after the last committed chunk, so
no row is applied or counted twice. Before a chunk is written, the journal checks that whoever
the import acts for may still write the school.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, Protocol

from services.records.derived import diff
from services.records.import_plan import Batch, ImportPlan, Key, Outcome, Request, RowError
from services.records.model import Teacher
from services.records.reading import Limits, Sheet, open_workbook
from services.records.storage import Chunks, Storage
from services.records.validation import LocalRules
from services.records.workbook import layouts
from services.records.writes import Place, RecordWrites
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.registry import Registry

__all__ = ["CHUNK_ROWS", "Importer", "Journal", "Outcome", "Position", "Reopen", "Request", "RowError"]

CHUNK_ROWS = 1000
# 年度更新: open a 信息变更 on an APPROVED record the file changes: (teacher id, whom the import acts
# for) -> "" or why not
Reopen = Callable[[str, Caller], Awaitable[str]]
REOPEN_AT_ONCE = 16
Position = tuple[int, int]  # (sheet, chunks of that sheet) committed, the sheets before it whole
Cells = list[tuple[int, list[Any]]]  # a chunk's (row number, cells)


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
        self.writes = RecordWrites(registry, tables, rules)

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
        school, now = request.school, dt.datetime.now(dt.UTC)
        async with self.storage.importing(school.code, school.path, now, out.total) as chunks:
            run = _Run(self, request, out, journal, chunks, resume[0] if resume else (0, 0))
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
    """One import: the sheets in order, the writes of a chunk overlapping the reading and planning
    of the next. Only I/O here: what to write is `plan`'s."""

    def __init__(
        self, importer: Importer, request: Request, out: Outcome, journal: Journal, chunks: Chunks, position: Position
    ) -> None:
        self.imp = importer
        self.req = request
        self.out = out
        self.journal = journal
        self.chunks = chunks  # the writes into the school, stamped `chunks.now`
        self.position = position  # where an earlier run of the job stopped: the chunks before it are done
        self.sheet = 0  # the sheet being imported
        self.plan = ImportPlan(importer.writes, request, reopens=importer.reopen is not None)
        self.pending: asyncio.Task[None] | None = None

    def _done(self, chunk: int) -> bool:
        """The chunk (of the sheet being imported) was committed by an earlier run of the job."""
        return (self.sheet, chunk) < self.position

    async def _existing(self, keys: set[Key]) -> dict[Key, Teacher]:
        """The records of these people, wherever they are."""
        return ImportPlan.by_key(await self.imp.storage.by_identity(ImportPlan.numbers(keys)))

    async def _report(self, done: Outcome) -> None:
        self.out.add(done)
        await self.journal.report(self.out)
        self.out.errors = []

    # 基本信息

    async def basic(self, sheet: Sheet) -> None:
        readers = self.plan.readers(sheet)
        rows_of = iter(_chunks(sheet))
        planned: tuple[Batch, int, int] | None = None
        number = -1
        while chunk := await asyncio.to_thread(next, rows_of, None):
            number += 1
            if planned:  # the previous chunk's writes start at once…
                await self._write(sheet, *planned)
                planned = None
            rows = await asyncio.to_thread(self.plan.rows, chunk, readers)
            if self._done(number):  # written by an earlier run: its people are remembered, as rows above
                self.plan.remember(rows)
                continue
            # …and run while this chunk is read, looked up and planned (its lookup may find the people
            # the previous chunk wrote: a person twice in the file is an error row all the same)
            existing = await self._existing({r.key for r in rows})
            planned = (await asyncio.to_thread(self.plan.basic, sheet, rows, existing), len(chunk), number)
        if planned:
            await self._write(sheet, *planned)
        await self._settle()

    # sub-tables

    async def entries(self, sheet: Sheet) -> None:
        readers = self.plan.readers(sheet)
        rows = await asyncio.to_thread(lambda: self.plan.rows(sheet.iter_rows(), readers))
        groups = self.plan.groups(rows)
        keys = list(groups)
        step = max(1, CHUNK_ROWS // 4)
        planned: tuple[Batch, int, int] | None = None
        for number, start in enumerate(range(0, len(keys), step)):
            if self._done(number):
                continue
            if planned:  # as in `basic`: each teacher is in one part only
                await self._write(sheet, *planned)
                planned = None
            part = keys[start : start + step]
            existing = await self._existing(set(part))
            planned = (
                await asyncio.to_thread(self.plan.entries, sheet, {k: groups[k] for k in part}, existing),
                sum(len(groups[k]) for k in part),
                number,
            )
        if planned:
            await self._write(sheet, *planned)
        await self._settle()

    # writing

    async def _write(self, sheet: Sheet, batch: Batch, rows: int, number: int) -> None:
        """Waits for the previous chunk's writes, then starts this chunk's (not waited for): one
        transaction with the job's checkpoint, after the checks of whom the import acts for (made
        while the previous chunk's transaction runs, so the database waits for no call between two
        chunks)."""
        if not self.req.dry_run:
            await self.journal.check()
        await self._settle()
        batch.out.processed += rows
        if self.req.dry_run:
            self.plan.would_create(batch)
            await self._report(self.plan.settled(sheet, batch, {}, set()))
            return
        position = (self.sheet, number + 1)
        settled: list[Outcome] = []  # the chunk's outcome, as the transaction that commits stores it

        async def checkpoint(refused: set[int], stale: set[str], session: Any) -> None:
            registered = await self._registered(batch, refused, session)
            done = self.plan.settled(sheet, batch, registered, stale)
            total = self.out.copy()
            total.add(done)
            await self.journal.checkpoint(total, position, session)
            settled[:] = [done]

        async def write() -> None:
            await self._reopen(sheet, batch)
            actor = self.req.acting.username
            await self.chunks.write(
                [t for t, _ in batch.inserts],
                [(o, n, diff(o, n, actor, self.chunks.now)) for o, n, _ in batch.writes],
                self.req.acting.via,
                self.journal.session,
                self.journal.hold,
                checkpoint,
            )
            self.out.add(settled[0])
            self.out.errors = []  # (stored by the checkpoint)

        self.pending = asyncio.create_task(write())
        await asyncio.sleep(0)  # let the request go out before the next chunk is read

    async def _registered(self, batch: Batch, refused: set[int], session: Any) -> dict[int, Place]:
        """Where the people of the refused inserts were registered meanwhile (a race with another
        writer), read in the chunk's transaction; unknown (the record gone since): nowhere."""
        if not refused:
            return {}
        people = {i: batch.inserts[i][0].basic for i in refused}
        found = ImportPlan.by_key(
            await self.imp.storage.by_identity([str(b.get("idNumber")) for b in people.values()], session)
        )
        nowhere = Teacher("", 0, "", "", (), "", {})
        return {i: found.get((str(b.get("idType")), str(b.get("idNumber"))), nowhere) for i, b in people.items()}

    async def _reopen(self, sheet: Sheet, batch: Batch) -> None:
        """年度更新: each APPROVED record the chunk changes gets a 信息变更 first (the unchanged ones
        stay APPROVED), in the name of whom the import acts for; then read again."""
        approved = self.plan.approved(batch)
        if not approved or self.imp.reopen is None:
            return
        reopen, refusals = self.imp.reopen, {}
        for at in range(0, len(approved), REOPEN_AT_ONCE):
            part = approved[at : at + REOPEN_AT_ONCE]
            answers = await asyncio.gather(*(reopen(old.id, self.req.acting) for old in part))
            refusals.update({old.id: why for old, why in zip(part, answers, strict=True) if why})
        fresh = {t.id: t for t in await self.imp.storage.get([o.id for o in approved if o.id not in refusals])}
        self.plan.reopened(sheet, batch, refusals, fresh)

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


def _chunks(sheet: Sheet) -> Iterator[Cells]:
    chunk: Cells = []
    for row in sheet.iter_rows():
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

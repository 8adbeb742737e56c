"""Import jobs: stored first (with the file), then run as a background task of this instance.

Finished jobs and their files are deleted `retention_days` after they were created.
A job's heartbeat moves with every chunk; a job found QUEUED or RUNNING with a stale heartbeat
when an instance starts is run again from the start, which is safe because an import is
idempotent (see importer.py). Templates, exports and error workbooks are here too: the file
side of the records service, with the same access rules as the records themselves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import secrets
from collections.abc import AsyncIterator, Iterable, Mapping

from services.records.exporter import chunks, error_report, export
from services.records.importer import Importer, Outcome, Reopen, Request
from services.records.model import OrgRef, Teacher
from services.records.reading import Limits, check_file, open_workbook
from services.records.storage import Job, JobStore
from services.records.teachers import STATUS, Teachers
from services.records.template import build_template
from services.records.workbook import layouts
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.registry import SCHOOL_TYPES, Registry

logger = logging.getLogger("tmis.records.jobs")
MODES = ("APPEND", "REPLACE")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Workbooks:
    def __init__(
        self,
        store: JobStore,
        teachers: Teachers,
        registry: Registry,
        tables: Mapping[str, CodeTable],
        limits: Limits,
        stale_seconds: int = 120,
        reopen: Reopen | None = None,
    ) -> None:
        self.store = store
        self.teachers = teachers
        self.registry = registry
        self.tables = tables
        self.limits = limits
        self.stale = dt.timedelta(seconds=stale_seconds)
        self.importer = Importer(teachers.storage, registry, tables, limits, teachers.rules, reopen)
        self.tasks: set[asyncio.Task[None]] = set()
        self._templates: dict[str, bytes] = {}

    # templates

    def template(self, school_type: str) -> bytes:
        if school_type not in SCHOOL_TYPES:
            raise DomainError(ErrorCode.INVALID_INPUT, "学校类型无效", "schoolType")
        if school_type not in self._templates:
            self._templates[school_type] = build_template(self.registry, school_type, self.tables)
        return self._templates[school_type]

    # import jobs

    async def start(
        self, caller: Caller, school_code: str, filename: str, data: bytes, mode: str, dry_run: bool
    ) -> Job:
        caller.require("DATA_ENTRY")
        if mode not in MODES:
            raise DomainError(ErrorCode.INVALID_INPUT, "导入方式应为追加（APPEND）或替换（REPLACE）", "mode")
        school = await self.teachers.school(caller, school_code)
        check_file(data, self.limits)
        job = Job(
            f"import-{secrets.token_hex(12)}",
            school.code,
            school.path,
            school.school_type,
            caller.username,
            mode,
            dry_run,
            filename[:200],
            None,
        )
        await self.store.create(job, data, _now())
        self._spawn(job)
        return job

    def _spawn(self, job: Job) -> None:
        task = asyncio.create_task(self._run(job))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, job: Job) -> None:
        if not await self.store.claim(job, _now()):
            return  # another instance runs it

        async def progress(out: Outcome) -> None:
            await self.store.progress(job, out.counts(), [dataclasses.asdict(e) for e in out.errors], _now())

        try:
            name = await self.teachers.school_name(job.school_code)
            school = OrgRef(job.school_code, "SCHOOL", job.org_path, job.school_type, name)
            request = Request(school, job.actor, job.mode, job.dry_run)
            await self.importer.run(request, await self.store.file(job), progress)
        except DomainError as err:
            await self.store.finish(
                job, "FAILED", _now(), {"sheet": "", "row": 0, "column": "", "message": err.message}
            )
        except Exception:
            logger.exception("import job %s failed", job.id)
            await self.store.finish(
                job, "FAILED", _now(), {"sheet": "", "row": 0, "column": "", "message": "导入中断，请稍后重新导入"}
            )
        else:
            await self.store.finish(job, "SUCCEEDED", _now())

    async def resume(self) -> int:
        """Runs again the jobs an instance left unfinished; returns how many."""
        stale = await self.store.stale(_now() - self.stale)
        for job in stale:
            self._spawn(job)
        return len(stale)

    async def purge(self, retention_days: int) -> None:
        """Deletes the finished jobs (and files) older than `retention_days`."""
        await self.store.purge(_now() - dt.timedelta(days=retention_days))

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def job(self, caller: Caller, job_id: str) -> Job:
        caller.require("DATA_ENTRY", "SYSTEM_ADMIN", "QUERY", "REVIEWER")
        job = await self.store.get(job_id) if job_id.startswith("import-") else None
        if job is None or not (caller.service or caller.reaches(job.org_path)):
            raise DomainError(ErrorCode.NOT_FOUND, "导入任务不存在，或不在您的管理范围内", "id")
        return job

    async def error_report(self, caller: Caller, job_id: str) -> Iterable[bytes]:
        job = await self.job(caller, job_id)
        if not any(e.get("row", 0) > 1 for e in job.errors):
            raise DomainError(ErrorCode.NOT_FOUND, "该导入任务没有出错的行", "id")
        data = await self.store.file(job)
        sheets = await asyncio.to_thread(open_workbook, data, layouts(self.registry, job.school_type), self.limits)
        return chunks(await asyncio.to_thread(error_report, sheets, job.errors))

    # export

    async def _official(self, org_code: str, status: str) -> AsyncIterator[Teacher]:
        """The records as they officially stand: the last approved version of one under a change."""
        async for teacher in self.teachers.storage.each(org_code, status):
            yield teacher.official()

    async def export(self, caller: Caller, org_code: str, status: str) -> Iterable[bytes]:
        caller.require("DATA_ENTRY", "REVIEWER", "QUERY", "SYSTEM_ADMIN")
        if status and status not in STATUS:
            raise DomainError(ErrorCode.INVALID_INPUT, "审核状态无效", "status")
        org = await self.teachers.org_of(org_code)
        if org is None or not (caller.service or caller.reaches(org.path)):
            raise DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")
        school_type = org.school_type if org.level == "SCHOOL" else ""
        return chunks(await export(self._official(org.code, status), layouts(self.registry, school_type), self.tables))

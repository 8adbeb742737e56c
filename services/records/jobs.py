"""Import jobs: stored first (with the file and whom the job acts for), then run by the shared
job runtime (`tmis.jobs`): a heartbeat while the run lives, a sweep on every instance that takes
over a job whose run stopped, resumed after its last committed chunk (see importer.py), given up
after `max_attempts` runs with the cause named, and an end that is retried until it is written.
The job acts for its uploader: their identity, revocations and reach are checked before each
chunk is written, and each 信息变更 it opens is opened in their name.

Finished jobs and their files are deleted `retention_days` after they were created. Templates,
exports and error workbooks are here too: the file side of the records service, with the same
access rules as the records themselves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any

from services.records import access
from services.records.exporter import chunks, error_report, export
from services.records.importer import Importer, Outcome, Position, Reopen, Request
from services.records.model import OrgRef, Teacher
from services.records.reading import Limits, check_file, open_workbook
from services.records.storage import Job, JobStore, job_of
from services.records.teachers import STATUS, Teachers
from services.records.template import build_template
from services.records.workbook import layouts
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.jobs import Cause, End, JobConfig, JobRuntime, Lease, LeaseLost, acting, acting_for, transient
from tmis.registry import SCHOOL_TYPES, Registry
from tmis.rpc import context

MODES = ("APPEND", "REPLACE")
# a caller -> a short-lived token for it (a job's token for the calls it makes in its uploader's name)
Mint = Callable[[Caller], str]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _error(message: str) -> dict[str, Any]:
    return {"sheet": "", "row": 0, "column": "", "message": message}


def _errors(out: Outcome) -> list[dict[str, Any]]:
    return [dataclasses.asdict(e) for e in out.errors]


class _Journal:
    """One run's journal (importer.Journal): every write conditioned on the run's lease."""

    def __init__(self, workbooks: Workbooks, lease: Lease, job: Job, caller: Caller, session: Any) -> None:
        self.w = workbooks
        self.lease = lease
        self.job = job
        self.caller = caller
        self.session = session

    async def started(self, out: Outcome, position: Position | None) -> None:
        await self.w.store.started(self.lease, out.counts(), _errors(out), position)

    async def report(self, out: Outcome) -> None:
        await self.w.store.progress(self.lease, out.counts(), _errors(out))

    async def hold(self, session: Any) -> None:
        await self.w.store.hold(self.lease, session)

    async def checkpoint(self, out: Outcome, position: Position, session: Any) -> None:
        await self.w.store.checkpoint(self.lease, out.counts(), _errors(out), position, session)

    async def check(self) -> None:
        """The uploader may still write the school: their token (as issued at their login, so a
        revocation since then counts) goes with this chunk's calls, and identity answers for the school."""
        if self.lease.lost:
            raise LeaseLost(self.lease.id)
        context.token.set(self.w.mint(self.caller))
        try:
            await self.w.teachers.school(self.caller, self.job.school_code)
        except DomainError as err:
            if transient(err):
                raise
            who = self.caller.username
            raise DomainError(
                err.code, f"导入已停止：导入人（{who}）已不能管理该学校（{err.message}）；已导入的行保留", "schoolCode"
            ) from None


class Workbooks:
    def __init__(
        self,
        store: JobStore,
        teachers: Teachers,
        registry: Registry,
        tables: Mapping[str, CodeTable],
        limits: Limits,
        config: JobConfig,
        mint: Mint,
        reopen: Reopen | None = None,
    ) -> None:
        self.store = store
        self.teachers = teachers
        self.registry = registry
        self.tables = tables
        self.limits = limits
        self.mint = mint
        self.importer = Importer(teachers.storage, registry, tables, limits, teachers.rules, reopen)
        self.runtime = JobRuntime(store.jobs, self, config, "records")
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
        access.require(caller, "import")
        if not access.is_person(caller):  # a job acts for a person, whose reach it keeps being checked against
            raise DomainError(ErrorCode.FORBIDDEN, "批量导入须由学校信息录入员发起", "schoolCode")
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
            acting_for(caller),
        )
        await self.runtime.create(await self.store.upload(job, data, _now()))
        return job

    async def run(self, lease: Lease) -> End:
        """A run of the job (tmis.jobs.Work): from the start, or after its last committed chunk."""
        job = job_of(lease.doc)
        if not job.acting:  # stored by a release that ran imports as the service
            return "FAILED", {"$push": {"errors": _error("导入任务已过期，请重新导入")}}
        caller = acting(job.acting, job.id)
        resume = None
        if job.position is not None and not job.dry_run:
            resume = (job.position, Outcome.of(job.counts))
        try:
            name = await self.teachers.school_name(job.school_code)
            school = OrgRef(job.school_code, "SCHOOL", job.org_path, job.school_type, name)
            request = Request(school, caller, job.mode, job.dry_run)
            async with self.runtime.session(lease) as session:
                journal = _Journal(self, lease, job, caller, session)
                await self.importer.run(request, await self.store.file(job), journal, resume)
        except DomainError as err:
            if transient(err):
                raise
            return "FAILED", {"$push": {"errors": _error(err.message)}}
        return "SUCCEEDED", {}

    async def fail(self, lease: Lease, cause: Cause) -> End:
        if cause is Cause.STOPPED:
            message = (
                f"该文件的导入已中断 {lease.attempts - 1} 次（处理它的服务进程每次都中止了），不再重试；"
                "请检查文件（如行数过多或内容异常）后重新导入，已导入的行保留"
            )
        else:
            message = "导入中断，请稍后重新导入"
        return "FAILED", {"$push": {"errors": _error(message)}}

    async def purge(self, retention_days: int) -> None:
        """Deletes the finished jobs (and files) older than `retention_days`."""
        await self.store.purge(_now() - dt.timedelta(days=retention_days))

    async def close(self) -> None:
        await self.runtime.close()

    async def job(self, caller: Caller, job_id: str) -> Job:
        access.require(caller, "jobs")
        job = await self.store.get(job_id) if job_id.startswith("import-") else None
        if job is None or not access.in_reach(caller, job.org_path):
            raise access.no_job()
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
        access.require(caller, "export")
        if status and status not in STATUS:
            raise DomainError(ErrorCode.INVALID_INPUT, "审核状态无效", "status")
        org = await self.teachers.org_of(org_code)
        if org is None or not access.in_reach(caller, org.path):
            raise access.no_org()
        school_type = org.school_type if org.level == "SCHOOL" else ""
        return chunks(await export(self._official(org.code, status), layouts(self.registry, school_type), self.tables))

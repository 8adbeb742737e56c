"""Photo batches (importPhotos): a .zip of photos named by 身份证件号, each normalised and attached
to the matching teacher of the school, as a job with progress and a result per file.

Starting a job checks the caller (a 信息录入员 reaching the school: records' roster call with
the caller's token refuses anyone else) and the archive as a whole, stores the archive, the
roster and the uploader with the job, then answers at once. The files are processed one after
the other in a task of this instance, under a service identity that carries the uploader's name
(so the history says who), with a short-lived token minted per file: a job outlives the
uploader's token. Progress is stored per file and moves the job's heartbeat. Every instance
sweeps for jobs whose heartbeat stopped (their instance died) and takes one over from the next
file; a job taken over too many times (a photo that kills its instance) is marked FAILED.
Finished jobs and their archives are deleted after `retention_days` (the same sweep, hourly).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from bson import ObjectId

from services.media.archive import ArchiveLimits, Member, PhotoArchive
from services.media.photos import Photos
from services.media.storage import FileResult, Storage
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.rpc import context

logger = logging.getLogger("tmis.media")
# school code -> {身份证件号 (upper case): teacher id}; refuses callers without reach
Roster = Callable[[str], Awaitable[dict[str, str]]]
# a caller -> a short-lived token for it
Mint = Callable[[Caller], str]
JOB_PREFIX = "photo-"
PURGE_EVERY_SECONDS = 3600.0
ABANDONED = "处理中断，该照片未处理：请重新导入"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass(frozen=True)
class JobConfig:
    stale_seconds: float = 60.0  # a RUNNING job with no heartbeat for this long is taken over
    max_attempts: int = 3  # runs of one job (the first and the takeovers) before it is marked FAILED
    retention_days: int = 30  # finished jobs and their archives are deleted this long after their start


def _acting(uploader: dict[str, Any]) -> Caller:
    """The service identity a job runs with, named after its uploader."""
    account, name, org, path = (uploader[k] for k in ("account_id", "username", "org_code", "org_path"))
    return Caller(account, name, org, tuple(path), ("DATA_ENTRY",), service=True)


class PhotoJobs:
    def __init__(
        self, storage: Storage, photos: Photos, roster: Roster, limits: ArchiveLimits, mint: Mint, config: JobConfig
    ) -> None:
        self.storage = storage
        self.photos = photos
        self.roster = roster
        self.limits = limits
        self.mint = mint
        self.config = config
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, caller: Caller, school_code: str, content: bytes) -> dict[str, Any]:
        caller.require("DATA_ENTRY")
        if len(content) > self.limits.max_total_bytes:
            raise DomainError(
                ErrorCode.INVALID_INPUT, f"压缩包超过 {self.limits.max_total_bytes // (1024 * 1024)} MB 上限", "archive"
            )
        teachers = await self.roster(school_code)
        archive = await asyncio.to_thread(PhotoArchive, content, self.limits)
        uploader = {
            "account_id": caller.account_id, "username": caller.username,
            "org_code": caller.org_code, "org_path": list(caller.org_path),
        }  # fmt: skip
        job = {
            "_id": JOB_PREFIX + str(ObjectId()), "owner": caller.account_id, "uploader": uploader,
            "school_code": school_code,
            "total": len(archive.members), "teachers": teachers, "runner": uuid.uuid4().hex, "now": _now(),
        }  # fmt: skip
        job = await self.storage.create_job(job, content)
        self._spawn(job, archive)
        return job

    def _spawn(self, job: dict[str, Any], archive: PhotoArchive) -> None:
        task = asyncio.create_task(self._run(job, archive))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job: dict[str, Any], archive: PhotoArchive) -> None:
        job_id, runner, acting = job["_id"], job["runner"], _acting(job["uploader"])
        try:
            for member in archive.members[job["processed"] :]:
                context.token.set(self.mint(acting))  # (this task's own context: the uploader's token is not used)
                result = await self._one(acting, archive, member, job["teachers"])
                if not await self.storage.add_result(job_id, runner, result, result["outcome"] == "ATTACHED", _now()):
                    return  # taken over by another instance (this one was thought dead)
            await self.storage.finish_job(job_id, runner, "SUCCEEDED", _now())
        except Exception:
            logger.exception("photo job %s failed", job_id)
            await self.storage.finish_job(job_id, runner, "FAILED", _now())

    async def _one(self, caller: Caller, archive: PhotoArchive, member: Member, teachers: dict[str, str]) -> FileResult:
        teacher_id = teachers.get(member.key, "")

        def result(outcome: str, message: str) -> FileResult:
            return {
                "index": member.index,
                "name": member.name,
                "teacher_id": teacher_id,
                "outcome": outcome,
                "message": message,
            }

        data = await asyncio.to_thread(archive.load, member)
        if data is None:
            return result("REFUSED", member.problem)
        if not teacher_id:
            return result("NO_SUCH_TEACHER", f"本校没有身份证件号为 {member.key[:40]} 的教师（文件名应为身份证件号）")
        try:
            photo = await self.photos.upload(caller, teacher_id, data, member.name)
        except DomainError as err:
            return result("BAD_IMAGE" if err.field == "file" else "REFUSED", err.message)
        # attached, with what the clerk should look at (no face found, the background)
        return result("ATTACHED", "；".join(w["message"] for w in photo["report"]["warnings"]))

    async def sweep(self) -> int:
        """Takes over the jobs whose instance died; how many were taken."""
        before = _now() - dt.timedelta(seconds=self.config.stale_seconds)
        taken = 0
        for job_id in await self.storage.stale_jobs(before):
            runner = uuid.uuid4().hex
            job = await self.storage.claim_job(job_id, before, runner, _now())
            if job is None:
                continue  # another instance was first
            taken += 1
            logger.warning("photo job %s taken over (run %d)", job_id, job["attempts"])
            try:
                archive = await asyncio.to_thread(PhotoArchive, await self.storage.archive(job), self.limits)
            except Exception:
                logger.exception("photo job %s: its archive cannot be read again", job_id)
                archive = None
            if archive is None or job["attempts"] > self.config.max_attempts:  # (a photo that kills its instance)
                names = [m.name for m in archive.members] if archive else [""] * job["total"]
                left: list[FileResult] = [
                    {"index": i + 1, "name": names[i], "teacher_id": "", "outcome": "REFUSED", "message": ABANDONED}
                    for i in range(job["processed"], job["total"])
                ]
                await self.storage.finish_job(job_id, runner, "FAILED", _now(), left)
                continue
            self._spawn(job, archive)
        return taken

    async def purge(self) -> None:
        """Deletes the finished jobs (and their files) older than the retention."""
        await self.storage.purge_jobs(_now() - dt.timedelta(days=self.config.retention_days))

    async def get(self, caller: Caller, job_id: str) -> dict[str, Any]:
        """The job, for the account that started it."""
        caller.require()
        job = await self.storage.get_job(job_id) if job_id.startswith(JOB_PREFIX) else None
        if job is None or not (caller.service or job["owner"] == caller.account_id):
            raise DomainError(ErrorCode.NOT_FOUND, "导入任务不存在", "id")
        return job

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

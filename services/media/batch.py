"""Photo batches (importPhotos): a .zip of photos named by 身份证件号, each normalised and attached
to the matching teacher of the school, as a job with progress and a result per file.

Starting a job checks the caller (a 信息录入员 reaching the school: records' roster call with
the caller's token refuses anyone else) and the archive as a whole, stores the archive, the
roster and whom the job acts for, then answers at once. The files are processed one after the
other by the shared job runtime (`tmis.jobs`: heartbeat, sweep and takeover by any instance,
attempt cap, retried end). Each file is attached with a short-lived token minted for the
uploader's own identity (their roles and org, issued as their login was, so a revocation
reaches the job), marked as acting through the job: records checks the uploader's reach over
the teacher at that moment, so a teacher who left the school since the job started is refused,
with the reason, not written. Progress is stored per file, conditioned on the run holding the
job. A job its runs keep dying on is marked FAILED, its files left marked as not done. Finished
jobs and their archives are deleted after `retention_days` (hourly).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bson import ObjectId

from services.media.archive import ArchiveLimits, Member, PhotoArchive
from services.media.photos import Photos
from services.media.storage import FileResult, Storage
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.jobs import Cause, End, JobConfig, JobRuntime, Lease, LeaseLost, acting, acting_for, transient
from tmis.rpc import context

logger = logging.getLogger("tmis.media")
# school code -> {身份证件号 (upper case): teacher id}; refuses callers without reach
Roster = Callable[[str], Awaitable[dict[str, str]]]
# a caller -> a short-lived token for it
Mint = Callable[[Caller], str]
JOB_PREFIX = "photo-"
PURGE_EVERY_SECONDS = 3600.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PhotoJobs:
    def __init__(
        self,
        storage: Storage,
        photos: Photos,
        roster: Roster,
        limits: ArchiveLimits,
        mint: Mint,
        config: JobConfig,
        retention_days: int = 30,
    ) -> None:
        self.storage = storage
        self.photos = photos
        self.roster = roster
        self.limits = limits
        self.mint = mint
        self.retention_days = retention_days  # finished jobs and their archives are deleted this long after their start
        self.runtime = JobRuntime(storage.jobs, self, config, "media")
        self._archives: dict[str, PhotoArchive] = {}  # read at the start, for the job's first run

    async def start(self, caller: Caller, school_code: str, content: bytes) -> dict[str, Any]:
        caller.require("DATA_ENTRY")
        if caller.service:  # a job acts for a person, whose reach records checks at every file
            raise DomainError(ErrorCode.FORBIDDEN, "照片批量导入须由学校信息录入员发起", "schoolCode")
        if len(content) > self.limits.max_total_bytes:
            raise DomainError(
                ErrorCode.INVALID_INPUT, f"压缩包超过 {self.limits.max_total_bytes // (1024 * 1024)} MB 上限", "archive"
            )
        teachers = await self.roster(school_code)
        archive = await asyncio.to_thread(PhotoArchive, content, self.limits)
        job = {
            "_id": JOB_PREFIX + str(ObjectId()), "owner": caller.account_id, "uploader": acting_for(caller),
            "school_code": school_code, "total": len(archive.members), "teachers": teachers,
        }  # fmt: skip
        doc = await self.storage.new_job(job, content, _now())
        self._archives[doc["_id"]] = archive
        try:
            return (await self.runtime.create(doc)).doc
        except BaseException:
            self._archives.pop(doc["_id"], None)
            raise

    async def _archive(self, job: dict[str, Any]) -> PhotoArchive:
        found = self._archives.pop(job["_id"], None)
        if found is None:
            found = await asyncio.to_thread(PhotoArchive, await self.storage.archive(job), self.limits)
        return found

    async def run(self, lease: Lease) -> End:
        """A run of the job (tmis.jobs.Work): its files from the first not done."""
        job = lease.doc
        archive = await self._archive(job)
        caller = acting(job["uploader"], job["_id"])
        for member in archive.members[job["processed"] :]:
            if lease.lost:
                raise LeaseLost(lease.id)
            context.token.set(self.mint(caller))  # (this task's own context: no caller's token is used)
            result = await self._one(caller, archive, member, job["teachers"])
            if not await self.storage.add_result(lease.mine, result, result["outcome"] == "ATTACHED", _now()):
                raise LeaseLost(lease.id)  # taken over by another instance (this one was thought dead)
        return "SUCCEEDED", {}

    async def fail(self, lease: Lease, cause: Cause) -> End:
        """The files not done marked as such, with why."""
        job = await self.storage.get_job(lease.id) or lease.doc
        if cause is Cause.STOPPED:
            message = (
                f"处理中断 {lease.attempts - 1} 次（处理该压缩包的服务进程每次都中止了），不再重试："
                "该照片未处理，请检查压缩包后重新导入"
            )
        else:
            message = "处理中断，该照片未处理：请重新导入"
        try:
            names = [m.name for m in (await self._archive(job)).members]
        except Exception:  # noqa: BLE001 - the files are still reported, by position
            logger.exception("photo job %s: its archive cannot be read again", lease.id)
            names = [""] * job["total"]
        left: list[FileResult] = [
            {"index": i + 1, "name": names[i], "teacher_id": "", "outcome": "REFUSED", "message": message}
            for i in range(job["processed"], job["total"])
        ]
        return "FAILED", {"$push": {"results": {"$each": left}}, "$inc": {"processed": len(left), "failed": len(left)}}

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
            if transient(err):
                raise  # (records is away: the file is done again once it is back)
            return result("BAD_IMAGE" if err.field == "file" else "REFUSED", err.message)
        # attached, with what the clerk should look at (no face found, the background)
        return result("ATTACHED", "；".join(w["message"] for w in photo["report"]["warnings"]))

    async def purge(self) -> None:
        """Deletes the finished jobs (and their files) older than the retention."""
        await self.storage.purge_jobs(_now() - dt.timedelta(days=self.retention_days))

    async def get(self, caller: Caller, job_id: str) -> dict[str, Any]:
        """The job, for the account that started it."""
        caller.require()
        job = await self.storage.get_job(job_id) if job_id.startswith(JOB_PREFIX) else None
        if job is None or not (caller.service or job["owner"] == caller.account_id):
            raise DomainError(ErrorCode.NOT_FOUND, "导入任务不存在", "id")
        return job

    async def stop(self) -> None:
        await self.runtime.close()

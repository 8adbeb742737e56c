"""Photo batches (importPhotos): a .zip of photos named by 身份证件号, each normalised and attached
to the matching teacher of the school, as a job with progress and a result per file.

Starting a job checks the caller (a 信息录入员 reaching the school: records' roster call with
the caller's token refuses anyone else) and the archive as a whole, then answers at once;
the files are processed one after the other in a task of this instance, each attach again
authorised by records with the caller's token. Progress is stored per file, so any instance
reports it. (A job whose instance dies stays RUNNING: resuming is not done yet.)
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
from services.media.storage import Storage
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

logger = logging.getLogger("tmis.media")
# school code -> {身份证件号 (upper case): teacher id}; refuses callers without reach
Roster = Callable[[str], Awaitable[dict[str, str]]]
JOB_PREFIX = "photo-"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PhotoJobs:
    def __init__(self, storage: Storage, photos: Photos, roster: Roster, limits: ArchiveLimits) -> None:
        self.storage = storage
        self.photos = photos
        self.roster = roster
        self.limits = limits
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, caller: Caller, school_code: str, content: bytes) -> dict[str, Any]:
        caller.require("DATA_ENTRY")
        if len(content) > self.limits.max_total_bytes:
            raise DomainError(ErrorCode.INVALID_INPUT, f"压缩包超过 {self.limits.max_total_bytes // (1024 * 1024)} MB 上限", "archive")
        teachers = await self.roster(school_code)
        archive = await asyncio.to_thread(PhotoArchive, content, self.limits)
        job = await self.storage.create_job(JOB_PREFIX + str(ObjectId()), caller.account_id, school_code, len(archive.members), _now())
        task = asyncio.create_task(self._run(caller, job["_id"], archive, teachers))  # the context (caller's token) goes along
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, caller: Caller, job_id: str, archive: PhotoArchive, teachers: dict[str, str]) -> None:
        try:
            for member in archive.members:
                result = await self._one(caller, archive, member, teachers)
                await self.storage.add_result(job_id, result, result["outcome"] == "ATTACHED", _now())
            await self.storage.finish_job(job_id, "SUCCEEDED", _now())
        except Exception:
            logger.exception("photo job %s failed", job_id)
            await self.storage.finish_job(job_id, "FAILED", _now())

    async def _one(self, caller: Caller, archive: PhotoArchive, member: Member, teachers: dict[str, str]) -> dict[str, Any]:
        result = {"index": member.index, "name": member.name, "teacher_id": teachers.get(member.key, "")}
        data = await asyncio.to_thread(archive.load, member)
        if data is None:
            return {**result, "outcome": "REFUSED", "message": member.problem}
        if not result["teacher_id"]:
            return {**result, "outcome": "NO_SUCH_TEACHER", "message": f"本校没有身份证件号为 {member.key[:40]} 的教师（文件名应为身份证件号）"}
        try:
            await self.photos.upload(caller, result["teacher_id"], data, member.name)
        except DomainError as err:
            return {**result, "outcome": "BAD_IMAGE" if err.field == "file" else "REFUSED", "message": err.message}
        return {**result, "outcome": "ATTACHED", "message": ""}

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

"""Import jobs in the records database (the `jobs` collection; the uploaded files in GridFS), so
any instance can report a job or run it again. (Part of the storage package.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, AsyncMongoClient

MAX_STORED_ERRORS = 10_000


@dataclass
class Job:
    id: str
    school_code: str
    org_path: tuple[str, ...]
    school_type: str
    actor: str
    mode: str
    dry_run: bool
    filename: str
    file_id: Any
    status: str = "QUEUED"
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    heartbeat: dt.datetime | None = None


def _job(doc: dict[str, Any]) -> Job:
    return Job(
        id=doc["_id"],
        school_code=doc["school_code"],
        org_path=tuple(doc["org_path"]),
        school_type=doc["school_type"],
        actor=doc["actor"],
        mode=doc["mode"],
        dry_run=doc["dry_run"],
        filename=doc.get("filename") or "",
        file_id=doc["file_id"],
        status=doc["status"],
        counts=doc.get("counts") or {},
        errors=doc.get("errors") or [],
        heartbeat=doc.get("heartbeat"),
    )


class JobStore:
    def __init__(self, client: AsyncMongoClient[dict[str, Any]], db_name: str) -> None:
        db = client[db_name]
        self.jobs = db["jobs"]
        self.files = AsyncGridFSBucket(db, bucket_name="uploads")

    async def open(self) -> JobStore:
        await self.jobs.create_index([("status", ASCENDING), ("heartbeat", ASCENDING)])
        return self

    async def create(self, job: Job, data: bytes, now: dt.datetime) -> Job:
        job.file_id = await self.files.upload_from_stream(job.filename or "upload", data, metadata={"job": job.id})
        await self.jobs.insert_one(
            {
                "_id": job.id,
                "school_code": job.school_code,
                "org_path": list(job.org_path),
                "school_type": job.school_type,
                "actor": job.actor,
                "mode": job.mode,
                "dry_run": job.dry_run,
                "filename": job.filename,
                "file_id": job.file_id,
                "status": "QUEUED",
                "counts": {},
                "errors": [],
                "created_at": now,
                "heartbeat": now,
            }
        )
        job.heartbeat = now
        return job

    async def get(self, job_id: str) -> Job | None:
        doc = await self.jobs.find_one({"_id": job_id})
        return _job(doc) if doc else None

    async def file(self, job: Job) -> bytes:
        stream = await self.files.open_download_stream(job.file_id)
        return await stream.read()

    async def claim(self, job: Job, now: dt.datetime) -> bool:
        """Takes the job to (re)run it from the start, unless another instance took it first."""
        result = await self.jobs.update_one(
            {"_id": job.id, "heartbeat": job.heartbeat},
            {"$set": {"status": "RUNNING", "heartbeat": now, "counts": {}, "errors": []}},
        )
        job.heartbeat = now
        return result.modified_count == 1

    async def progress(self, job: Job, counts: dict[str, int], errors: list[dict[str, Any]], now: dt.datetime) -> None:
        update: dict[str, Any] = {"$set": {"counts": counts, "heartbeat": now}}
        if errors:
            update["$push"] = {"errors": {"$each": errors, "$slice": MAX_STORED_ERRORS}}
        await self.jobs.update_one({"_id": job.id}, update)
        job.heartbeat = now

    async def finish(self, job: Job, status: str, now: dt.datetime, error: dict[str, Any] | None = None) -> None:
        update: dict[str, Any] = {"$set": {"status": status, "heartbeat": now, "finished_at": now}}
        if error:
            update["$push"] = {"errors": error}
        await self.jobs.update_one({"_id": job.id}, update)

    async def purge(self, before: dt.datetime) -> int:
        """Deletes the finished jobs created before `before`, and their files; how many."""
        old = {"status": {"$in": ["SUCCEEDED", "FAILED"]}, "created_at": {"$lt": before}}
        found = self.jobs.find(old, {"file_id": 1})
        purged = 0
        async for doc in found:
            try:
                await self.files.delete(doc["file_id"])
            except NoFile:
                pass  # (a purge interrupted after the file went)
            purged += (await self.jobs.delete_one({"_id": doc["_id"]})).deleted_count
        return purged

    async def stale(self, before: dt.datetime) -> list[Job]:
        """Jobs left QUEUED or RUNNING by an instance that stopped (no heartbeat since `before`)."""
        found = self.jobs.find({"status": {"$in": ["QUEUED", "RUNNING"]}, "heartbeat": {"$lt": before}})
        return [_job(doc) async for doc in found]

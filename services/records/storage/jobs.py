"""Import jobs in the records database (the `jobs` collection; the uploaded files in GridFS), so
any instance can report a job or take it over (`tmis.jobs` holds the lease fields: runner,
heartbeat, attempts). A run's every write is conditioned on its runner; a chunk's checkpoint is
written in the chunk's own transaction (`Chunks.write`). (Part of the storage package.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from tmis.jobs import Lease, LeaseLost

MAX_STORED_ERRORS = 10_000


@dataclass
class Job:
    id: str
    school_code: str
    org_path: tuple[str, ...]
    school_type: str
    actor: str  # the uploader's username
    mode: str
    dry_run: bool
    filename: str
    file_id: Any
    acting: dict[str, Any] = field(default_factory=dict)  # whom it acts for (`tmis.jobs.acting_for`)
    status: str = "QUEUED"
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    # (sheet, chunks of that sheet) committed, the sheets before it whole: where a resumed run goes on
    position: tuple[int, int] | None = None


def job_of(doc: dict[str, Any]) -> Job:
    position = doc.get("position")
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
        acting=doc.get("acting") or {},
        status=doc["status"],
        counts=doc.get("counts") or {},
        errors=doc.get("errors") or [],
        position=(position["sheet"], position["chunk"]) if position else None,
    )


def _progress(counts: dict[str, int], errors: list[dict[str, Any]]) -> dict[str, Any]:
    update: dict[str, Any] = {"$set": {"counts": counts}}
    if errors:
        update["$push"] = {"errors": {"$each": errors, "$slice": MAX_STORED_ERRORS}}
    return update


class JobStore:
    def __init__(self, client: AsyncMongoClient[dict[str, Any]], db_name: str) -> None:
        db = client[db_name]
        self.jobs = db["jobs"]
        self.files = AsyncGridFSBucket(db, bucket_name="uploads")

    async def upload(self, job: Job, data: bytes, now: dt.datetime) -> dict[str, Any]:
        """Stores the job's file; the job's document, to be created (`JobRuntime.create`)."""
        job.file_id = await self.files.upload_from_stream(job.filename or "upload", data, metadata={"job": job.id})
        return {
            "_id": job.id,
            "school_code": job.school_code,
            "org_path": list(job.org_path),
            "school_type": job.school_type,
            "actor": job.actor,
            "acting": job.acting,
            "mode": job.mode,
            "dry_run": job.dry_run,
            "filename": job.filename,
            "file_id": job.file_id,
            "status": "QUEUED",
            "counts": {},
            "errors": [],
            "created_at": now,
        }

    async def get(self, job_id: str) -> Job | None:
        doc = await self.jobs.find_one({"_id": job_id})
        return job_of(doc) if doc else None

    async def file(self, job: Job) -> bytes:
        stream = await self.files.open_download_stream(job.file_id)
        return await stream.read()

    async def _update(self, lease: Lease, update: dict[str, Any], session: AsyncClientSession | None = None) -> None:
        done = await self.jobs.update_one(lease.mine, update, session=session)
        if done.matched_count != 1:
            raise LeaseLost(lease.id)

    async def started(
        self, lease: Lease, counts: dict[str, int], errors: list[dict[str, Any]], position: tuple[int, int] | None
    ) -> None:
        """A run from the start: its first counts and warnings replace what an earlier run stored."""
        stored = {"sheet": position[0], "chunk": position[1]} if position else None
        update = {"status": "RUNNING", "counts": counts, "errors": errors[:MAX_STORED_ERRORS], "position": stored}
        await self._update(lease, {"$set": update})

    async def progress(self, lease: Lease, counts: dict[str, int], errors: list[dict[str, Any]]) -> None:
        await self._update(lease, _progress(counts, errors))

    async def hold(self, lease: Lease, session: AsyncClientSession) -> None:
        """The job written by a chunk's transaction first (its heartbeat moved): a heartbeat of the
        run then waits for the commit rather than conflicting with it; LeaseLost when taken over."""
        await self._update(lease, {"$set": {"heartbeat": dt.datetime.now(dt.UTC)}}, session)

    async def checkpoint(
        self,
        lease: Lease,
        counts: dict[str, int],
        errors: list[dict[str, Any]],
        position: tuple[int, int],
        session: AsyncClientSession,
    ) -> None:
        """A chunk's progress, in the chunk's transaction: refused (LeaseLost, and the chunk with it)
        when another run holds the job."""
        update = _progress(counts, errors)
        update["$set"]["position"] = {"sheet": position[0], "chunk": position[1]}
        await self._update(lease, update, session)

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

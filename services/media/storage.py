"""Media's storage: the only module that touches its MongoDB database.

Normalised photos live in the GridFS bucket `photos`, originals (when kept) in `originals`
with the photo's id in their metadata; photo batches in `jobs`, one document per job updated
once per file, so any instance can report a job's progress and take over a job whose instance
died (the lease fields are `tmis.jobs`'); each batch's archive in the bucket `archives`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from bson import ObjectId
from bson.errors import InvalidId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tmis import mongo
from tmis.migrations import Step, migrate
from tmis.settings import Settings


class FileResult(TypedDict):
    """One file's outcome in a photo job (an item of the job's `results`)."""

    index: int
    name: str
    teacher_id: str
    outcome: str
    message: str


def _oid(raw: str) -> ObjectId | None:
    try:
        return ObjectId(raw)
    except (InvalidId, TypeError):
        return None


# start-up migrations (tmis.migrations), in order; a new release appends
MIGRATIONS: tuple[Step, ...] = ()


class Storage:
    def __init__(self, client: AsyncMongoClient[dict[str, Any]], db_name: str) -> None:
        self.client = client
        self.db: AsyncDatabase[dict[str, Any]] = client[db_name]
        self.photos = AsyncGridFSBucket(self.db, bucket_name="photos")
        self.originals = AsyncGridFSBucket(self.db, bucket_name="originals")
        self.archives = AsyncGridFSBucket(self.db, bucket_name="archives")
        self.jobs = self.db["jobs"]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        storage = cls(mongo.connect(settings, "media"), settings.databases["media"])
        await storage.db.command("ping")
        await migrate(storage.db, MIGRATIONS)
        return storage

    async def close(self) -> None:
        await self.client.close()

    async def answers(self) -> bool:
        """Whether the database answers now (the service's readiness follows it)."""
        return await mongo.answers(self.client)

    # photos

    async def put_photo(self, jpeg: bytes, teacher_id: str) -> str:
        file_id = await self.photos.upload_from_stream(
            f"{teacher_id}.jpg", jpeg, metadata={"teacher_id": teacher_id, "content_type": "image/jpeg"}
        )
        return str(file_id)

    async def put_original(self, photo_id: str, data: bytes, filename: str) -> None:
        await self.originals.upload_from_stream(filename or "original", data, metadata={"photo_id": photo_id})

    async def read_photo(self, photo_id: str) -> bytes | None:
        oid = _oid(photo_id)
        if oid is None:
            return None
        try:
            stream = await self.photos.open_download_stream(oid)
        except NoFile:
            return None
        return await stream.read()

    async def delete_photo(self, photo_id: str) -> None:
        """The photo and its original; a photo already gone is fine (deletes are retried after failures)."""
        oid = _oid(photo_id)
        if oid is None:
            return
        try:
            await self.photos.delete(oid)
        except NoFile:
            pass
        async for original in self.originals.find({"metadata.photo_id": photo_id}):
            await self.originals.delete(original._id)

    # jobs: the archive in GridFS (bucket `archives`), so another instance can take a job over

    async def new_job(self, job: dict[str, Any], archive: bytes, now: dt.datetime) -> dict[str, Any]:
        """Stores the archive; the job's document (`_id`, owner, uploader, school, total, teachers),
        to be created (`JobRuntime.create`)."""
        archive_id = await self.archives.upload_from_stream(job["_id"] + ".zip", archive, metadata={"job": job["_id"]})
        return {
            **job, "archive_id": archive_id, "status": "RUNNING", "processed": 0, "succeeded": 0, "failed": 0,
            "results": [], "created_at": now, "updated_at": now,
        }  # fmt: skip

    async def archive(self, job: dict[str, Any]) -> bytes:
        stream = await self.archives.open_download_stream(job["archive_id"])
        return await stream.read()

    async def add_result(self, lease: dict[str, Any], result: FileResult, ok: bool, now: dt.datetime) -> bool:
        """False when another run holds the job (`lease`: the job while this run holds it)."""
        counter = "succeeded" if ok else "failed"
        done = await self.jobs.update_one(
            lease,
            {"$push": {"results": result}, "$inc": {"processed": 1, counter: 1}, "$set": {"updated_at": now}},
        )
        return done.modified_count == 1

    async def purge_jobs(self, before: dt.datetime) -> int:
        """Deletes the finished jobs created before `before`, and their archives; how many."""
        old = {"status": {"$in": ["SUCCEEDED", "FAILED"]}, "created_at": {"$lt": before}}
        found = self.jobs.find(old, {"archive_id": 1})
        purged = 0
        async for doc in found:
            try:
                await self.archives.delete(doc["archive_id"])
            except (NoFile, KeyError):
                pass  # (a purge interrupted after the file went; a job from before archives were kept)
            purged += (await self.jobs.delete_one({"_id": doc["_id"]})).deleted_count
        return purged

    async def get_job(self, job_id: str) -> dict[str, Any] | None:
        return await self.jobs.find_one({"_id": job_id}, {"teachers": 0})

"""Media's storage: the only module that touches its MongoDB database.

Normalised photos live in the GridFS bucket `photos`, originals (when kept) in `originals`
with the photo's id in their metadata; photo batches in `jobs`, one document per job updated
once per file, so any instance can report a job's progress.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tmis import mongo
from tmis.migrations import Step, migrate
from tmis.settings import Settings


def _oid(raw: str) -> ObjectId | None:
    try:
        return ObjectId(raw)
    except (InvalidId, TypeError):
        return None


# start-up migrations (tmis.migrations), in order; a new release appends
MIGRATIONS: tuple[Step, ...] = ()


class Storage:
    def __init__(self, client: AsyncMongoClient, db_name: str) -> None:
        self.client = client
        self.db: AsyncDatabase = client[db_name]
        self.photos = AsyncGridFSBucket(self.db, bucket_name="photos")
        self.originals = AsyncGridFSBucket(self.db, bucket_name="originals")
        self.jobs = self.db["jobs"]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        storage = cls(mongo.connect(settings, "media"), settings.databases["media"])
        await storage.db.command("ping")
        await migrate(storage.db, MIGRATIONS)
        return storage

    async def close(self) -> None:
        await self.client.close()

    # photos

    async def put_photo(self, jpeg: bytes, teacher_id: str) -> str:
        file_id = await self.photos.upload_from_stream(f"{teacher_id}.jpg", jpeg, metadata={"teacher_id": teacher_id, "content_type": "image/jpeg"})
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

    # jobs

    async def create_job(self, job_id: str, owner: str, school_code: str, total: int, now: dt.datetime) -> dict[str, Any]:
        doc = {
            "_id": job_id, "owner": owner, "school_code": school_code, "status": "RUNNING", "total": total,
            "processed": 0, "succeeded": 0, "failed": 0, "results": [], "created_at": now, "updated_at": now,
        }  # fmt: skip
        await self.jobs.insert_one(doc)
        return doc

    async def add_result(self, job_id: str, result: dict[str, Any], ok: bool, now: dt.datetime) -> None:
        counter = "succeeded" if ok else "failed"
        await self.jobs.update_one({"_id": job_id}, {"$push": {"results": result}, "$inc": {"processed": 1, counter: 1}, "$set": {"updated_at": now}})

    async def finish_job(self, job_id: str, status: str, now: dt.datetime) -> None:
        await self.jobs.update_one({"_id": job_id}, {"$set": {"status": status, "updated_at": now}})

    async def get_job(self, job_id: str) -> dict[str, Any] | None:
        return await self.jobs.find_one({"_id": job_id})

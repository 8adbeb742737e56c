"""Media's storage: the only module that touches its MongoDB database.

Normalised photos live in the GridFS bucket `photos` (`<teacher id>.jpg`, the teacher in the
metadata), originals (when kept) in `originals` with the photo's id in their metadata. Every change
to them is one transaction, so a process that dies between two statements leaves nothing half
done: a photo and its original are written together in GridFS's layout (`put_photo`), pending
(`metadata.pending`: when) until the upload that stored it has attached it, then settled with the
photo it replaced deleted (`settle_photo`), or by a sweep (`pending_before`, `keep_only`); a photo
goes with its chunks and its original. Photo batches in `jobs`, one document per job updated
once per file, so any instance can report a job's progress and take over a job whose instance
died (the lease fields are `tmis.jobs`'); each batch's archive in the bucket `archives`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, TypedDict

from bson import Binary, ObjectId
from bson.errors import InvalidId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
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


CHUNK_BYTES = 255 * 1024  # GridFS's default chunk size: a photo of the standard (60 KB) is one chunk
PENDING = "metadata.pending"


def _gridfs_file(
    file_id: ObjectId, data: bytes, filename: str, metadata: dict[str, Any], now: dt.datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A file's document and its chunks, as GridFS lays them out."""
    chunks = [
        {"files_id": file_id, "n": n, "data": Binary(data[at : at + CHUNK_BYTES])}
        for n, at in enumerate(range(0, len(data), CHUNK_BYTES))
    ]
    file = {
        "_id": file_id, "length": len(data), "chunkSize": CHUNK_BYTES, "uploadDate": now, "filename": filename,
        "metadata": metadata,
    }  # fmt: skip
    return file, chunks


# start-up migrations (tmis.migrations), in order; a new release appends
MIGRATIONS: tuple[Step, ...] = ()


class Storage:
    def __init__(self, client: AsyncMongoClient[dict[str, Any]], db_name: str) -> None:
        self.client = client
        self.db: AsyncDatabase[dict[str, Any]] = client[db_name]
        self.photos = AsyncGridFSBucket(self.db, bucket_name="photos")
        self.photo_files, self.photo_chunks = self.db["photos.files"], self.db["photos.chunks"]
        self.originals = AsyncGridFSBucket(self.db, bucket_name="originals")
        self.original_files, self.original_chunks = self.db["originals.files"], self.db["originals.chunks"]
        self.archives = AsyncGridFSBucket(self.db, bucket_name="archives")
        self.jobs = self.db["jobs"]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        storage = cls(mongo.connect(settings, "media"), settings.databases["media"])
        await storage.db.command("ping")
        await migrate(storage.db, MIGRATIONS)
        await storage._ensure_indexes()
        return storage

    async def close(self) -> None:
        await self.client.close()

    async def answers(self) -> bool:
        """Whether the database answers now (the service's readiness follows it)."""
        return await mongo.answers(self.client)

    # photos

    async def _ensure_indexes(self) -> None:
        """The photo buckets' indexes: GridFS's two of each (which its writer would check with two queries
        on every upload), the pending photos' (sparse: a settled photo leaves it), the originals' by photo."""
        for files, chunks in ((self.photo_files, self.photo_chunks), (self.original_files, self.original_chunks)):
            await files.create_index([("filename", ASCENDING), ("uploadDate", ASCENDING)])
            await chunks.create_index([("files_id", ASCENDING), ("n", ASCENDING)], unique=True)
        await self.photo_files.create_index([(PENDING, ASCENDING)], sparse=True)
        await self.original_files.create_index([("metadata.photo_id", ASCENDING)])

    async def put_photo(
        self, jpeg: bytes, teacher_id: str, now: dt.datetime, original: tuple[bytes, str] | None = None
    ) -> str:
        """Stores the JPEG, pending, and the `original` (bytes, file name) when given, as GridFS lays
        files out (its reader reads them): every chunk and file document in one transaction, so one
        journaled commit and never a file without its chunks, nor an original without its photo."""
        file_id = ObjectId()
        metadata = {"teacher_id": teacher_id, "content_type": "image/jpeg", "pending": now}
        files = [(self.photo_files, self.photo_chunks, _gridfs_file(file_id, jpeg, f"{teacher_id}.jpg", metadata, now))]
        if original is not None:
            data, name = original
            kept = _gridfs_file(ObjectId(), data, name or "original", {"photo_id": str(file_id)}, now)
            files.append((self.original_files, self.original_chunks, kept))

        async def write(session: AsyncClientSession) -> None:
            for file_docs, chunk_docs, (file, chunks) in files:
                if chunks:
                    await chunk_docs.insert_many(chunks, session=session)
                await file_docs.insert_one(file, session=session)

        await self._transaction(write)
        return str(file_id)

    async def settle_photo(self, photo_id: str, replaced: str) -> None:
        """After its attachment: the photo no longer pending, and the one it replaced deleted with its
        chunks and original, in one transaction."""

        async def write(session: AsyncClientSession) -> None:
            await self.photo_files.update_one({"_id": _oid(photo_id)}, {"$unset": {PENDING: ""}}, session=session)
            await self._delete([replaced], session)

        await self._transaction(write)

    async def delete_photo(self, photo_id: str) -> None:
        """The photo, its chunks and its original, in one transaction; a photo already gone is fine."""
        await self._transaction(lambda session: self._delete([photo_id], session))

    async def pending_before(self, before: dt.datetime, limit: int = 1000) -> list[str]:
        """The teachers of photos still pending since before `before`: an upload stopped between storing
        its photo and settling it (a crash, a lost connection)."""
        found = self.photo_files.find({PENDING: {"$lt": before}}, {"metadata.teacher_id": 1}).limit(limit)
        return sorted({doc["metadata"]["teacher_id"] async for doc in found})

    async def keep_only(self, teacher_id: str, current: str, before: dt.datetime) -> int:
        """Deletes the teacher's photos stored before `before` but `current` (its photo in records, "" for
        none), and settles `current`, in one transaction; how many were deleted. No upload attaches a
        photo it did not store just before, so one stored before `before` and not attached is attached never."""
        old = self.photo_files.find({"filename": f"{teacher_id}.jpg", "uploadDate": {"$lt": before}}, {"_id": 1})
        gone = [str(doc["_id"]) async for doc in old if str(doc["_id"]) != current]

        async def write(session: AsyncClientSession) -> None:
            await self._delete(gone, session)
            if (oid := _oid(current)) is not None:
                settled = {"_id": oid, PENDING: {"$lt": before}}
                await self.photo_files.update_one(settled, {"$unset": {PENDING: ""}}, session=session)

        await self._transaction(write)
        return len(gone)

    async def _delete(self, photo_ids: list[str], session: AsyncClientSession) -> None:
        """Photos with their chunks and originals, in `session`'s transaction."""
        photos = [oid for oid in map(_oid, photo_ids) if oid is not None]
        if not photos:
            return
        kept = {"metadata.photo_id": {"$in": list(map(str, photos))}}
        found = self.original_files.find(kept, {"_id": 1}, session=session)
        originals = [doc["_id"] async for doc in found]
        await self.photo_files.delete_many({"_id": {"$in": photos}}, session=session)
        await self.photo_chunks.delete_many({"files_id": {"$in": photos}}, session=session)
        if originals:
            await self.original_files.delete_many({"_id": {"$in": originals}}, session=session)
            await self.original_chunks.delete_many({"files_id": {"$in": originals}}, session=session)

    async def _transaction(self, write: Callable[[AsyncClientSession], Awaitable[None]]) -> None:
        async with self.client.start_session() as session:
            await session.with_transaction(write)

    async def read_photo(self, photo_id: str) -> bytes | None:
        oid = _oid(photo_id)
        if oid is None:
            return None
        try:
            stream = await self.photos.open_download_stream(oid)
        except NoFile:
            return None
        return await stream.read()

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

"""Uploads stopped between their steps: a media process SIGKILLed after storing a photo and before
attaching it, one killed after records attached it and before it settled it (so before it deleted the
photo it replaced), and one whose attachment's answer never came back (records attached it; media
answered an error). Each leaves its photo pending; the sweep settles them: no file records does not
refer to stays, none it refers to goes, nor an upload still in progress. Real database, real records
and identity; the media processes are real processes, and records' answers are held back by a relay
on the wire between them (what a cut connection does), so each kill falls between the same two steps."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.media.photos import UPLOADS_END_WITHIN
from services.media.server import make_photos
from services.media.storage import Storage
from tests.support import images
from tests.support.media import UPLOAD, settled, upload
from tests.support.polling import eventually
from tests.support.suite import Suite
from tests.support.world import World
from tmis.errors import DomainError, ErrorCode
from tmis.proto.media.v1 import media_pb2, media_pb2_grpc
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc import ServiceClient
from tmis.run.procs import free_port, spawn, stop_process

# media processes of its own started and SIGKILLed, a sweep of the whole media database: a suite of its own
pytestmark = [pytest.mark.usefixtures("fresh_suite"), pytest.mark.slow]


class Relay:
    """A TCP relay in front of records; `requests` and `replies` let bytes through while set."""

    def __init__(self, target: str) -> None:
        self.host, port = target.rsplit(":", 1)
        self.target_port = int(port)
        self.requests, self.replies = asyncio.Event(), asyncio.Event()
        self.requests.set()
        self.replies.set()
        self.tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Relay:
        self.server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.addr = f"127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *_: object) -> None:
        self.server.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        to_reader, to_writer = await asyncio.open_connection(self.host, self.target_port)
        for source, sink, gate in ((reader, to_writer, self.requests), (to_reader, writer, self.replies)):
            task = asyncio.create_task(self._pump(source, sink, gate))
            self.tasks.add(task)

    @staticmethod
    async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter, gate: asyncio.Event) -> None:
        while data := await source.read(65536):
            await gate.wait()
            sink.write(data)
            await sink.drain()
        sink.close()


async def media_process(suite: Suite, records: str, log: Path) -> tuple[subprocess.Popen[bytes], ServiceClient]:
    """`python -m services.media` on the suite's database, calling records at `records`; serving."""
    settings, port = suite.settings, free_port()
    env = {
        **os.environ,
        "TMIS_MONGODB_URI": settings.mongodb_uri,
        "TMIS_TOKEN_SECRET": settings.token_secret,
        "TMIS_MEDIA_DB": settings.databases["media"],
        "TMIS_MEDIA_PORT": str(port),
        "TMIS_RECORDS_ADDR": records,
        "TMIS_IDENTITY_ADDR": settings.addrs["identity"],
        "TMIS_MEDIA_KEEP_ORIGINALS": "1",
        "TMIS_LOG_LEVEL": "WARNING",
    }
    proc = spawn([sys.executable, "-m", "services.media"], env, str(log))
    client = ServiceClient("media", f"127.0.0.1:{port}", media_pb2_grpc.MediaServiceStub)

    async def serving() -> bool:
        assert proc.poll() is None, log.read_text()
        return (await client.check_health())[0]

    await eventually(serving, "media to start", timeout=60)
    return proc, client


async def files(db: AsyncDatabase, teacher_id: str) -> dict[str, bool]:
    """The teacher's stored photos: id -> still pending."""
    found = db["photos.files"].find({"filename": f"{teacher_id}.jpg"})
    return {str(f["_id"]): "pending" in f["metadata"] async for f in found}


async def pending(db: AsyncDatabase, teacher_id: str) -> str:
    return next((i for i, waiting in (await files(db, teacher_id)).items() if waiting), "")


@pytest.fixture
async def storage(world: World) -> AsyncIterator[Storage]:
    opened = await Storage.open(world.suite.settings)
    yield opened
    await opened.close()


async def test_the_sweep_settles_uploads_stopped_between_their_steps(
    world: World, media_db: AsyncDatabase, storage: Storage, tmp_path: Path
) -> None:
    suite = world.suite
    records = suite.clients.records

    async def photo_in_records(teacher_id: str) -> str:
        found = await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=[teacher_id]), token=world.clerk)
        return found.teachers[0].photo.id

    def a_photo(n: int) -> bytes:
        return images.encoded(images.portrait((300, 380), colour=(200, 180, 100 + n)), "JPEG")

    a, b, c = [(await world.create(serial=n)).teacher for n in (1, 2, 3)]
    for n, teacher in enumerate((a, b, c)):  # each with a photo, settled
        reply = await upload(suite, UPLOAD, {"t": teacher.id, "f": None}, "first.jpg", a_photo(n), world.clerk)
        assert reply["data"]["uploadPhoto"]["userErrors"] == []
    await settled(media_db, a.id, b.id, c.id)
    first = {t.id: await photo_in_records(t.id) for t in (a, b, c)}

    def upload_to(media: ServiceClient, teacher_id: str, n: int) -> asyncio.Task[object]:
        request = media_pb2.UploadPhotoRequest(teacher_id=teacher_id, content=a_photo(n), filename="new.jpg")
        return asyncio.create_task(media.UploadPhoto(request, token=world.clerk, timeout=60))

    async def stopped(proc: subprocess.Popen[bytes], media: ServiceClient, *calls: asyncio.Task[object]) -> None:
        stop_process(proc)
        await media.close()
        for call in calls:
            call.cancel()
        await asyncio.gather(*calls, return_exceptions=True)

    async with Relay(suite.settings.addrs["records"]) as relay:
        # a: killed after storing its photo, before records heard of it
        proc, media = await media_process(suite, relay.addr, tmp_path / "media-a.log")
        await media.GetPhoto(media_pb2.GetPhotoRequest(teacher_id=a.id), token=world.clerk)  # (connected)
        relay.requests.clear()
        call = upload_to(media, a.id, 10)
        await eventually(lambda: pending(media_db, a.id), "a's photo stored, pending", every=0.01)
        proc.kill()
        await stopped(proc, media, call)
    never_attached = await pending(media_db, a.id)

    async def attached_in_records(teacher_id: str) -> bool:
        return await photo_in_records(teacher_id) == await pending(media_db, teacher_id)

    async with Relay(suite.settings.addrs["records"]) as relay:
        proc, media = await media_process(suite, relay.addr, tmp_path / "media-bc.log")
        await media.GetPhoto(media_pb2.GetPhotoRequest(teacher_id=b.id), token=world.clerk)
        relay.replies.clear()
        # c: attached by records, whose answer never came back: media answers an error, and keeps the file
        with pytest.raises(DomainError) as cut_off:
            await upload_to(media, c.id, 11)
        assert cut_off.value.code == ErrorCode.SERVICE_UNAVAILABLE
        assert await attached_in_records(c.id)
        # b: killed after records attached its photo, before it was settled
        call = upload_to(media, b.id, 12)
        await eventually(lambda: attached_in_records(b.id), "b's photo attached in records", every=0.01)
        proc.kill()
        await stopped(proc, media, call)

    attached = {t.id: await pending(media_db, t.id) for t in (b, c)}
    assert await files(media_db, a.id) == {first[a.id]: False, never_attached: True}
    for t in (b, c):
        assert await photo_in_records(t.id) == attached[t.id]
        assert await files(media_db, t.id) == {first[t.id]: False, attached[t.id]: True}
    # an upload in progress when the sweep runs (stored, not attached yet) stays as it is
    photos = make_photos(suite.settings, storage, records, suite.signer.sign)
    later = dt.datetime.now(dt.UTC) + 2 * UPLOADS_END_WITHIN + dt.timedelta(seconds=1)
    running = await storage.put_photo(a_photo(13), a.id, later - dt.timedelta(minutes=1), (b"original", "o.jpg"))
    before = {t.id: await files(media_db, t.id) for t in (a, b, c)}

    await photos.sweep()  # now: every upload above may still be running
    assert {t.id: await files(media_db, t.id) for t in (a, b, c)} == before
    await photos.sweep(later)

    assert await files(media_db, a.id) == {first[a.id]: False, running: True}
    for t in (b, c):
        assert await files(media_db, t.id) == {attached[t.id]: False}
    # no chunks without their file, no original without its photo, one original per upload kept
    kept = [f["_id"] async for f in media_db["photos.files"].find({})]
    assert set(await media_db["photos.chunks"].distinct("files_id")) == set(kept)
    originals = [f async for f in media_db["originals.files"].find({})]
    assert sorted(o["metadata"]["photo_id"] for o in originals) == sorted([running, *attached.values()])
    assert set(await media_db["originals.chunks"].distinct("files_id")) == {o["_id"] for o in originals}
    for t in (a, b, c):  # what records refers to is served
        served = await suite.http.get(f"/files/photos/{t.id}.jpg", headers={"authorization": f"Bearer {world.clerk}"})
        assert served.status_code == 200 and served.content == await storage.read_photo(await photo_in_records(t.id))

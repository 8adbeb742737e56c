"""An upload answers before it deletes the photo it replaced; what an upload stopped between its steps
left (a crash, a lost connection) the sweep finds and settles: no file records does not refer to
stays, none it refers to goes, and no upload still in progress is touched. Real records service and
database; the interrupted uploads are made by doing their first steps by hand."""

from __future__ import annotations

import datetime as dt

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from services.media.photos import UPLOADS_END_WITHIN, MediaConfig, Photos
from services.media.standard import resolve
from services.media.storage import Storage
from tests.media import images
from tests.media.conftest import UPLOAD, settled, upload
from tests.records.conftest import World
from tmis.plugins import make_plugin_manager
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.photos import photo_message

JPEG = images.encoded(images.portrait((197, 244)), "JPEG")


async def files_of(db: AsyncDatabase, teacher_id: str) -> dict[str, bool]:
    """The teacher's stored photos: id -> still pending."""
    found = db["photos.files"].find({"filename": f"{teacher_id}.jpg"})
    return {str(f["_id"]): "pending" in f["metadata"] async for f in found}


async def test_the_sweep_deletes_what_stopped_uploads_left_and_keeps_what_records_refers_to(
    world: World, media_db: AsyncDatabase
) -> None:
    suite = world.suite
    records = suite.clients.records
    storage = await Storage.open(suite.settings)

    async def photos_of(teacher_ids: list[str]) -> dict[str, str]:  # as media's server asks, as the suite
        reply = await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=teacher_ids), token=suite.system_token)
        return {t.id: t.photo.id for t in reply.teachers}

    async def unused(*_: object) -> str:
        raise AssertionError("the sweep neither uploads nor reads")

    standard = resolve(make_plugin_manager(""))
    photos = Photos(storage, standard, MediaConfig(), unused, unused, photos_of)
    now = dt.datetime.now(dt.UTC)
    long_ago = now - 2 * UPLOADS_END_WITHIN - dt.timedelta(minutes=1)  # the sweep's threshold passed

    async def attach(teacher_id: str, photo_id: str) -> str:  # what media's upload asks records
        photo = photo_message({"id": photo_id, "bytes": len(JPEG)})
        request = pb.AttachPhotoRequest(teacher_id=teacher_id, photo=photo)
        return (await records.AttachPhoto(request, token=world.clerk)).replaced_id

    a, b, c = [(await world.create(serial=n)).teacher for n in (1, 2, 3)]
    try:
        reply = await upload(suite, UPLOAD, {"t": a.id, "f": None}, "me.jpg", JPEG, world.clerk)
        assert reply["data"]["uploadPhoto"]["userErrors"] == []
        await settled(media_db)
        (kept_a,) = await files_of(media_db, a.id)
        # a: stopped after storing its photo, before attaching it
        never_attached = await storage.put_photo(JPEG, a.id, long_ago)
        # b: an upload long ago, then one that stopped after its attachment, before settling (so
        # before deleting the photo it replaced)
        replaced = await storage.put_photo(JPEG, b.id, long_ago - dt.timedelta(minutes=1))
        assert await attach(b.id, replaced) == ""
        await storage.settle_photo(replaced, "")
        attached = await storage.put_photo(JPEG, b.id, long_ago)
        assert await attach(b.id, attached) == replaced
        # c: an upload still in progress (stored just now, not attached yet)
        in_progress = await storage.put_photo(JPEG, c.id, dt.datetime.now(dt.UTC))

        await photos.sweep()

        assert await files_of(media_db, a.id) == {kept_a: False}
        assert await files_of(media_db, b.id) == {attached: False}
        assert await files_of(media_db, c.id) == {in_progress: True}
        for gone in (never_attached, replaced):
            assert await media_db["photos.chunks"].count_documents({"files_id": ObjectId(gone)}) == 0
        shown = await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=[b.id]), token=world.clerk)
        assert shown.teachers[0].photo.id == attached
        served = await suite.http.get(f"/files/photos/{b.id}.jpg", headers={"authorization": f"Bearer {world.clerk}"})
        assert served.status_code == 200 and served.content == JPEG  # GridFS's reader reads what put_photo wrote
    finally:
        await storage.close()

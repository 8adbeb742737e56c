"""One photo through the gateway: upload, attach, serve, replace; who may; nothing half-written."""

from __future__ import annotations

import dataclasses
import io

from bson import ObjectId
from PIL import Image
from pymongo.asynchronous.database import AsyncDatabase

from services.media.server import create_server as media_server
from tests.support import images
from tests.support.media import UPLOAD, settled, upload
from tests.support.world import World
from tmis import mongo
from tmis.proto.media.v1 import media_pb2 as media_pb
from tmis.proto.media.v1 import media_pb2_grpc
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.rpc import ServiceClient
from tmis.run.procs import free_port

PHOTO = (
    "query($id: ID!) { teacher(id: $id) { version photo { url width height bytes dpi report { faceFound crop } } } }"
)


async def stored_files(db: AsyncDatabase, teacher_ids: list[str]) -> int:
    """The photos stored for these teachers (the database holds other tests' too)."""
    return await db["photos.files"].count_documents({"metadata.teacher_id": {"$in": teacher_ids}})


async def set_status(world: World, teacher_id: str, status: str) -> None:
    """The review service moves states; here the stored state is set as it would be."""
    client = mongo.connect(world.suite.settings, "test")
    await client[world.suite.settings.databases["records"]]["teachers"].update_one(
        {"_id": ObjectId(teacher_id)}, {"$set": {"status": status}}
    )
    await client.close()


async def test_a_clerk_uploads_and_the_photo_is_served(world: World, media_db: AsyncDatabase) -> None:
    suite = world.suite
    teacher = (await world.create()).teacher
    face = images.encoded(images.face_off_centre(), "JPEG", quality=90)
    reply = (await upload(suite, UPLOAD, {"t": teacher.id, "f": None}, "me.jpg", face, world.clerk))["data"][
        "uploadPhoto"
    ]
    assert reply["userErrors"] == []
    photo = reply["photo"]
    assert (photo["width"], photo["height"], photo["dpi"]) == (197, 244, 200) and photo["bytes"] <= 60 * 1024
    assert (
        photo["report"]["faceFound"] and photo["report"]["crop"] == "FACE" and photo["report"]["sourceFormat"] == "JPEG"
    )

    shown = (await suite.graphql(PHOTO, {"id": teacher.id}, world.clerk))["data"]["teacher"]
    assert (
        shown["version"] == 2
        and shown["photo"]["bytes"] == photo["bytes"]
        and shown["photo"]["report"]["crop"] == "FACE"
    )
    got = await suite.http.get(shown["photo"]["url"].removeprefix("http://gateway"))
    assert (
        got.status_code == 200
        and got.headers["content-type"] == "image/jpeg"
        and got.headers["cache-control"].startswith("private")
    )
    served = Image.open(io.BytesIO(got.content))
    assert served.size == (197, 244) and served.info["dpi"] == (200, 200) and len(got.content) == photo["bytes"]
    # the reader of the district sees it too, with its own header
    assert (
        await suite.http.get(f"/files/photos/{teacher.id}.jpg", headers={"authorization": f"Bearer {world.reader}"})
    ).status_code == 200
    assert await stored_files(media_db, [teacher.id]) == 1
    # the progress of the district counts the photo (records' teacher document has `photo`)
    progress = await suite.clients.records.GetProgress(
        rec_pb.GetProgressRequest(org_code=world.district), token=world.reader
    )
    assert [(row.org_code, row.total, row.with_photo) for row in progress.orgs] == [(world.school, 1, 1)]


async def test_a_new_upload_replaces_the_old_photo(world: World, media_db: AsyncDatabase) -> None:
    teacher = (await world.create()).teacher
    me = world.teacher_token(teacher.id)
    first = await upload(
        world.suite, UPLOAD, {"t": teacher.id, "f": None}, "a.png", images.encoded(images.noise((400, 500)), "PNG"), me
    )
    assert first["data"]["uploadPhoto"]["userErrors"] == []  # the teacher uploads its own photo
    mine = {"metadata.teacher_id": teacher.id}  # the database holds other tests' photos too
    old = (await media_db["photos.files"].find_one(mine))["_id"]
    second = await upload(
        world.suite,
        UPLOAD,
        {"t": teacher.id, "f": None},
        "b.jpg",
        images.encoded(images.portrait(), "JPEG"),
        world.clerk,
    )
    assert second["data"]["uploadPhoto"]["userErrors"] == []
    await settled(media_db, teacher.id)
    files = [f["_id"] async for f in media_db["photos.files"].find(mine)]
    assert (
        len(files) == 1 and files[0] != old and await media_db["photos.chunks"].count_documents({"files_id": old}) == 0
    )
    history = (
        await world.suite.graphql(
            "query($id: ID!) { teacher(id: $id) { history { path actor } } }", {"id": teacher.id}, world.clerk
        )
    )["data"]
    assert [h["actor"] for h in history["teacher"]["history"] if h["path"] == "photo"] == ["clerk", "teacher"]


async def test_refusals_store_nothing(world: World, media_db: AsyncDatabase) -> None:
    suite = world.suite
    teacher = (await world.create()).teacher
    other = (await world.create(2)).teacher
    good = images.encoded(images.portrait(), "JPEG")

    async def errors(teacher_id: str, data: bytes, token: str) -> list[tuple[str, str]]:
        reply = (await upload(suite, UPLOAD, {"t": teacher_id, "f": None}, "x.jpg", data, token))["data"]["uploadPhoto"]
        assert reply["photo"] is None
        return [(e["code"], e["field"]) for e in reply["userErrors"]]

    assert await errors(teacher.id, b"not an image", world.clerk) == [("INVALID_INPUT", "file")]
    assert await errors(teacher.id, good, world.stranger) == [("NOT_FOUND", "teacherId")]  # another school's clerk
    assert await errors(other.id, good, world.teacher_token(teacher.id)) == [
        ("NOT_FOUND", "teacherId")
    ]  # another teacher
    assert await errors(teacher.id, good, world.reader) == [("FORBIDDEN", "teacherId")]  # reads, never writes
    assert await errors("nope", good, world.clerk) == [("NOT_FOUND", "teacherId")]
    await set_status(world, teacher.id, "SUBMITTED")
    assert await errors(teacher.id, good, world.clerk) == [("NOT_EDITABLE", "teacherId")]
    assert await stored_files(media_db, [teacher.id, other.id, "nope"]) == 0
    assert (await suite.graphql(PHOTO, {"id": teacher.id}, world.clerk))["data"]["teacher"]["photo"] is None


async def test_only_callers_who_may_see_the_teacher_get_the_photo(world: World) -> None:
    suite = world.suite
    teacher = (await world.create()).teacher
    other = (await world.create(2)).teacher
    for t in (teacher, other):
        assert (
            await upload(
                suite, UPLOAD, {"t": t.id, "f": None}, "x.jpg", images.encoded(images.portrait(), "JPEG"), world.clerk
            )
        )["data"]["uploadPhoto"]["photo"]
    path = f"/files/photos/{teacher.id}.jpg"
    as_ = lambda token: {"authorization": f"Bearer {token}"}  # noqa: E731
    assert (await suite.http.get(path, headers=as_(world.stranger))).status_code == 404
    assert (await suite.http.get(path, headers=as_(world.teacher_token(other.id)))).status_code == 404
    assert (await suite.http.get(path, headers=as_(world.teacher_token(teacher.id)))).status_code == 200
    assert (await suite.http.get(path)).status_code == 401
    # a download link opens its own path only
    url = (await suite.graphql(PHOTO, {"id": other.id}, world.clerk))["data"]["teacher"]["photo"]["url"]
    token = url.partition("?token=")[2]
    assert (await suite.http.get(f"{path}?token={token}")).status_code == 401
    assert (await suite.http.get(f"/files/photos/{other.id}.jpg?token={token}")).status_code == 200


async def test_originals_are_kept_when_configured_and_go_with_their_photo(
    world: World, media_db: AsyncDatabase
) -> None:
    suite = world.suite
    teacher = (await world.create()).teacher
    port = free_port()
    raw = {**suite.settings.raw, "TMIS_MEDIA_KEEP_ORIGINALS": "1", "TMIS_MEDIA_STANDARD": '{"dpi": 300}'}
    instance = await media_server(dataclasses.replace(suite.settings, ports={"media": port}, raw=raw))
    client = ServiceClient("media", f"127.0.0.1:{port}", media_pb2_grpc.MediaServiceStub)
    try:
        first_source = images.encoded(images.noise((700, 900)), "PNG")
        first = await client.UploadPhoto(
            media_pb.UploadPhotoRequest(teacher_id=teacher.id, content=first_source, filename="a.png"),
            token=world.clerk,
        )
        assert (first.width, first.height, first.dpi) == (295, 366, 300)
        [original] = [o async for o in media_db["originals.files"].find({"metadata.photo_id": first.id})]
        assert original["length"] == len(first_source) and original["filename"] == "a.png"
        second = await client.UploadPhoto(
            media_pb.UploadPhotoRequest(teacher_id=teacher.id, content=images.encoded(images.portrait(), "JPEG")),
            token=world.clerk,
        )
        await settled(media_db, teacher.id)
        ours = {"metadata.photo_id": {"$in": [first.id, second.id]}}  # the database holds other tests' too
        assert [o["metadata"]["photo_id"] async for o in media_db["originals.files"].find(ours)] == [second.id]
    finally:
        await client.close()
        await instance.stop(0)


async def test_the_report_warns_the_clerk_through_the_gateway(world: World) -> None:
    """No face and a dark background: both said plainly, with stable codes, where the client reads the report."""
    teacher = (await world.create()).teacher
    dark = images.encoded(images.portrait((600, 800), (60, 60, 60)), "JPEG")
    query = UPLOAD.replace("quality }", "quality warnings { code message } }")
    reply = await upload(world.suite, query, {"t": teacher.id, "f": None}, "dark.jpg", dark, world.clerk)
    warnings = reply["data"]["uploadPhoto"]["photo"]["report"]["warnings"]
    assert [w["code"] for w in warnings] == ["NO_FACE", "BACKGROUND_NOT_PLAIN"]
    assert "未检测到人脸" in warnings[0]["message"] and "背景" in warnings[1]["message"]

"""Attaching a photo is idempotent: a call repeated after its first was applied (a retry when the
answer was lost, by the client or by the transaction's own retry) replaces nothing. Media deletes
the photo an attachment says it replaced, so a repeat that named the photo itself as replaced
deleted the file the record refers to (found by bench/chaos.py: "photo attached, its file gone")."""

from __future__ import annotations

from tests.support.world import World
from tmis.proto.records.v1 import records_pb2 as pb

FIRST = {"id": "p1", "width": 197, "height": 244, "bytes": 20000, "dpi": 200}
SECOND = {**FIRST, "id": "p2"}


async def test_an_attachment_repeated_replaces_nothing(world: World) -> None:
    records = world.suite.clients.records
    teacher = (await world.create(1)).teacher

    async def attach(photo: dict) -> pb.AttachPhotoReply:
        return await records.AttachPhoto(pb.AttachPhotoRequest(teacher_id=teacher.id, photo=photo), token=world.clerk)

    first = await attach(FIRST)
    assert (first.replaced_id, first.version) == ("", teacher.version + 1)
    again = await attach(FIRST)
    assert (again.replaced_id, again.version) == ("", first.version)  # not "p1": media would delete it
    second = await attach(SECOND)
    assert (second.replaced_id, second.version) == ("p1", first.version + 1)
    found = await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=[teacher.id]), token=world.clerk)
    assert [t.photo.id for t in found.teachers] == ["p2"]

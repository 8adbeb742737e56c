"""Who writes a record's content: a person, or a job acting for one (its history says through which
job), never a bare service identity. And the contract between an import and 年度更新's reopening:
the reopened record is written at the version reopening left it at, only if nothing but its state
changed meanwhile."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient

from services.records.importer import Importer, Outcome, Request
from services.records.model import OrgRef
from services.records.reading import Limits
from services.records.storage import Storage
from tests.support.excel import basic_row, fill, template
from tests.support.records import basic_of
from tests.support.world import World
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.plugins import build_registry, code_tables, make_plugin_manager
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import encode

PHOTO = {"id": "p1", "width": 197, "height": 244, "bytes": 20000, "dpi": 200}


async def test_a_bare_service_identity_writes_no_record_content(world: World) -> None:
    records, system = world.suite.clients.records, world.suite.system_token
    teacher = (await world.create(1)).teacher
    basic = {**basic_of(teacher), "name": "王五"}
    writes = [
        records.CreateTeacher(
            pb.CreateTeacherRequest(school_code=world.school, basic_json=teacher.basic_json), token=system
        ),
        records.SaveBasicInfo(
            pb.SaveBasicInfoRequest(teacher_id=teacher.id, expected_version=teacher.version, basic_json=encode(basic)),
            token=system,
        ),
        records.AddEntry(
            pb.AddEntryRequest(
                teacher_id=teacher.id,
                expected_version=teacher.version,
                set="CONTACT",
                data_json=encode({"mobile": "13800000000"}),
            ),
            token=system,
        ),
        records.AttachPhoto(pb.AttachPhotoRequest(teacher_id=teacher.id, photo=PHOTO), token=system),
        records.DeleteTeacher(pb.DeleteTeacherRequest(teacher_id=teacher.id), token=system),
    ]
    for write in writes:
        with pytest.raises(DomainError) as refused:
            await write
        assert refused.value.code == ErrorCode.FORBIDDEN and "服务身份" in refused.value.message
    found = await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=[teacher.id]), token=system)
    assert [(t.version, basic_of(t)["name"], t.HasField("photo")) for t in found.teachers] == [
        (teacher.version, basic_of(teacher)["name"], False)
    ]


async def test_a_job_writes_with_its_uploader_s_reach_and_the_history_names_the_job(world: World) -> None:
    records = world.suite.clients.records
    teacher = (await world.create(1)).teacher
    sign = world.suite.signer.sign
    clerk = Caller("c1", "clerk", world.school, world.path, ("DATA_ENTRY",), via="photo-123")
    other_school = Caller(
        "c9",
        "other",
        world.other,
        (*world.path[:3], world.orgs.other_district, world.other),
        ("DATA_ENTRY",),
        via="photo-9",
    )
    with pytest.raises(DomainError):  # the job's uploader does not reach the record: nothing written
        await records.AttachPhoto(pb.AttachPhotoRequest(teacher_id=teacher.id, photo=PHOTO), token=sign(other_school))
    await records.AttachPhoto(pb.AttachPhotoRequest(teacher_id=teacher.id, photo=PHOTO), token=sign(clerk))
    client: AsyncMongoClient = AsyncMongoClient(world.suite.settings.mongodb_uri)
    try:
        history = client[world.suite.settings.databases["records"]]["history"]
        rows = [(h["actor"], h["path"], h.get("via")) async for h in history.find({"teacher_id": teacher.id})]
    finally:
        await client.close()
    assert rows == [("clerk", "photo", "photo-123")]


class Journal:
    """An import's journal with no job behind it (importer.Journal): its transactions' session only."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.errors: list[str] = []  # the row errors stored

    async def started(self, out: Outcome, position: Any) -> None:
        self.errors += [e.message for e in out.errors]

    async def report(self, out: Outcome) -> None:
        self.errors += [e.message for e in out.errors]

    async def hold(self, session: Any) -> None:
        pass

    async def checkpoint(self, out: Outcome, position: Any, session: Any) -> None:
        self.errors += [e.message for e in out.errors]

    async def check(self) -> None:
        pass


@pytest.fixture
async def storage(world: World) -> AsyncIterator[Storage]:
    opened = await Storage.open(world.suite.settings)
    yield opened
    await opened.close()


@pytest.mark.parametrize("meanwhile", ["only the state", "the content too"])
async def test_a_reopened_record_is_written_at_the_version_reopening_left_it(
    world: World, storage: Storage, meanwhile: str
) -> None:
    teacher = (await world.create(1)).teacher
    assert await storage.set_review_status(teacher.id, "APPROVED", 1, True) == ("applied", [])

    async def reopen(teacher_id: str, acting: Caller) -> str:
        """年度更新 as review does it, but with a push that raises the version (and, in one case, a
        save slipping in before the import writes)."""
        assert (teacher_id, acting.username) == (teacher.id, "clerk")
        await storage.set_review_status(teacher_id, "CHANGING", 2, False)
        changed: dict[str, Any] = {"$inc": {"version": 1}}
        if meanwhile == "the content too":
            changed["$set"] = {"basic.name": "赵六", "updated_at": dt.datetime.now(dt.UTC)}
        await storage.teachers.update_one({"_id": ObjectId(teacher_id)}, changed)
        return ""

    plugins = make_plugin_manager("")
    importer = Importer(
        storage, build_registry(plugins), code_tables(plugins), Limits.of(world.suite.settings), reopen=reopen
    )
    school = OrgRef(world.school, "SCHOOL", world.path, "PRIMARY_SECONDARY", "示范小学")
    clerk = Caller("c1", "clerk", world.school, world.path, ("DATA_ENTRY",), via="import-1")
    data = fill(await template(world), {"基本信息": [basic_row(1, world.district, 姓名="李四")]})
    async with storage.client.start_session() as session:
        journal = Journal(session)
        out = await importer.run(Request(school, clerk, "APPEND", False), data, journal)
    stored = (await storage.get([teacher.id]))[0]
    if meanwhile == "only the state":
        assert (out.updated, out.failed, stored.basic["name"], stored.status) == (1, 0, "李四", "CHANGING")
        assert stored.version == teacher.version + 2  # raised by the push, then by the import's write
    else:  # the save that slipped in is kept, and the row says why it was not imported
        assert (out.updated, out.failed, stored.basic["name"]) == (0, 1, "赵六")
        assert len(journal.errors) == 1 and "刚被他人修改" in journal.errors[0]


async def test_a_person_registered_while_the_chunk_was_planned_is_told_where(world: World, storage: Storage) -> None:
    """A race: the person is saved by hand after the import planned the row as new, before its chunk
    is written; the row fails with createTeacher's message, which says where (RecordWrites.duplicate)."""

    class Racing(Journal):
        async def check(self) -> None:  # just before the chunk's transaction
            assert not (await world.create(1)).errors

    plugins = make_plugin_manager("")
    importer = Importer(storage, build_registry(plugins), code_tables(plugins), Limits.of(world.suite.settings))
    school = OrgRef(world.school, "SCHOOL", world.path, "PRIMARY_SECONDARY", "示范小学")
    clerk = Caller("c1", "clerk", world.school, world.path, ("DATA_ENTRY",), via="import-1")
    data = fill(await template(world), {"基本信息": [basic_row(1, world.district), basic_row(2, world.district)]})
    async with storage.client.start_session() as session:
        journal = Racing(session)
        out = await importer.run(Request(school, clerk, "APPEND", False), data, journal)
    assert (out.inserted, out.failed) == (1, 1)
    assert journal.errors == ["该身份证件号的教师已在本校（示范小学）登记，不能重复录入，请在本校教师名单中查找"]

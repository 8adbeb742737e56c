"""BatchGetTeacherHistory, the batch form of ListTeacherHistory the gateway's loader calls: per record
the page ListTeacherHistory answers, records out of the caller's reach left out."""

from __future__ import annotations

from tests.support.world import World
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import encode
from tmis.run.demo import DEMO_ENTRIES


async def test_each_record_gets_the_page_its_own_history_call_answers(world: World) -> None:
    records = world.suite.clients.records
    edited = (await world.create()).teacher
    for version in (1, 2):
        data = encode({**DEMO_ENTRIES["EDUCATION"], "institution": f"学校{version}"})
        request = pb.AddEntryRequest(teacher_id=edited.id, expected_version=version, set="EDUCATION", data_json=data)
        assert not (await records.AddEntry(request, token=world.clerk)).errors
    created = (await world.create(serial=2)).teacher

    def batch(first: int) -> pb.BatchGetTeacherHistoryRequest:
        return pb.BatchGetTeacherHistoryRequest(teacher_ids=[edited.id, "unknown", created.id], first=first)

    for first in (1, 2, 50):
        found = await records.BatchGetTeacherHistory(batch(first), token=world.reader)
        one_by_one = {
            t: await records.ListTeacherHistory(
                pb.ListTeacherHistoryRequest(teacher_id=t, first=first), token=world.reader
            )
            for t in (edited.id, created.id)
        }
        assert {h.teacher_id: h.page for h in found.teachers} == one_by_one
    assert len(one_by_one[edited.id].changes) >= 2 and list(one_by_one[created.id].changes) == []  # listed, empty
    assert (await records.BatchGetTeacherHistory(batch(1), token=world.reader)).teachers[0].page.has_next_page
    assert list((await records.BatchGetTeacherHistory(batch(50), token=world.stranger)).teachers) == []

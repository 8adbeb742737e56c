"""A 系统管理员 manages accounts: of the records of its subtree it sees a school's roster (what teacher
accounts are made of), never a record (README, "Access"; services/records/access.py)."""

from __future__ import annotations

import pytest

from tests.support.records import basic_of
from tests.support.world import World
from tmis.errors import DomainError, ErrorCode
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import encode

TEACHER = """query($id: ID!) { teacher(id: $id) { id } }"""
TEACHERS = """query($o: String!) { teachers(orgCode: $o) { totalCount edges { node { id } } } }"""
EXPORT = """mutation($o: String!) { exportTeachers(orgCode: $o) { url userErrors { code field } } }"""


async def test_a_system_admin_sees_a_school_s_roster_and_no_record(world: World) -> None:
    records, graphql = world.suite.clients.records, world.suite.graphql
    teacher = (await world.create(1)).teacher
    added = await records.AddEntry(
        pb.AddEntryRequest(
            teacher_id=teacher.id,
            expected_version=teacher.version,
            set="CONTACT",
            data_json=encode({"mobile": "13800000000"}),
        ),
        token=world.clerk,
    )
    assert not added.errors
    for account, username, org in (("a1", "school_admin", world.school), ("a2", "district_admin", world.district)):
        token = world.caller(account, username, org, ("SYSTEM_ADMIN",))
        roster = await records.ListSchoolRoster(pb.ListSchoolRosterRequest(school_code=world.school), token=token)
        assert [(t.teacher_id, t.name, t.id_number) for t in roster.teachers] == [
            (teacher.id, basic_of(teacher)["name"], basic_of(teacher)["idNumber"])
        ]
        got = await records.BatchGetTeachers(
            pb.BatchGetTeachersRequest(ids=[teacher.id], sets=["CONTACT"]), token=token
        )
        assert list(got.teachers) == []
        histories = await records.BatchGetTeacherHistory(
            pb.BatchGetTeacherHistoryRequest(teacher_ids=[teacher.id]), token=token
        )
        assert list(histories.teachers) == []
        refused = [
            records.ListTeachers(pb.ListTeachersRequest(org_code=org), token=token),
            records.ListTeacherHistory(pb.ListTeacherHistoryRequest(teacher_id=teacher.id), token=token),
            records.GetStatistics(pb.GetStatisticsRequest(org_code=org, dimension="GENDER"), token=token),
            records.GetProgress(pb.GetProgressRequest(org_code=org), token=token),
        ]
        for call in refused:
            with pytest.raises(DomainError) as err:
                await call
            assert err.value.code in (ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND)
        with pytest.raises(DomainError) as err:
            async for _ in records.ExportTeachers(pb.ExportTeachersRequest(org_code=org), token=token):
                pass
        assert err.value.code == ErrorCode.FORBIDDEN

        # through the API, as the gateway answers it
        assert (await graphql(TEACHER, {"id": teacher.id}, token))["data"]["teacher"] is None
        listed = await graphql(TEACHERS, {"o": org}, token)
        assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        exported = (await graphql(EXPORT, {"o": org}, token))["data"]["exportTeachers"]
        assert exported["url"] is None and [e["code"] for e in exported["userErrors"]] == ["FORBIDDEN"]

    # an account holding a reading role too (stored before the rule on roles) reads as that role
    token = world.caller("a3", "admin_query", world.district, ("SYSTEM_ADMIN", "QUERY"))
    [got] = (
        await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=[teacher.id], sets=["CONTACT"]), token=token)
    ).teachers
    assert [e.set for e in got.entries] == ["CONTACT"]
    listed = await graphql(TEACHERS, {"o": world.district}, token)
    assert [e["node"]["id"] for e in listed["data"]["teachers"]["edges"]] == [teacher.id]

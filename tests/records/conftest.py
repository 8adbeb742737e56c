"""A district with two schools, and callers of every kind for the records service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Suite
from tmis.auth import Caller
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import decode, encode
from tmis.run.demo import demo_basic

SCHOOL, OTHER = "3162010201", "3162010301"


def basic_of(teacher: pb.Teacher) -> dict[str, Any]:
    """A record's 基本信息 as it crossed gRPC, values as sent."""
    return decode(teacher.basic_json, None)


PATH = ("100000", "620000", "620100", "620102", SCHOOL)


@dataclass
class World:
    suite: Suite
    clerk: str
    reader: str
    stranger: str

    def teacher_token(self, teacher_id: str) -> str:
        return self.suite.signer.sign(
            Caller("t-" + teacher_id, "teacher", SCHOOL, PATH, ("TEACHER",), teacher_id=teacher_id)
        )

    async def create(self, serial: int = 1, **changes: Any) -> pb.TeacherWrite:
        basic = {**demo_basic(serial, "620102", "PRIMARY_SECONDARY"), **changes}
        return await self.suite.clients.records.CreateTeacher(
            pb.CreateTeacherRequest(school_code=SCHOOL, basic_json=encode(basic)), token=self.clerk
        )


@pytest.fixture
async def world(suite: Suite) -> World:
    token = suite.system_token
    for code, name, level, parent, school_type in [
        ("620000", "甘肃省", "PROVINCE", "100000", ""),
        ("620100", "兰州市", "CITY", "620000", ""),
        ("620102", "城关区", "DISTRICT", "620100", ""),
        ("620103", "七里河区", "DISTRICT", "620100", ""),
        (SCHOOL, "示范小学", "SCHOOL", "620102", "PRIMARY_SECONDARY"),
        (OTHER, "实验中学", "SCHOOL", "620103", "PRIMARY_SECONDARY"),
    ]:
        await suite.clients.identity.CreateOrg(
            id_pb.CreateOrgRequest(code=code, name=name, level=level, parent_code=parent, school_type=school_type),
            token=token,
        )
    sign = suite.signer.sign
    return World(
        suite,
        clerk=sign(Caller("c1", "clerk", SCHOOL, PATH, ("DATA_ENTRY",))),
        reader=sign(Caller("r1", "reader", "620102", PATH[:4], ("QUERY",))),
        stranger=sign(
            Caller("s1", "stranger", OTHER, ("100000", "620000", "620100", "620103", OTHER), ("DATA_ENTRY",))
        ),
    )

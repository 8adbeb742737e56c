"""Demo data for `make run`: a province → a city → two districts → schools of several types,
each with teachers whose 身份证件号 are valid. Seeded once, through the services' own RPCs."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from google.protobuf import struct_pb2

from tmis import idcard
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.rpc import ServiceClient

logger = logging.getLogger("tmis.demo")

PROVINCE = ("620000", "甘肃省")
CITY = ("620100", "兰州市")
# district code, name, schools: (code, name, school type)
DISTRICTS = [
    ("620102", "城关区", [("3162010201", "兰州市城关区示范小学", "PRIMARY_SECONDARY"), ("3162010202", "兰州市城关区示范幼儿园", "KINDERGARTEN")]),
    ("620103", "七里河区", [("3162010301", "兰州市七里河区实验中学", "PRIMARY_SECONDARY"), ("3162010302", "兰州市七里河区职业中等专业学校", "VOCATIONAL")]),
]
NAMES = ["张明", "李娜", "王磊", "刘芳", "陈静", "杨帆", "赵敏", "黄强", "周婷", "吴刚", "徐丽", "孙浩"]
TEACHERS_PER_SCHOOL = 6


def demo_teachers(district: str, school_index: int) -> list[dict[str, Any]]:
    out = []
    for i in range(TEACHERS_PER_SCHOOL):
        serial = school_index * TEACHERS_PER_SCHOOL + i
        gender = "1" if i % 2 == 0 else "2"
        birth = dt.date(1970 + (serial * 7) % 28, 1 + serial % 12, 1 + (serial * 5) % 28)
        out.append({"name": NAMES[serial % len(NAMES)], "idType": "1", "idNumber": idcard.make(district, birth, serial, gender)})
    return out


async def seed(identity: ServiceClient, records: ServiceClient, token: str) -> bool:
    """Create the demo orgs and teachers unless the demo province exists. True when seeded now."""
    if (await identity.BatchGetOrgs(id_pb.BatchGetOrgsRequest(codes=[PROVINCE[0]]), token=token)).orgs:
        return False

    async def org(code: str, name: str, level: str, parent: str, school_type: str = "") -> None:
        request = id_pb.CreateOrgRequest(code=code, name=name, level=level, parent_code=parent, school_type=school_type)
        try:
            await identity.CreateOrg(request, token=token)
        except DomainError as err:  # a start interrupted half-way: keep what is there
            if err.code != ErrorCode.ALREADY_EXISTS:
                raise

    nation = (await identity.BatchGetOrgs(id_pb.BatchGetOrgsRequest(codes=["100000"]), token=token)).orgs[0].code
    await org(PROVINCE[0], PROVINCE[1], "PROVINCE", nation)
    await org(CITY[0], CITY[1], "CITY", PROVINCE[0])
    school_index = 0
    for district, district_name, schools in DISTRICTS:
        await org(district, district_name, "DISTRICT", CITY[0])
        for code, name, school_type in schools:
            await org(code, name, "SCHOOL", district, school_type)
            for basic in demo_teachers(district, school_index):
                struct = struct_pb2.Struct()
                struct.update(basic)
                try:
                    await records.CreateTeacher(rec_pb.CreateTeacherRequest(school_code=code, basic=struct), token=token)
                except DomainError as err:
                    if err.code != ErrorCode.ALREADY_EXISTS:
                        raise
            school_index += 1
    logger.info("demo data seeded: %s, %d schools", PROVINCE[1], school_index)
    return True

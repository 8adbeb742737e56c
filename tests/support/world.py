"""A test's own corner of the org tree: a province, a city, two districts and a school in each
(`Orgs`), created through the suite; callers of every kind for records (`World`) and reviewers on
the school's chain (`Chain`). On the session suite each test gets codes no other test uses, so
what it writes, counts and searches is its own."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from tests.support.records import basic_input, demo_person
from tests.support.suite import Suite
from tmis import idcard
from tmis.auth import Caller
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import encode
from tmis.run.demo import DEMO_ENTRIES

NATION = "100000"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Orgs:
    """Codes of one test's subtree: province → city → district → school, and a second district
    with a school of its own (`other_district`, `other`)."""

    province: str = "620000"
    city: str = "620100"
    district: str = "620102"
    other_district: str = "620103"
    school: str = "3162010201"
    other: str = "3162010301"

    @classmethod
    def unique(cls) -> Orgs:
        """Codes no other test of the session uses (area codes are 6 digits, the first four the
        test's number; a school code is its district's with a suffix, as real ones are)."""
        n = 2000 + next(_numbers)  # clear of 100000 (the nation) and of the fixed codes above
        district, other_district = f"{n}02", f"{n}03"
        return cls(f"{n}00", f"{n}01", district, other_district, f"31{district}01", f"31{other_district}01")

    @property
    def path(self) -> tuple[str, ...]:
        return (NATION, self.province, self.city, self.district, self.school)

    @property
    def other_path(self) -> tuple[str, ...]:
        return (NATION, self.province, self.city, self.other_district, self.other)

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """code, name, level, parent, school type; parents first."""
        return [
            (self.province, "甘肃省", "PROVINCE", NATION, ""),
            (self.city, "兰州市", "CITY", self.province, ""),
            (self.district, "城关区", "DISTRICT", self.city, ""),
            (self.other_district, "七里河区", "DISTRICT", self.city, ""),
            (self.school, "示范小学", "SCHOOL", self.district, "PRIMARY_SECONDARY"),
            (self.other, "实验中学", "SCHOOL", self.other_district, "PRIMARY_SECONDARY"),
        ]


async def create_orgs(suite: Suite, orgs: Orgs) -> None:
    for code, name, level, parent, school_type in orgs.rows():
        await suite.clients.identity.CreateOrg(
            id_pb.CreateOrgRequest(code=code, name=name, level=level, parent_code=parent, school_type=school_type),
            token=suite.system_token,
        )


class InOrgs:
    """The codes of a test's `orgs` by name (a `World`'s, a `Tree`'s)."""

    orgs: Orgs

    @property
    def province(self) -> str:
        return self.orgs.province

    @property
    def city(self) -> str:
        return self.orgs.city

    @property
    def district(self) -> str:
        return self.orgs.district

    @property
    def school(self) -> str:
        return self.orgs.school

    @property
    def other(self) -> str:
        return self.orgs.other

    @property
    def path(self) -> tuple[str, ...]:
        return self.orgs.path


@dataclass
class World(InOrgs):
    suite: Suite
    orgs: Orgs
    clerk: str
    reader: str
    stranger: str
    admin: str = ""  # SYSTEM_ADMIN of the province: the admin of the whole subtree

    def caller(self, account: str, username: str, org: str, roles: tuple[str, ...], **extra: Any) -> str:
        """A token of `roles` at `org` (one of this world's codes), as identity would issue it."""
        path = self.orgs.path if org in self.orgs.path else self.orgs.other_path
        return self.suite.signer.sign(Caller(account, username, org, path[: path.index(org) + 1], roles, **extra))

    def id_number(self, serial: int, birth: dt.date = dt.date(1980, 1, 1), gender: str = "1") -> str:
        """A valid 身份证件号 of this test's district: unique to the test for each (serial, birth, gender)."""
        return idcard.make(self.district, birth, serial, gender)

    def teacher_token(self, teacher_id: str) -> str:
        return self.caller("t-" + teacher_id, "teacher", self.school, ("TEACHER",), teacher_id=teacher_id)

    def basic(self, serial: int = 1, **changes: Any) -> dict[str, Any]:
        """A valid 基本信息 for the records service; its 身份证件号 unique to this test (per serial)."""
        return {**demo_person(serial, self.district), **changes}

    def basic_input(self, serial: int = 1, **changes: Any) -> dict[str, Any]:
        """The same as a BasicInfoInput of the gateway."""
        return {**basic_input(serial, self.district), **changes}

    async def create(self, serial: int = 1, **changes: Any) -> pb.TeacherWrite:
        return await self.suite.clients.records.CreateTeacher(
            pb.CreateTeacherRequest(school_code=self.school, basic_json=encode(self.basic(serial, **changes))),
            token=self.clerk,
        )


async def make_world(suite: Suite, orgs: Orgs) -> World:
    await create_orgs(suite, orgs)
    world = World(suite, orgs, "", "", "")
    world.clerk = world.caller("c1", "clerk", orgs.school, ("DATA_ENTRY",))
    world.reader = world.caller("r1", "reader", orgs.district, ("QUERY",))
    world.stranger = world.caller("s1", "stranger", orgs.other, ("DATA_ENTRY",))
    world.admin = world.caller("a1", f"admin_{orgs.province}", orgs.province, ("SYSTEM_ADMIN",))
    return world


@dataclass
class Chain:
    world: World
    reviewers: dict[str, str]  # level -> token of that level's reviewer on the school's chain
    other_district_reviewer: str
    other_clerk: str
    city_reader: str

    @property
    def suite(self) -> Suite:
        return self.world.suite

    async def complete_teacher(self, serial: int, school: str | None = None) -> str:
        """A record with every required set filled; its id."""
        school = school or self.world.school
        clerk = self.world.clerk if school == self.world.school else self.other_clerk
        records = self.suite.clients.records
        created = await records.CreateTeacher(
            pb.CreateTeacherRequest(school_code=school, basic_json=encode(self.world.basic_input(serial))), token=clerk
        )
        assert not created.errors, created.errors
        teacher = created.teacher
        for set_key, data in DEMO_ENTRIES.items():
            request = pb.AddEntryRequest(
                teacher_id=teacher.id, expected_version=teacher.version, set=set_key, data_json=encode(data)
            )
            written = await records.AddEntry(request, token=clerk)
            assert not written.errors, (set_key, written.errors)
            teacher = written.teacher
        assert list(teacher.missing) == []
        return teacher.id


def make_chain(world: World) -> Chain:
    orgs = world.orgs
    levels = {"PROVINCE": orgs.province, "CITY": orgs.city, "DISTRICT": orgs.district, "SCHOOL": orgs.school}
    return Chain(
        world,
        reviewers={
            level: world.caller(f"rv{org}", f"reviewer_{org}", org, ("REVIEWER",)) for level, org in levels.items()
        },
        other_district_reviewer=world.caller(
            "rv-o", f"reviewer_{orgs.other_district}", orgs.other_district, ("REVIEWER",)
        ),
        other_clerk=world.caller("c2", "clerk2", orgs.other, ("DATA_ENTRY",)),
        city_reader=world.caller("q-city", f"query_{orgs.city}", orgs.city, ("QUERY",)),
    )

"""A province with a city, two districts and a school in each; complete records; reviewers
at every level (tokens minted as identity would issue them)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from tests.conftest import Suite
from tests.records.conftest import OTHER, PATH, SCHOOL, World, world  # noqa: F401 (the fixture)
from tests.records.test_gateway_teachers import basic_input
from tmis.auth import Caller
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import encode
from tmis.run.demo import DEMO_ENTRIES
from tmis.settings import Settings

OTHER_PATH = ("100000", "620000", "620100", "620103", OTHER)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The reconciler looks often, so a test sees a half-done transition finished; it takes a state as
    half-done after 2 s (a live approval on a loaded machine can take longer than 0.5 s, and its final
    steps would then run twice: allowed, they are idempotent, but not what the hook tests count)."""
    return replace(settings, raw={**settings.raw, "TMIS_REVIEW_RECONCILE_MS": "200", "TMIS_REVIEW_RETRY_MS": "2000"})


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

    async def complete_teacher(self, serial: int, school: str = SCHOOL) -> str:
        """A record with every required set filled; its id."""
        clerk = self.world.clerk if school == SCHOOL else self.other_clerk
        records = self.suite.clients.records
        basic = basic_input(serial)
        created = await records.CreateTeacher(
            pb.CreateTeacherRequest(school_code=school, basic_json=encode(basic)), token=clerk
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


@pytest.fixture
async def chain(world: World) -> Chain:  # noqa: F811 (the fixture, imported above)
    sign = world.suite.signer.sign

    def reviewer(level_index: int) -> str:
        org = PATH[level_index]
        return sign(Caller(f"rv{org}", f"reviewer_{org}", org, PATH[: level_index + 1], ("REVIEWER",)))

    return Chain(
        world,
        reviewers={"SCHOOL": reviewer(4), "DISTRICT": reviewer(3), "CITY": reviewer(2), "PROVINCE": reviewer(1)},
        other_district_reviewer=sign(Caller("rv-o", "reviewer_620103", "620103", OTHER_PATH[:4], ("REVIEWER",))),
        other_clerk=sign(Caller("c2", "clerk2", OTHER, OTHER_PATH, ("DATA_ENTRY",))),
        city_reader=sign(Caller("q-city", "query_620100", "620100", PATH[:3], ("QUERY",))),
    )

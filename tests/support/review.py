"""Review steps shared by the review, media and plugin tests: a record through the whole chain,
a 信息变更 started, and a second review server with a plugin of the test's."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from services.review.server import create_server
from tests.support.gql import APPROVE, SUBMIT, act
from tests.support.world import Chain
from tmis.proto.review.v1 import review_pb2_grpc
from tmis.rpc import ServiceClient
from tmis.run.procs import free_port

LEVELS = ("SCHOOL", "DISTRICT", "CITY", "PROVINCE")
TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()  # 新增 counts on its day in China
# a window of flows around it: a day either side, so a run crossing midnight in China (16:00 UTC) still counts
SINCE, UNTIL = ((dt.date.fromisoformat(TODAY) + dt.timedelta(days=d)).isoformat() for d in (-1, 1))
START = """mutation($t: ID!, $r: String!) { startChange(teacherId: $t, reason: $r) { teacher { id version
  review { status kind } } userErrors { code message field } } }"""


async def approved(chain: Chain, serial: int) -> str:
    """A record of the school through the whole chain: APPROVED, with its personal code."""
    teacher = await chain.complete_teacher(serial)
    assert (await act(chain, SUBMIT, chain.world.clerk, [teacher]))["succeeded"] == [teacher]
    for level in LEVELS:
        assert (await act(chain, APPROVE, chain.reviewers[level], [teacher]))["succeeded"] == [teacher]
    return teacher


async def start(chain: Chain, teacher: str, token: str, reason: str = "更正信息") -> dict:
    """startChange: an APPROVED record reopened for a 信息变更."""
    return (await chain.suite.graphql(START, {"t": teacher, "r": reason}, token))["data"]["startChange"]


async def review_with(chain: Chain, plugin: object, **raw: str) -> tuple[ServiceClient, object]:
    """A second review server on the suite's database, with `plugin` and settings `raw` of its own;
    the caller stops it."""
    settings = replace(chain.suite.settings, ports={"review": free_port()}, raw={**chain.suite.settings.raw, **raw})
    server = await create_server(settings, plugins=(plugin,))
    return ServiceClient("review", f"127.0.0.1:{server.port}", review_pb2_grpc.ReviewServiceStub), server

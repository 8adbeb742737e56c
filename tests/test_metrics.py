"""Prometheus metrics: the gateway's /metrics and each service's own metrics port, scraped over
HTTP before and after a small workload."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support import images
from tests.support.media import UPLOAD, upload
from tests.support.world import World
from tmis.metrics import JOBS_GAUGE_SECONDS
from tmis.settings import SERVICES, Settings

pytestmark = pytest.mark.usefixtures(
    "fresh_suite"
)  # settings of its own (the job gauges' period), and counters no other test moves

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
CREATE = """mutation CreateOne($s: String!, $b: BasicInfoInput!) { createTeacher(schoolCode: $s, basic: $b) {
  teacher { id version } userErrors { code field } } }"""
SAVE = """mutation SaveBasic($t: ID!, $v: Int!, $b: BasicInfoInput!) {
  saveBasicInfo(teacherId: $t, expectedVersion: $v, basic: $b) {
  teacher { version } userErrors { code } } }"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Every service serves its metrics, on a free port."""
    return dataclasses.replace(settings, metrics_ports=dict.fromkeys(SERVICES, 0))


def parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= ls)


async def scrape(world: World) -> dict[str, Samples]:
    seen = {"gateway": parse((await world.suite.http.get("/metrics")).text)}
    async with httpx.AsyncClient() as http:
        for name, handle in world.suite.servers.items():
            assert handle.metrics_port, name
            reply = await http.get(f"http://127.0.0.1:{handle.metrics_port}/metrics")
            assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
            seen[name] = parse(reply.text)
    return seen


async def graphql(world: World, query: str, name: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = {"query": query, "operationName": name, "variables": variables}
    reply = await world.suite.http.post("/graphql", json=body, headers={"authorization": f"Bearer {world.clerk}"})
    assert reply.json().get("data"), reply.text
    return reply.json()["data"]


async def test_every_endpoint_counts_the_workload(world: World) -> None:
    before = await scrape(world)
    made = (await graphql(world, CREATE, "CreateOne", {"s": world.school, "b": world.basic_input(1)}))["createTeacher"]
    assert made["userErrors"] == []
    teacher = made["teacher"]
    bad = await graphql(
        world,
        SAVE,
        "SaveBasic",
        {"t": teacher["id"], "v": teacher["version"], "b": {**world.basic_input(1), "idNumber": "123"}},
    )
    assert [e["code"] for e in bad["saveBasicInfo"]["userErrors"]] == ["INVALID_ID_NUMBER"]
    good = await graphql(
        world,
        SAVE,
        "SaveBasic",
        {"t": teacher["id"], "v": teacher["version"], "b": {**world.basic_input(1), "remarks": "x"}},
    )
    assert good["saveBasicInfo"]["userErrors"] == []
    stale = await graphql(
        world, SAVE, "SaveBasic", {"t": teacher["id"], "v": teacher["version"], "b": world.basic_input(1)}
    )
    assert [e["code"] for e in stale["saveBasicInfo"]["userErrors"]] == ["VERSION_CONFLICT"]
    photo = await upload(
        world.suite, UPLOAD, {"t": teacher["id"], "f": None}, "me.jpg", images.encoded(images.portrait()), world.clerk
    )
    assert photo["data"]["uploadPhoto"]["userErrors"] == []
    await asyncio.sleep(JOBS_GAUGE_SECONDS + 0.5)  # the job gauges are recounted on that period
    after = await scrape(world)

    def moved(part: str, name: str, **labels: str) -> float:
        return value(after[part], name, **labels) - value(before[part], name, **labels)

    assert moved("gateway", "tmis_graphql_requests_total", operation="CreateOne", outcome="ok") == 1
    assert moved("gateway", "tmis_graphql_requests_total", operation="SaveBasic", outcome="user_error") == 2
    assert moved("gateway", "tmis_graphql_requests_total", operation="SaveBasic", outcome="ok") == 1
    assert moved("gateway", "tmis_graphql_requests_total", operation="anonymous") == 1  # the upload's
    assert moved("gateway", "tmis_graphql_request_duration_seconds_count", operation="SaveBasic") == 3
    assert moved("gateway", "tmis_graphql_user_errors_total", code="INVALID_ID_NUMBER") == 1
    assert moved("gateway", "tmis_graphql_user_errors_total", code="VERSION_CONFLICT") == 1
    assert value(after["gateway"], "tmis_http_uploads_in_flight") == 0  # the upload counted in, then out
    assert ("tmis_http_uploads_in_flight", frozenset()) in after["gateway"]

    save = "/tmis.records.v1.RecordsService/SaveBasicInfo"
    # validation problems come back in the reply (OK); a stale version is a status
    assert moved("records", "tmis_rpc_server_handled_total", method=save, code="OK") == 2
    assert moved("records", "tmis_rpc_server_handled_total", method=save, code="ABORTED") == 1
    assert moved("records", "tmis_rpc_server_handling_seconds_count", method=save) == 3
    assert moved("records", "tmis_db_command_duration_seconds_count", command="update") >= 1
    assert moved("records", "tmis_db_command_duration_seconds_count", command="find") >= 1
    assert (
        moved("media", "tmis_rpc_server_handled_total", method="/tmis.media.v1.MediaService/UploadPhoto", code="OK")
        == 1
    )
    assert moved("media", "tmis_media_photos_normalised_total") == 1
    assert moved("media", "tmis_db_command_duration_seconds_count", command="insert") >= 1  # the GridFS chunks
    assert moved("identity", "tmis_rpc_server_handled_total") >= 1
    for service in ("records", "media"):
        assert {ls for n, ls in after[service] if n == "tmis_jobs"} == {
            frozenset({("status", s)}) for s in ("QUEUED", "RUNNING")
        }

"""The records world (a district, two schools, callers of every kind), and uploads through the gateway."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tests.conftest import Suite
from tests.records.conftest import OTHER, SCHOOL, World, world  # noqa: F401 (the fixture)
from tmis import mongo

UPLOAD = """mutation($t: ID!, $f: Upload!) { uploadPhoto(teacherId: $t, file: $f) {
  photo { url width height bytes dpi report { faceFound crop sourceFormat sourceWidth sourceHeight orientation colour
  quality } }
  userErrors { code message field } } }"""
IMPORT = """mutation($s: String!, $a: Upload!) { importPhotos(schoolCode: $s, archive: $a) {
  job { id status total } userErrors { code message field } } }"""
JOB = """query($id: ID!) { importJob(id: $id) { id status total processed succeeded failed errors { sheet row column
  message } } }"""


async def upload(
    suite: Suite, query: str, variables: dict, name: str, data: bytes, token: str, http: httpx.AsyncClient | None = None
) -> dict:
    """A GraphQL multipart request (the file goes to the one Upload variable that is None), to the suite's
    gateway or `http`."""
    target = next(k for k, v in variables.items() if v is None)
    operations = json.dumps({"query": query, "variables": variables})
    reply = await (http or suite.http).post(
        "/graphql",
        data={"operations": operations, "map": json.dumps({"0": [f"variables.{target}"]})},
        files={"0": (name, data, "application/octet-stream")},
        headers={"authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


async def settled(db: AsyncDatabase, within: float = 20.0) -> None:
    """Once no photo is pending: an upload's answer goes before the replaced photo is deleted."""
    deadline = time.monotonic() + within
    while await db["photos.files"].count_documents({"metadata.pending": {"$exists": True}}):
        assert time.monotonic() < deadline, "a photo stayed pending"
        await asyncio.sleep(0.02)


@pytest.fixture
async def media_db(world: World) -> AsyncIterator[AsyncDatabase]:  # noqa: F811 (the fixture, imported above)
    """The media service's own database, to check what is stored (and what is not)."""
    client: AsyncMongoClient = mongo.connect(world.suite.settings, "test")
    yield client[world.suite.settings.databases["media"]]
    await client.close()


__all__ = ["OTHER", "SCHOOL", "settled", "upload"]

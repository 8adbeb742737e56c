"""Photos through the gateway: GraphQL multipart uploads, photo batches (zips) and their jobs."""

from __future__ import annotations

import io
import json
import zipfile

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from tests.support import images
from tests.support.polling import eventually
from tests.support.suite import Suite
from tests.support.world import World

UPLOAD = """mutation($t: ID!, $f: Upload!) { uploadPhoto(teacherId: $t, file: $f) {
  photo { url width height bytes dpi report { faceFound crop sourceFormat sourceWidth sourceHeight orientation colour
  quality } }
  userErrors { code message field } } }"""
IMPORT = """mutation($s: String!, $a: Upload!) { importPhotos(schoolCode: $s, archive: $a) {
  job { id status total } userErrors { code message field } } }"""
JOB = """query($id: ID!) { importJob(id: $id) { id status total processed succeeded failed errors { sheet row column
  message } } }"""
GOOD = images.encoded(images.portrait(), "JPEG")


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


def zipped(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


async def finished(world: World, job_id: str, token: str) -> dict:
    """The photo job once it has ended (SUCCEEDED or FAILED)."""

    async def ended() -> dict | None:
        job = (await world.suite.graphql(JOB, {"id": job_id}, token))["data"]["importJob"]
        return job if job["status"] in ("SUCCEEDED", "FAILED") else None

    return await eventually(ended, f"photo job {job_id} to end")


async def settled(db: AsyncDatabase, *teachers: str) -> None:
    """Once none of the teachers' photos is pending: an upload answers before the photo it replaced
    is deleted and the new one settled."""
    pending = {"metadata.pending": {"$exists": True}, "metadata.teacher_id": {"$in": list(teachers)}}

    async def none_pending() -> bool:
        return await db["photos.files"].count_documents(pending) == 0

    await eventually(none_pending, f"the photos of {', '.join(teachers)} to settle")

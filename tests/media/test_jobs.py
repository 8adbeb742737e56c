"""Photo jobs that outlive their instance and their uploader's token: a real media process killed
mid-job, the job taken over by another instance acting for the uploader, or marked FAILED. And a
job acts with its uploader's reach at every file: a teacher transferred away while the archive
runs gets nothing from it."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import time

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from services.media.server import create_server as media_server
from tests.support import images
from tests.support.gql import ACCEPT, APPROVE_M, TRANSFER, gql
from tests.support.media import IMPORT, upload, zipped
from tests.support.polling import eventually
from tests.support.records import basic_of
from tests.support.review import TODAY, approved, start
from tests.support.world import Chain, World
from tmis.errors import DomainError
from tmis.proto.media.v1 import media_pb2 as pb
from tmis.proto.media.v1 import media_pb2_grpc
from tmis.rpc import ServiceClient
from tmis.run.procs import free_port

FILES = 6
HISTORY = "query($id: ID!) { teacher(id: $id) { photo { dpi } history { actor path } } }"
RESULTS = "query($j: ID!) { photoImportResults(jobId: $j) { index name teacherId outcome message } }"


def media_process(world: World, port: int) -> subprocess.Popen:
    """A media instance of its own (a real process) on the test's databases and services."""
    s = world.suite.settings
    env = {
        **os.environ, "TMIS_MONGODB_URI": s.mongodb_uri, "TMIS_TOKEN_SECRET": s.token_secret,
        "TMIS_MEDIA_PORT": str(port),
        "TMIS_LOG_LEVEL": "WARNING", "TMIS_MEDIA_JOB_STALE_SECONDS": "600",
        **{f"TMIS_{n.upper()}_DB": db for n, db in s.databases.items()},
        **{f"TMIS_{n.upper()}_ADDR": addr for n, addr in s.addrs.items()},
    }  # fmt: skip
    quiet = subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "services.media"], env=env, stdout=quiet, stderr=quiet)


async def ready(client: ServiceClient, token: str) -> None:
    async def answers() -> bool:
        try:
            await client.GetPhotoStandard(pb.GetPhotoStandardRequest(), token=token)
        except DomainError:
            return False
        return True

    await eventually(answers, "the media process to start")


async def job_doc(media_db: AsyncDatabase, job_id: str) -> dict:
    return await media_db["jobs"].find_one({"_id": job_id})


async def mid_way(media_db: AsyncDatabase, job_id: str) -> None:
    """Until the photo job has processed a file."""
    await eventually(lambda: job_processed(media_db, job_id), "the job's first file", every=0.02)


async def job_processed(media_db: AsyncDatabase, job_id: str) -> bool:
    return (await job_doc(media_db, job_id))["processed"] >= 1


async def ended(media_db: AsyncDatabase, job_id: str) -> dict:
    """The photo job's document once it no longer runs."""

    async def done() -> dict | None:
        doc = await job_doc(media_db, job_id)
        return doc if doc["status"] != "RUNNING" else None

    return await eventually(done, f"photo job {job_id} to end", timeout=60)


@pytest.mark.slow  # an instance killed mid-job and another taking over after its lease
@pytest.mark.parametrize("max_attempts", [3, 1])
async def test_a_job_whose_instance_is_killed_is_taken_over_or_failed(
    world: World, media_db: AsyncDatabase, max_attempts: int
) -> None:
    suite = world.suite
    made = [(await world.create(serial)).teacher for serial in range(1, FILES + 1)]
    # photos that take a moment each (a small face: the fine search), so the job is surely mid-way when killed
    photo = images.standing((2400, 1800), 12, (0.2, 0.4))[0]
    content = zipped([(f"{basic_of(t)['idNumber']}.jpg", photo) for t in made])
    clerk = suite.signer.verify(world.clerk)
    port = free_port()
    process = media_process(world, port)
    client = ServiceClient("media", f"127.0.0.1:{port}", media_pb2_grpc.MediaServiceStub, timeout=30)
    try:
        await ready(client, world.clerk)
        # the uploader's token lasts a few seconds (made once the instance is up, so a slow start on a
        # busy machine does not spend it): it has expired when the job is taken over
        short = suite.signer.sign(clerk, ttl_seconds=8)
        expires = suite.signer.verify(short).expires_at
        job = await client.ImportPhotos(pb.ImportPhotosRequest(school_code=world.school, archive=content), token=short)
        await mid_way(media_db, job.id)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
        await client.close()
    killed_at = (await media_db["jobs"].find_one({"_id": job.id}))["processed"]
    assert 1 <= killed_at < FILES, "the job must be mid-way when its instance dies"
    await asyncio.sleep(max(0.0, expires + 1 - time.time()))  # the uploader's token is dead too

    # another instance, which sweeps for jobs whose heartbeat stopped
    raw = {**suite.settings.raw, "TMIS_MEDIA_JOB_STALE_SECONDS": "1", "TMIS_MEDIA_JOB_MAX_ATTEMPTS": str(max_attempts)}
    other = await media_server(dataclasses.replace(suite.settings, ports={"media": free_port()}, raw=raw))
    try:
        doc = await ended(media_db, job.id)
    finally:
        await other.stop(0)
    assert doc["attempts"] == 2 and doc["processed"] == FILES
    assert [r["index"] for r in doc["results"]] == list(range(1, FILES + 1))  # each file once
    outcomes = [r["outcome"] for r in doc["results"]]
    if max_attempts > 1:  # taken over: the rest done acting for the uploader
        assert doc["status"] == "SUCCEEDED" and outcomes == ["ATTACHED"] * FILES
        last = (await suite.graphql(HISTORY, {"id": made[-1].id}, world.clerk))["data"]["teacher"]
        assert last["photo"]["dpi"] == 200
        assert {h["actor"] for h in last["history"] if "photo" in h["path"]} == {clerk.username}
    else:  # one run allowed: the files left are marked, and the job FAILED
        assert doc["status"] == "FAILED" and outcomes[killed_at:] == ["REFUSED"] * (FILES - killed_at)
        assert all("处理中断" in r["message"] for r in doc["results"][killed_at:])


async def test_a_teacher_transferred_while_the_archive_runs_gets_nothing_from_it(
    chain: Chain,  # noqa: F811 (the fixture, imported above)
    media_db: AsyncDatabase,
) -> None:
    world, suite = chain.world, chain.suite
    moving = await approved(chain, 1)
    stay = [(await world.create(serial)).teacher for serial in range(2, FILES + 1)]
    # a transfer to a school of the other district, approved by the sending one before the archive starts
    movement = (await gql(chain, TRANSFER, world.clerk, t=moving, to=world.other, d=TODAY))["movement"]
    assert (await gql(chain, ACCEPT, chain.other_clerk, m=movement["id"]))["userErrors"] == []
    assert (await gql(chain, APPROVE_M, chain.reviewers["DISTRICT"], ids=[movement["id"]]))["succeeded"]
    number = (
        await suite.graphql("query($id: ID!) { teacher(id: $id) { basic { idNumber } } }", {"id": moving}, world.clerk)
    )["data"]["teacher"]["basic"]["idNumber"]
    photo = images.standing((2400, 1800), 12, (0.2, 0.4))[0]  # a moment each (the fine face search)
    content = zipped([*((f"{basic_of(t)['idNumber']}.jpg", photo) for t in stay), (f"{number}.jpg", photo)])
    started = await upload(suite, IMPORT, {"s": world.school, "a": None}, "photos.zip", content, world.clerk)
    job = started["data"]["importPhotos"]["job"]
    await mid_way(media_db, job["id"])

    # while it runs: the receiving district approves (the record is now the other school's), which opens a change
    assert (await gql(chain, APPROVE_M, chain.other_district_reviewer, ids=[movement["id"]]))["succeeded"]
    assert (await start(chain, moving, chain.other_clerk))["teacher"]["review"]["status"] == "CHANGING"
    doc = await media_db["jobs"].find_one({"_id": job["id"]})
    assert doc["processed"] < FILES, "the archive must still be running when the teacher has moved"

    await ended(media_db, job["id"])
    results = (await suite.graphql(RESULTS, {"j": job["id"]}, world.clerk))["data"]["photoImportResults"]
    assert [r["outcome"] for r in results] == ["ATTACHED"] * (FILES - 1) + ["REFUSED"], results
    assert "不在您的管理范围内" in results[-1]["message"]
    there = (await suite.graphql(HISTORY, {"id": moving}, chain.other_clerk))["data"]["teacher"]
    assert there["photo"] is None and not [h for h in there["history"] if h["path"] == "photo"]
    kept = (await suite.graphql(HISTORY, {"id": stay[0].id}, world.clerk))["data"]["teacher"]
    assert kept["photo"]["dpi"] == 200
    # written in the uploader's name, through the job
    client: AsyncMongoClient = AsyncMongoClient(suite.settings.mongodb_uri)
    try:
        history = client[suite.settings.databases["records"]]["history"]
        row = await history.find_one({"teacher_id": stay[0].id, "path": "photo"})
    finally:
        await client.close()
    assert (row["actor"], row["via"]) == (suite.signer.verify(world.clerk).username, job["id"])

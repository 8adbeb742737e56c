"""An import whose records process dies is finished by another instance's periodic sweep, after its
last committed chunk: no row applied or counted twice. A workbook whose runs keep dying is given up,
the cause named. And a job acts for its uploader: an uploader whose account was disabled since no
longer writes through it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from services.records.importer import CHUNK_ROWS
from services.records.server import create_server as records_server
from services.records.storage import Job, JobStore
from tests.support.excel import basic_row, fill, template, wait
from tests.support.polling import eventually
from tests.support.suite import Suite
from tests.support.world import World
from tmis.auth import Caller
from tmis.errors import DomainError
from tmis.jobs import acting_for
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.proto.records.v1 import records_pb2_grpc
from tmis.rpc import ServiceClient
from tmis.run.procs import free_port

# thousands of rows, and records processes started and killed: a suite of its own, and a long run
pytestmark = [pytest.mark.usefixtures("fresh_suite"), pytest.mark.slow]

ROWS = 3 * CHUNK_ROWS + 200  # four chunks


def records_process(suite: Suite, port: int) -> subprocess.Popen:
    """A records instance of its own (a real process) on the test's databases and services."""
    s = suite.settings
    env = {
        **os.environ, **s.raw, "TMIS_MONGODB_URI": s.mongodb_uri, "TMIS_TOKEN_SECRET": s.token_secret,
        "TMIS_RECORDS_PORT": str(port), "TMIS_LOG_LEVEL": "WARNING", "TMIS_IMPORT_STALE_SECONDS": "1",
        **{f"TMIS_{n.upper()}_DB": db for n, db in s.databases.items()},
        **{f"TMIS_{n.upper()}_ADDR": addr for n, addr in s.addrs.items()},
    }  # fmt: skip
    quiet = subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "services.records"], env=env, stdout=quiet, stderr=quiet)


async def ready(client: ServiceClient, token: str) -> None:
    async def answers() -> bool:
        try:
            await client.GetImportTemplate(pb.GetImportTemplateRequest(school_type="PRIMARY_SECONDARY"), token=token)
        except DomainError:
            return False
        return True

    await eventually(answers, "the records process to start")


async def job_doc(suite: Suite, job_id: str) -> dict[str, Any]:
    client: AsyncMongoClient = AsyncMongoClient(suite.settings.mongodb_uri, tz_aware=True)
    try:
        return await client[suite.settings.databases["records"]]["jobs"].find_one({"_id": job_id}) or {}
    finally:
        await client.close()


async def stored(world: World) -> list[str]:
    """The 身份证件号 of every record of the school, as stored."""
    suite = world.suite
    client: AsyncMongoClient = AsyncMongoClient(suite.settings.mongodb_uri, tz_aware=True)
    try:
        teachers = client[suite.settings.databases["records"]]["teachers"]
        return [
            d["basic"]["idNumber"] async for d in teachers.find({"school_code": world.school}, {"basic.idNumber": 1})
        ]
    finally:
        await client.close()


@pytest.mark.parametrize("max_attempts", [3, 1])
async def test_an_import_whose_process_is_killed_is_finished_by_another_instance(
    world: World, max_attempts: int
) -> None:
    suite = world.suite
    data = fill(
        await template(world), {"基本信息": [basic_row(serial, world.district) for serial in range(1, ROWS + 1)]}
    )
    port = free_port()
    process = records_process(suite, port)
    client = ServiceClient("records", f"127.0.0.1:{port}", records_pb2_grpc.RecordsServiceStub, timeout=60)
    try:
        await ready(client, world.clerk)
        job = await client.StartImport(
            pb.StartImportRequest(school_code=world.school, filename="大表.xlsx", content=data), token=world.clerk
        )

        async def committed_a_chunk() -> bool:  # killed once its first chunk is committed
            return ((await job_doc(suite, job.id)).get("position") or {}).get("chunk", 0) >= 1

        await eventually(committed_a_chunk, "the import's first chunk", every=0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
        await client.close()
    killed = await job_doc(suite, job.id)
    committed = killed["position"]["chunk"]
    assert killed["status"] == "RUNNING" and 1 <= committed < 4, f"the import must be mid-way when killed: {killed}"

    # another instance starts within a second: its periodic sweep (not its start) finds the heartbeat stopped
    raw = {**suite.settings.raw, "TMIS_IMPORT_STALE_SECONDS": "1", "TMIS_IMPORT_MAX_ATTEMPTS": str(max_attempts)}
    other = await records_server(dataclasses.replace(suite.settings, raw=raw), port=free_port())
    try:
        finished = await wait(world, job.id)
    finally:
        await other.stop(0)
    doc = await job_doc(suite, job.id)
    ids = await stored(world)
    assert len(ids) == len(set(ids)), "a person recorded twice"
    assert doc["attempts"] == 2
    if max_attempts > 1:  # resumed after the last committed chunk: every row once
        assert finished["status"] == "SUCCEEDED", finished["errors"]
        counts = [finished[k] for k in ("total", "processed", "succeeded", "inserted", "newRows", "failed")]
        assert counts == [ROWS, ROWS, ROWS, ROWS, ROWS, 0]
        assert len(ids) == ROWS
    else:  # given up, the cause named; the committed chunks stay, counted once
        assert finished["status"] == "FAILED"
        assert "中断 1 次" in finished["errors"][-1]["message"], finished["errors"]
        assert len(ids) == finished["inserted"] == committed * CHUNK_ROWS


async def test_a_job_acts_for_its_uploader_and_stops_when_their_account_is_disabled(world: World) -> None:
    """A job stored by a clerk whose account has been disabled since: the instance that takes it over
    checks the uploader before writing a chunk, and writes nothing."""
    suite = world.suite
    created = await suite.clients.identity.CreateAccount(
        id_pb.CreateAccountRequest(
            username="clerk_gone", org_code=world.school, roles=["DATA_ENTRY"], display_name="录入员"
        ),
        token=suite.system_token,
    )
    account = created.account
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)  # when the clerk logged in and uploaded
    clerk = Caller(
        account.id,
        account.username,
        world.school,
        world.path,
        ("DATA_ENTRY",),
        issued_at=int(long_ago.timestamp() * 1000),
    )
    disable = id_pb.SetAccountEnabledRequest(account_id=account.id, enabled=False)
    await suite.clients.identity.SetAccountEnabled(disable, token=suite.system_token)
    probe = id_pb.BatchGetOrgsRequest(codes=[world.school])

    async def revoked() -> bool:
        try:
            await suite.clients.identity.BatchGetOrgs(probe, token=suite.signer.sign(clerk))
        except DomainError:
            return True
        return False

    await eventually(revoked, "identity to apply the revocation")

    settings = suite.settings
    client: AsyncMongoClient = AsyncMongoClient(settings.mongodb_uri, tz_aware=True)
    store = JobStore(client, settings.databases["records"])
    data = fill(await template(world), {"基本信息": [basic_row(1, world.district), basic_row(2, world.district)]})
    job = Job(
        "import-left", world.school, world.path, "PRIMARY_SECONDARY", clerk.username, "APPEND", False, "a.xlsx", None
    )
    job.acting = acting_for(clerk)
    doc = await store.upload(job, data, long_ago)
    await store.jobs.insert_one({**doc, "runner": "dead", "attempts": 1, "heartbeat": long_ago})
    await client.close()

    raw = {**settings.raw, "TMIS_IMPORT_STALE_SECONDS": "1"}
    other = await records_server(dataclasses.replace(settings, raw=raw), port=free_port())
    try:
        finished = await wait(world, job.id)
    finally:
        await other.stop(0)
    assert finished["status"] == "FAILED" and finished["inserted"] == 0
    assert "导入人（clerk_gone）已不能管理该学校" in finished["errors"][-1]["message"], finished["errors"]
    assert await stored(world) == []

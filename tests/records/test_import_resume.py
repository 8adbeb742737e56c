"""A job whose instance died is run again by the next instance that starts; running it twice
is safe because an import is idempotent."""

from __future__ import annotations

import datetime as dt

from pymongo import AsyncMongoClient

from services.records.server import create_server as records_server
from services.records.storage import Job, JobStore
from tests.records.conftest import PATH, SCHOOL, World
from tests.records.excel import basic_row, education_row, fill, run, template, wait
from tests.records.test_import import teachers


async def test_a_stale_job_is_run_again_at_start(world: World) -> None:
    rows = [basic_row(1), basic_row(2)]
    data = fill(await template(world), {"基本信息": rows, "学习经历": [education_row(rows[0]["身份证件号"])]})
    done = await run(world, fill(await template(world), {"基本信息": rows[:1]}))  # a part written before the "crash"
    assert done["succeeded"] == 1

    settings = world.suite.settings
    client = AsyncMongoClient(settings.mongodb_uri)
    store = await JobStore(client, settings.databases["records"]).open()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    job = await store.create(
        Job("import-crashed", SCHOOL, PATH, "PRIMARY_SECONDARY", "clerk", "APPEND", False, "a.xlsx", None),
        data,
        long_ago,
    )
    await store.jobs.update_one({"_id": job.id}, {"$set": {"status": "RUNNING", "counts": {"processed": 1}}})
    fresh = await store.create(
        Job("import-alive", SCHOOL, PATH, "PRIMARY_SECONDARY", "clerk", "APPEND", False, "b.xlsx", None),
        data,
        dt.datetime.now(dt.UTC),
    )
    await client.close()

    second = await records_server(settings, port=0)  # another instance starting
    try:
        finished = await wait(world, job.id)
    finally:
        await second.stop(0)
    assert (finished["status"], finished["succeeded"], finished["failed"]) == ("SUCCEEDED", 3, 0), finished["errors"]
    found = await teachers(world)
    assert (
        sorted(found) == sorted(r["身份证件号"] for r in rows) and len(found[rows[0]["身份证件号"]]["education"]) == 1
    )
    alive = (
        await world.suite.graphql("query($id: ID!) { importJob(id: $id) { status } }", {"id": fresh.id}, world.clerk)
    )["data"]["importJob"]
    assert alive["status"] == "QUEUED"  # its instance is alive (fresh heartbeat): left alone

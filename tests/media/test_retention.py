"""Old files: finished import and photo jobs, and their files in GridFS, are deleted after
TMIS_JOB_RETENTION_DAYS; newer ones are kept. (A job's age is set back in the database: the one
thing here that is not done through the API.)"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.media.server import create_server as media_server
from services.records.server import create_server as records_server
from tests.support.excel import basic_row, fill, run, template
from tests.support.media import GOOD, IMPORT, finished, upload, zipped
from tests.support.polling import eventually
from tests.support.world import World
from tmis import mongo
from tmis.run.procs import free_port

pytestmark = pytest.mark.usefixtures("fresh_suite")  # purges and counts every job of its databases


async def counts(db: AsyncDatabase, bucket: str) -> tuple[int, int]:
    return await db["jobs"].count_documents({}), await db[f"{bucket}.files"].count_documents({})


async def until_gone(db: AsyncDatabase, bucket: str, left: tuple[int, int]) -> tuple[int, int]:
    async def purged() -> bool:
        return await counts(db, bucket) == left

    await eventually(purged, f"the {bucket} purged down to {left}", timeout=20)
    return await counts(db, bucket)


async def test_old_jobs_and_their_files_are_deleted(world: World, media_db: AsyncDatabase) -> None:
    suite = world.suite
    client = mongo.connect(suite.settings, "test")
    records_db = client[suite.settings.databases["records"]]
    try:
        workbook = fill(await template(world), {"基本信息": [basic_row(1, world.district)]})
        imports = [(await run(world, workbook, dry_run=True))["id"] for _ in range(2)]
        photos = []
        for _ in range(2):
            archive = zipped([("x.jpg", GOOD)])
            started = await upload(suite, IMPORT, {"s": world.school, "a": None}, "p.zip", archive, world.clerk)
            photos.append((await finished(world, started["data"]["importPhotos"]["job"]["id"], world.clerk))["id"])
        assert await counts(records_db, "uploads") == (2, 2) and await counts(media_db, "archives") == (2, 2)
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
        await records_db["jobs"].update_one({"_id": imports[0]}, {"$set": {"created_at": old}})
        await media_db["jobs"].update_one({"_id": photos[0]}, {"$set": {"created_at": old}})

        # instances starting now purge at once (and hourly after), with the default of 30 days
        raw = {k: v for k, v in suite.settings.raw.items() if k != "TMIS_JOB_RETENTION_DAYS"}
        records = await records_server(dataclasses.replace(suite.settings, ports={"records": free_port()}, raw=raw))
        media = await media_server(dataclasses.replace(suite.settings, ports={"media": free_port()}, raw=raw))
        try:
            assert await until_gone(records_db, "uploads", (1, 1)) == (1, 1)
            assert await until_gone(media_db, "archives", (1, 1)) == (1, 1)
        finally:
            await media.stop(0)
            await records.stop(0)
        assert [d["_id"] async for d in records_db["jobs"].find({})] == [imports[1]]
        assert [d["_id"] async for d in media_db["jobs"].find({})] == [photos[1]]
    finally:
        await client.close()

"""Backup and restore of every service's database, GridFS files included, on the real database server."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bson.raw_bson import RawBSONDocument
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

from services.media.server import create_server as media_server
from services.records.server import create_server as records_server
from services.records.storage import teachers as records_storage
from tests.support import excel, images
from tests.support.world import World
from tmis.migrations import SCHEMA_COLLECTION, SchemaTooNew
from tmis.proto.media.v1 import media_pb2 as media_pb
from tmis.run import backup as backups
from tmis.run.procs import free_port
from tmis.settings import SERVICES, Settings

pytestmark = pytest.mark.usefixtures("fresh_suite")  # a backup, wipe and restore of the whole database

ROOT = Path(__file__).resolve().parents[1]
BUCKETS = {"media": ("photos",), "records": ("uploads",)}


async def contents(settings: Settings) -> dict[str, Any]:
    """Every collection of every service's database as raw BSON (in `_id` order), its indexes and its
    GridFS files as bytes."""
    client: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_uri)
    seen: dict[str, Any] = {}
    try:
        for service in SERVICES:
            db = client[settings.databases[service]]
            for name in sorted(await db.list_collection_names()):
                raw = db.get_collection(name, codec_options=backups.RAW)
                seen[f"{service}.{name}"] = [d.raw async for d in raw.find({}, sort=[("_id", 1)])]
                indexes = [dict(i) async for i in await db[name].list_indexes()]
                seen[f"{service}.{name}/indexes"] = sorted(
                    json.dumps({k: v for k, v in i.items() if k != "ns"}, sort_keys=True) for i in indexes
                )
            for bucket_name in BUCKETS.get(service, ()):
                bucket = AsyncGridFSBucket(db, bucket_name=bucket_name)
                async for info in bucket.find({}):
                    seen[f"{service}/{bucket_name}/{info._id}"] = await (
                        await bucket.open_download_stream(info._id)
                    ).read()
    finally:
        await client.close()
    return seen


async def wipe(settings: Settings) -> None:
    client: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_uri)
    for service in SERVICES:
        await client.drop_database(settings.databases[service])
    await client.close()


async def workload(world: World) -> None:
    """Teachers saved, photos normalised, a workbook imported: documents and files in every database."""
    suite = world.suite
    teachers = [(await world.create(serial)).teacher for serial in (1, 2)]
    for teacher in teachers:
        source = images.encoded(images.portrait(), "JPEG")
        await suite.clients.media.UploadPhoto(
            media_pb.UploadPhotoRequest(teacher_id=teacher.id, content=source), token=world.clerk
        )
    template = await excel.template(world)
    job = await excel.run(world, excel.fill(template, {"基本信息": [excel.basic_row(7), excel.basic_row(8)]}))
    assert job["status"] == "SUCCEEDED", job


async def stop_services(world: World) -> None:
    """The services stop (their background rounds would change the data between two looks)."""
    for handle in world.suite.servers.values():
        await handle.stop(0)


async def test_backup_wipe_restore_is_byte_for_byte(world: World, tmp_path: Path) -> None:
    await workload(world)
    await stop_services(world)
    settings = world.suite.settings
    before = await contents(settings)
    assert any(k.startswith("media/photos/") for k in before) and any(k.startswith("records/uploads/") for k in before)
    assert len(before["records.teachers"]) == 4 and before["identity.orgs"]

    manifest = await backups.backup(settings, tmp_path / "b")
    assert manifest["databases"]["records"]["collections"]["teachers"]["documents"] == 4
    assert (tmp_path / "b" / "media" / "photos.chunks.bson").stat().st_size > 0
    with pytest.raises(backups.BackupError, match="not empty"):
        await backups.backup(settings, tmp_path / "b")

    await wipe(settings)
    assert await contents(settings) == {}
    restored = await backups.restore(settings, tmp_path / "b")
    assert restored["records"].documents == sum(
        c["documents"] for c in manifest["databases"]["records"]["collections"].values()
    )
    assert await contents(settings) == before

    with pytest.raises(backups.BackupError, match="not empty"):
        await backups.restore(settings, tmp_path / "b")
    await backups.restore(settings, tmp_path / "b", replace=True)
    assert await contents(settings) == before

    dump = tmp_path / "b" / "records" / "teachers.bson"
    dump.write_bytes(dump.read_bytes()[:-1] + b"\x01")
    with pytest.raises(backups.BackupError, match="damaged"):
        await backups.restore(settings, tmp_path / "b", replace=True)


async def test_restore_into_a_newer_release_runs_its_migrations(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world.create(1)
    await stop_services(world)
    settings = world.suite.settings
    manifest = await backups.backup(settings, tmp_path / "b")
    assert manifest["databases"]["records"]["schema_version"] == len(records_storage.MIGRATIONS)
    await wipe(settings)
    await backups.restore(settings, tmp_path / "b")

    async def mark_teachers(db: Any) -> None:  # the next release's step
        await db["teachers"].update_many({}, {"$set": {"migrated": True}})

    monkeypatch.setattr(records_storage, "MIGRATIONS", (*records_storage.MIGRATIONS, mark_teachers))
    handle = await records_server(dataclasses.replace(settings, ports={"records": free_port()}))
    await handle.stop(0)
    client: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_uri)
    try:
        db = client[settings.databases["records"]]
        assert [t.get("migrated") async for t in db["teachers"].find({})] == [True]
        assert (await db[SCHEMA_COLLECTION].find_one({"_id": "version"}))["version"] == len(records_storage.MIGRATIONS)
        # a backup of a later release than the code is refused, never downgraded
        media = client[settings.databases["media"]]
        await media[SCHEMA_COLLECTION].update_one({"_id": "version"}, {"$set": {"version": 99}}, upsert=True)
        with pytest.raises(SchemaTooNew, match="99"):
            await media_server(dataclasses.replace(settings, ports={"media": free_port()}))
    finally:
        await client.close()


@pytest.mark.slow  # backups taken while writers run for seconds
async def test_backup_is_one_point_in_time_per_database_while_writes_run(mongo_uri: str, tmp_path: Path) -> None:
    """A writer adds a:n then b:n, one after the other. Read at one instant, b has n or n-1 of a's n;
    read collection by collection, b would have more than a."""
    client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_uri)
    db = client[f"consistency_{os.getpid()}_{tmp_path.name[-8:]}"]
    filler = "x" * 2000
    await db["a"].insert_many([{"_id": n, "f": filler} for n in range(2000)])
    await db["b"].insert_many([{"_id": n, "f": filler} for n in range(2000)])
    stop = asyncio.Event()

    async def writer() -> None:
        n = 2000
        while not stop.is_set():
            await db["a"].insert_one({"_id": n, "f": filler})
            await db["b"].insert_one({"_id": n, "f": filler})
            n += 1

    task = asyncio.create_task(writer())
    try:
        await asyncio.sleep(0.2)
        entry = await backups.backup_database(db, tmp_path / "d")
    finally:
        stop.set()
        await task
    a = [RawBSONDocument(d.raw)["_id"] for d in backups.read_dump(tmp_path / "d" / "a.bson")]
    b = [RawBSONDocument(d.raw)["_id"] for d in backups.read_dump(tmp_path / "d" / "b.bson")]
    assert await db["b"].count_documents({}) > len(b), "the writer ran during the backup"
    assert a == list(range(len(a))) and b == list(range(len(b)))
    assert len(a) - len(b) in (0, 1), (len(a), len(b))
    assert entry["collections"]["a"]["documents"] == len(a)
    await client.drop_database(db.name)
    await client.close()


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tmis", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


async def test_command_line_on_a_uri_and_on_the_embedded_default(world: World, tmp_path: Path) -> None:
    await world.create(1)
    await stop_services(world)
    settings = world.suite.settings
    base = {k: v for k, v in os.environ.items() if not k.startswith("TMIS_")}
    names = {f"TMIS_{s.upper()}_DB": settings.databases[s] for s in SERVICES}
    on_uri = {**base, **names, "TMIS_MONGODB_URI": settings.mongodb_uri}
    taken = cli(["backup", str(tmp_path / "b")], on_uri)
    assert taken.returncode == 0, taken.stderr
    assert json.loads(taken.stdout)["records"]["documents"] > 0
    refused = cli(["restore", str(tmp_path / "b")], on_uri)
    assert refused.returncode == 1 and "--replace" in refused.stderr

    # the embedded default: no URI, the data directory's own database, started for the command
    embedded = {**base, **names, "TMIS_DATA_DIR": str(tmp_path / "var")}
    put = cli(["restore", str(tmp_path / "b")], embedded)
    assert put.returncode == 0, put.stderr
    again = cli(["backup", str(tmp_path / "c")], embedded)
    assert again.returncode == 0, again.stderr
    first, second = (backups.load_manifest(tmp_path / d)["databases"] for d in ("b", "c"))
    for service in SERVICES:
        sums = [{n: c["sha256"] for n, c in m[service]["collections"].items()} for m in (first, second)]
        assert sums[0] == sums[1], service
    assert len(first["records"]["collections"]) > 2


def test_the_embedded_database_of_a_running_suite_is_used_where_it_runs(tmp_path: Path, mongo_uri: str) -> None:
    from tmis.run.backup_cli import database

    settings = Settings.from_env({"TMIS_DATA_DIR": str(tmp_path)})
    (tmp_path / "run.json").write_text(json.dumps({"database": {"pid": os.getpid(), "uri": mongo_uri}}))
    with database(settings) as target:
        assert target.mongodb_uri == mongo_uri  # `make run` is up: its database, not a second one on the same files
    assert not (tmp_path / "db").exists()

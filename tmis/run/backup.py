"""`python -m tmis backup DIR` and `python -m tmis restore DIR`: every service's database, GridFS
files included (a bucket is two collections), dumped as raw BSON with the collections' options
and indexes.

Consistency: each database is read at one point in time. On SecantusDB all of a database is read
inside one snapshot transaction; on mongod (a replica set) inside one snapshot session, whose
reads are pinned at one cluster time. Writes that land while the backup runs are in it entirely
or not at all, per database. Two databases are not read at the same instant.

Layout of DIR: `manifest.json`, and `<service>/<collection>.bson` (documents one after another,
as mongodump writes them, in `_id` order).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bson import json_util
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.read_concern import ReadConcern

from tmis.migrations import SCHEMA_COLLECTION
from tmis.mongo import durable_options
from tmis.settings import SERVICES, Settings

__all__ = ["FORMAT", "BackupError", "backup", "backup_database", "read_dump", "restore", "restore_database"]

FORMAT = "tmis-backup/1"
RAW = CodecOptions(document_class=RawBSONDocument, tz_aware=True)
BATCH_BYTES = 8 * 1024 * 1024


class BackupError(RuntimeError):
    """A backup cannot be taken or restored; the message says why."""


@dataclass
class Summary:
    documents: int
    bytes: int


@contextlib.asynccontextmanager
async def _snapshot(client: AsyncMongoClient[Any]) -> AsyncIterator[AsyncClientSession]:
    info = await client.admin.command("buildInfo")
    if "secantusVersion" in info:  # its snapshot sessions are not pinned; its transactions are
        async with client.start_session() as session:
            await session.start_transaction(read_concern=ReadConcern("snapshot"))
            try:
                yield session
            finally:
                await session.abort_transaction()
    else:
        async with client.start_session(snapshot=True) as session:
            yield session


def _user_collection(info: Mapping[str, Any]) -> bool:
    return info.get("type", "collection") == "collection" and not info["name"].startswith("system.")


async def backup_database(db: AsyncDatabase[Any], folder: Path) -> dict[str, Any]:
    """Dumps one database, read at one point in time, into `folder`; returns its manifest entry."""
    folder.mkdir(parents=True, exist_ok=True)
    collections: dict[str, Any] = {}
    # listing is not a snapshot read (neither mongod nor a transaction allows it): collections and
    # indexes are made at start-up, before any backup, so listing them first misses nothing
    infos = sorted([i async for i in await db.list_collections() if _user_collection(i)], key=lambda i: i["name"])
    indexes = {i["name"]: [dict(x) async for x in await db[i["name"]].list_indexes()] for i in infos}
    async with _snapshot(db.client) as session:
        for info in infos:
            name = info["name"]
            digest, count, size = hashlib.sha256(), 0, 0
            with (folder / f"{name}.bson").open("wb") as out:
                async for doc in db.get_collection(name, codec_options=RAW).find(
                    {}, sort=[("_id", 1)], session=session
                ):
                    out.write(doc.raw)
                    digest.update(doc.raw)
                    count, size = count + 1, size + len(doc.raw)
            collections[name] = {
                "file": f"{folder.name}/{name}.bson",
                "documents": count,
                "bytes": size,
                "sha256": digest.hexdigest(),
                "options": info.get("options", {}),
                "indexes": [i for i in indexes[name] if i["name"] != "_id_"],
            }
        version = await db[SCHEMA_COLLECTION].find_one({"_id": "version"}, session=session)
    return {"name": db.name, "schema_version": int(version["version"]) if version else 0, "collections": collections}


def read_dump(path: Path) -> Iterator[RawBSONDocument]:
    """The documents of a `.bson` dump, as raw BSON."""
    with path.open("rb") as dump:
        while head := dump.read(4):
            size = int.from_bytes(head, "little")
            yield RawBSONDocument(head + dump.read(size - 4), RAW)


async def restore_database(db: AsyncDatabase[Any], entry: dict[str, Any], root: Path, replace: bool = False) -> Summary:
    """Loads one database's dump; refuses a database holding data unless `replace`, which drops it first."""
    existing = [n for n in await db.list_collection_names() if not n.startswith("system.")]
    if existing and not replace:
        raise BackupError(
            f"database {db.name} is not empty ({', '.join(sorted(existing))}); pass --replace to overwrite it"
        )
    await db.client.drop_database(db.name)
    total = Summary(0, 0)
    for name, spec in entry["collections"].items():
        path = root / spec["file"]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != spec["sha256"]:
            raise BackupError(f"{path} is damaged: its checksum is not the one the manifest holds")
        await db.create_collection(name, **spec["options"])
        collection = db.get_collection(name, codec_options=RAW)
        batch: list[RawBSONDocument] = []
        size = 0
        for doc in read_dump(path):
            batch.append(doc)
            size += len(doc.raw)
            if size >= BATCH_BYTES:
                await collection.insert_many(batch, ordered=True)
                batch, size = [], 0
        if batch:
            await collection.insert_many(batch, ordered=True)
        if spec["indexes"]:
            specs = [{k: v for k, v in index.items() if k not in ("v", "ns")} for index in spec["indexes"]]
            await db.command("createIndexes", name, indexes=specs)
        total = Summary(total.documents + spec["documents"], total.bytes + spec["bytes"])
    return total


def _client(settings: Settings) -> AsyncMongoClient[Any]:
    return AsyncMongoClient(
        settings.mongodb_uri,
        tz_aware=True,
        appname="tmis-backup",
        serverSelectionTimeoutMS=5000,
        **durable_options(settings.mongodb_uri),  # a restore is acknowledged like any write
    )


async def backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Every service's database into `target` (which must be empty or new); returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    client = _client(settings)
    try:
        started = dt.datetime.now(dt.UTC)
        databases = {s: await backup_database(client[settings.databases[s]], target / s) for s in SERVICES}
    finally:
        await client.close()
    manifest = {
        "format": FORMAT,
        "started_at": started.isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "databases": databases,
    }
    (target / "manifest.json").write_text(
        json_util.dumps(manifest, json_options=json_util.CANONICAL_JSON_OPTIONS, indent=1)
    )
    return manifest


def load_manifest(source: Path) -> dict[str, Any]:
    path = source / "manifest.json"
    if not path.is_file():
        raise BackupError(f"{source} holds no TMIS backup (no manifest.json)")
    manifest: dict[str, Any] = json_util.loads(path.read_text(), json_options=json_util.CANONICAL_JSON_OPTIONS)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown format {manifest.get('format')!r}")
    return manifest


async def restore(settings: Settings, source: Path, replace: bool = False) -> dict[str, Summary]:
    """Every service's database from `source` into the databases `settings` names. The services run
    their start-up migrations when they next start, so a backup of an older release is upgraded."""
    manifest = load_manifest(source)
    client = _client(settings)
    try:
        return {
            s: await restore_database(client[settings.databases[s]], manifest["databases"][s], source, replace)
            for s in SERVICES
            if s in manifest["databases"]
        }
    finally:
        await client.close()


def manifest_json(manifest: dict[str, Any]) -> str:
    return json.dumps(
        {
            s: {
                "documents": sum(c["documents"] for c in d["collections"].values()),
                "schema_version": d["schema_version"],
            }
            for s, d in manifest["databases"].items()
        }
    )

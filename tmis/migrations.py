"""Start-up migrations: each service's storage lists its steps; the version reached is kept in
the database itself (collection `_tmis_schema`), so a backup carries it.

A step runs once per database, in order, when a service instance starts. Steps must be
idempotent: several instances of a service may start at once and run the same step.
A database newer than the code (a backup of a later release) is refused, never downgraded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

__all__ = ["SCHEMA_COLLECTION", "Step", "SchemaTooNew", "migrate", "schema_version"]

SCHEMA_COLLECTION = "_tmis_schema"
Step = Callable[[AsyncDatabase[Any]], Awaitable[None]]


class SchemaTooNew(RuntimeError):
    """The database was written by a later release than this one."""


async def schema_version(db: AsyncDatabase[Any]) -> int:
    doc = await db[SCHEMA_COLLECTION].find_one({"_id": "version"})
    return int(doc["version"]) if doc else 0


async def migrate(db: AsyncDatabase[Any], steps: Sequence[Step]) -> int:
    """Runs the steps the database has not had yet and returns the version it is at."""
    current = await schema_version(db)
    if current > len(steps):
        raise SchemaTooNew(f"database {db.name} is at schema version {current}, this release knows {len(steps)}")
    for number, step in enumerate(steps[current:], start=current + 1):
        await step(db)
        now = dt.datetime.now(dt.UTC)
        await db[SCHEMA_COLLECTION].update_one(
            {"_id": "version"}, {"$max": {"version": number}, "$set": {"at": now}}, upsert=True
        )
    return max(current, len(steps))

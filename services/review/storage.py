"""Review's storage: the only module that touches its MongoDB database.

One document per record: its state and its whole history, so every transition is a single
`update_one({_id, seq})` (a compare-and-set: of two reviewers acting at once exactly one wins)
that changes the state and appends the event together. `Storage` is the `ports.StateStore`;
only `states.ReviewStates` writes through it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.review.model import Event, ReviewState
from tmis import mongo, paging
from tmis.hookspecs import Finding
from tmis.migrations import Step, migrate
from tmis.settings import Settings


def _state(d: dict[str, Any]) -> ReviewState:
    return ReviewState(
        teacher_id=d["_id"],
        status=d["status"],
        seq=d["seq"],
        chain=tuple((c[0], c[1]) for c in d.get("chain") or ()),
        step=d.get("step", 0),
        org_path=tuple(d.get("org_path") or ()),
        events=tuple(Event(**e) for e in d.get("events") or ()),
        findings=tuple(Finding(**f) for f in d.get("findings") or ()),
        synced=d.get("synced", True),
        followups=d.get("followups") or "",
        identity_check=d.get("identity_check") or "",
        updated_at=d.get("updated_at"),
        kind=d.get("kind") or "FIRST_ENTRY",
        movement=d.get("movement") or "",
    )


def _fields(state: ReviewState) -> dict[str, Any]:
    level, org = state.pending
    return {
        "status": state.status,
        "seq": state.seq,
        "chain": [list(c) for c in state.chain],
        "step": state.step,
        "org_path": list(state.org_path),
        "pending_level": level,
        "pending_org_code": org,
        "findings": [dataclasses.asdict(f) for f in state.findings],
        "synced": state.synced,
        "followups": state.followups,
        "identity_check": state.identity_check,
        "updated_at": state.updated_at,
        "kind": state.kind,
        "movement": state.movement,
    }


# start-up migrations (tmis.migrations), in order; a new release appends
MIGRATIONS: tuple[Step, ...] = ()


class Storage:
    def __init__(self, client: mongo.Client, db_name: str) -> None:
        self.client = client
        self.states = client[db_name]["states"]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        storage = cls(mongo.connect(settings, "review"), settings.databases["review"])
        await storage.states.create_index(
            [("pending_org_code", ASCENDING), ("updated_at", ASCENDING), ("_id", ASCENDING)]
        )
        await storage.states.create_index([("synced", ASCENDING), ("updated_at", ASCENDING)])
        await storage.states.create_index([("followups", ASCENDING), ("updated_at", ASCENDING)])
        await migrate(storage.states.database, MIGRATIONS)
        return storage

    async def close(self) -> None:
        await self.client.close()

    async def answers(self) -> bool:
        """Whether the database answers now (the service's readiness follows it)."""
        return await mongo.answers(self.client)

    async def get(self, teacher_ids: list[str]) -> dict[str, ReviewState]:
        return {d["_id"]: _state(d) async for d in self.states.find({"_id": {"$in": teacher_ids}})}

    async def transition(self, old: ReviewState, new: ReviewState, event: Event | None) -> bool:
        """Stores `new` (with `event` appended) if the record is still at `old`."""
        if old.seq == 0:
            try:
                await self.states.insert_one(
                    {"_id": new.teacher_id, **_fields(new), "events": [dataclasses.asdict(event)] if event else []}
                )
            except DuplicateKeyError:
                return False
            return True
        update: dict[str, Any] = {"$set": _fields(new)}
        if event:
            update["$push"] = {"events": dataclasses.asdict(event)}
        return (await self.states.update_one({"_id": old.teacher_id, "seq": old.seq}, update)).modified_count == 1

    async def undo_submit(self, state: ReviewState, back: ReviewState) -> bool:
        """Takes back a submission records refused: the state before it, without its event."""
        update = {"$set": _fields(back), "$pop": {"events": 1}}
        return (await self.states.update_one({"_id": state.teacher_id, "seq": state.seq}, update)).modified_count == 1

    async def mark_synced(self, state: ReviewState) -> None:
        await self._mark(state, {"synced": True})

    async def mark_followups(self, state: ReviewState, followups: str, identity_check: str) -> None:
        await self._mark(state, {"followups": followups, "identity_check": identity_check})

    async def _mark(self, state: ReviewState, fields: dict[str, Any]) -> None:
        """Bookkeeping on the current state; no new transition."""
        await self.states.update_one({"_id": state.teacher_id, "seq": state.seq}, {"$set": fields})

    async def unsynced(self, before: dt.datetime, limit: int = 100) -> list[ReviewState]:
        return await self._stale({"synced": False}, before, limit)

    async def unfinished(self, before: dt.datetime, limit: int = 100) -> list[ReviewState]:
        return await self._stale({"followups": "PENDING"}, before, limit)

    async def _stale(self, query: dict[str, Any], before: dt.datetime, limit: int) -> list[ReviewState]:
        found = self.states.find({**query, "updated_at": {"$lt": before}}).limit(limit)  # one index each
        return [_state(d) async for d in found]

    async def queue(self, org_code: str, after: tuple[dt.datetime, str] | None, limit: int) -> tuple[list[str], int]:
        query: dict[str, Any] = {"pending_org_code": org_code}
        total = await self.states.count_documents(query)
        if after:
            at, last = after
            query["$or"] = [{"updated_at": {"$gt": at}}, {"updated_at": at, "_id": {"$gt": last}}]
        found = (
            self.states.find(query, {"updated_at": 1})
            .sort([("updated_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [paging.cursor(d["updated_at"], d["_id"]) async for d in found], total

"""Movements in review's database (beside `storage.py`): the only code touching `movements` and
`flows`.

One document per movement with its whole history, so every transition is one
`update_one({_id, seq})` (of two people acting at once exactly one wins). `orgs` holds both
schools' paths, so the movements of an org's subtree are one equality on a multikey index.
A flow (新增, 调入/调出, 减员, 重新入职) is one row written when it takes effect, keyed so that
writing it again changes nothing. `MovementStorage` is both `ports.MovementStore` and
`ports.FlowStore`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING

from services.review.model import Flow, Movement, MovementEvent
from tmis import mongo


def _movement(d: dict[str, Any]) -> Movement:
    return Movement(
        id=d["_id"],
        kind=d["kind"],
        status=d["status"],
        teacher_id=d["teacher_id"],
        teacher_name=d.get("teacher_name") or "",
        from_school=d.get("from_school") or "",
        from_path=tuple(d.get("from_path") or ()),
        to_school=d.get("to_school") or "",
        to_path=tuple(d.get("to_path") or ()),
        to_type=d.get("to_type") or "",
        reason_code=d.get("reason_code") or "",
        effective_date=d.get("effective_date") or "",
        comment=d.get("comment") or "",
        chain=tuple((c[0], c[1]) for c in d.get("chain") or ()),
        step=d.get("step", 0),
        seq=d["seq"],
        events=tuple(MovementEvent(**e) for e in d.get("events") or ()),
        applied=d.get("applied", True),
        created_at=d["created_at"],
        updated_at=d["updated_at"],
        from_name=d.get("from_name") or "",
        to_name=d.get("to_name") or "",
    )


def _fields(m: Movement) -> dict[str, Any]:
    level, org = m.pending
    return {
        "status": m.status,
        "chain": [list(c) for c in m.chain],
        "step": m.step,
        "seq": m.seq,
        "pending_level": level,
        "pending_org_code": org,
        "applied": m.applied,
        "updated_at": m.updated_at,
    }


class MovementStorage:
    def __init__(self, client: mongo.Client, db_name: str) -> None:
        self.movements = client[db_name]["movements"]
        self.flows = client[db_name]["flows"]

    async def open(self) -> None:
        await self.movements.create_index([("orgs", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)])
        await self.movements.create_index([("pending_org_code", ASCENDING), ("updated_at", ASCENDING)])
        await self.movements.create_index([("teacher_id", ASCENDING), ("created_at", DESCENDING)])
        await self.movements.create_index([("applied", ASCENDING), ("updated_at", ASCENDING)])
        await self.flows.create_index([("orgs", ASCENDING), ("date", ASCENDING)])

    async def insert(self, m: Movement) -> None:
        doc = {
            "_id": m.id,
            "kind": m.kind,
            "teacher_id": m.teacher_id,
            "teacher_name": m.teacher_name,
            "from_school": m.from_school,
            "from_path": list(m.from_path),
            "to_school": m.to_school,
            "to_path": list(m.to_path),
            "to_type": m.to_type,
            "from_name": m.from_name,
            "to_name": m.to_name,
            "orgs": sorted({*m.from_path, *m.to_path}),
            "reason_code": m.reason_code,
            "effective_date": m.effective_date,
            "comment": m.comment,
            "created_at": m.created_at,
            "events": [dataclasses.asdict(e) for e in m.events],
            **_fields(m),
        }
        await self.movements.insert_one(doc)

    async def delete(self, m: Movement) -> None:
        await self.movements.delete_one({"_id": m.id, "seq": m.seq})

    async def get(self, ids: list[str]) -> dict[str, Movement]:
        return {d["_id"]: _movement(d) async for d in self.movements.find({"_id": {"$in": ids}})}

    async def transition(self, old: Movement, new: Movement, event: MovementEvent | None) -> bool:
        """Stores `new` (with `event` appended) if the movement is still at `old`."""
        update: dict[str, Any] = {"$set": _fields(new)}
        if event:
            update["$push"] = {"events": dataclasses.asdict(event)}
        return (await self.movements.update_one({"_id": old.id, "seq": old.seq}, update)).modified_count == 1

    async def mark_applied(self, m: Movement) -> None:
        await self.movements.update_one({"_id": m.id, "seq": m.seq}, {"$set": {"applied": True}})

    async def unapplied(self, before: dt.datetime, limit: int = 100) -> list[Movement]:
        query = {"applied": False, "updated_at": {"$lt": before}}
        return [_movement(d) async for d in self.movements.find(query).limit(limit)]

    async def of_teachers(self, teacher_ids: list[str]) -> list[Movement]:
        found = self.movements.find({"teacher_id": {"$in": teacher_ids}}).sort("created_at", DESCENDING)
        return [_movement(d) async for d in found]

    async def page(
        self, org_code: str, kind: str, status: str, after: tuple[dt.datetime, str] | None, limit: int
    ) -> tuple[list[Movement], int]:
        query: dict[str, Any] = {"orgs": org_code, **({"kind": kind} if kind else {})}
        return await self._page({**query, **({"status": status} if status else {})}, after, limit, True)

    async def pending(
        self, org_code: str, statuses: Sequence[str], after: tuple[dt.datetime, str] | None, limit: int
    ) -> tuple[list[Movement], int]:
        query = {"pending_org_code": org_code, "status": {"$in": list(statuses)}}
        return await self._page(query, after, limit, False)

    async def _page(
        self, query: dict[str, Any], after: tuple[dt.datetime, str] | None, limit: int, newest_first: bool
    ) -> tuple[list[Movement], int]:
        """A keyset page of the query: by `created_at` newest first, or by `updated_at` oldest first."""
        total = await self.movements.count_documents(query)
        key, order = ("created_at", DESCENDING) if newest_first else ("updated_at", ASCENDING)
        if after:
            at, last = after
            beyond = "$lt" if newest_first else "$gt"
            query = {**query, "$or": [{key: {beyond: at}}, {key: at, "_id": {beyond: last}}]}
        found = self.movements.find(query).sort([(key, order), ("_id", order)]).limit(limit)
        return [_movement(d) async for d in found], total

    async def add_flow(self, flow_id: str, date: str, flow: Flow) -> None:
        doc = {"kind": flow.kind, "date": date, "from": list(flow.from_path), "to": list(flow.to_path)}
        orgs = sorted({*flow.from_path, *flow.to_path})
        await self.flows.update_one(
            {"_id": flow_id}, {"$setOnInsert": {**doc, "reason": flow.reason, "orgs": orgs}}, upsert=True
        )

    async def flows_of(self, org_code: str, start: str, end: str) -> list[Flow]:
        query = {"orgs": org_code, "date": {"$gte": start, "$lte": end}}
        found = self.flows.find(query, {"kind": 1, "from": 1, "to": 1, "reason": 1})
        return [Flow(d["kind"], tuple(d["from"]), tuple(d["to"]), d.get("reason") or "") async for d in found]

"""Per-school summaries: progress and statistics of a subtree read one small document per
school, not the subtree's records. (A storage module: it talks to records' own database.)

Why: the embedded database reads every document a `$match` selects, index or not, so a
district-wide aggregation costs ~50-100 µs per teacher: seconds for 50,000 teachers. Here each
school's counts are computed by aggregations over that school's records (the `school_code`
index) and kept in `school_stats`; a subtree's answer merges a few hundred of them.

Freshness: every write of a teacher marks its school after writing (`touch`, an `$inc` of
`seq`; a new record also before, so its school has a summary); a background task recomputes
marked schools every few seconds, and a question recomputes the marked schools of its subtree
first, so answers are exact. A recompute stores its counts only if no write came in meanwhile
(`seq` unchanged); otherwise the school stays marked. A mark lost to a crash between a write and
its `touch` is made good at the next start, which marks every school.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

# statistics dimension -> the 基本信息 field it counts
DIMENSIONS = {
    "GENDER": "gender",
    "ETHNICITY": "ethnicity",
    "POLITICAL_STATUS": "politicalStatus",
    "AGE_BAND": "birthDate",
    "HIGHEST_EDUCATION": "highestEducation",
    "TITLE": "currentTitle",
    "STAFF_CATEGORY": "staffCategory",
    "IN_ESTABLISHMENT": "inEstablishment",
}
PROGRESS = ("total", "draft", "submitted", "rejected", "approved", "with_photo", "complete")


def _count(cond: Any) -> dict[str, Any]:
    return {"$sum": {"$cond": [cond, 1, 0]}}


class Summaries:
    def __init__(self, db: AsyncDatabase) -> None:
        self.docs = db["school_stats"]
        self.teachers = db["teachers"]
        self._refreshing: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def open(self) -> None:
        await self.docs.create_index([("org_path", ASCENDING)])
        await self.docs.create_index([("dirty", ASCENDING)])
        if await self.docs.estimated_document_count() == 0:  # a database from before summaries: mark every school once
            rows = await (await self.teachers.aggregate([{"$group": {"_id": "$school_code", "path": {"$first": "$org_path"}}}])).to_list()
            for row in rows:
                await self.touch(row["_id"], row["path"])
        else:  # a write whose mark a crash lost is recounted: every school, in the background
            await self.docs.update_many({}, {"$inc": {"seq": 1}, "$set": {"dirty": True}})

    async def touch(self, school_code: str, org_path: Iterable[str]) -> None:
        await self.docs.update_one({"_id": school_code}, {"$inc": {"seq": 1}, "$set": {"org_path": list(org_path), "dirty": True}}, upsert=True)

    async def _compute(self, school_code: str) -> dict[str, Any]:
        match = {"$match": {"school_code": school_code}}
        status = lambda s: _count({"$eq": ["$status", s]})  # noqa: E731
        progress = {
            "total": {"$sum": 1}, "draft": status("DRAFT"), "submitted": status("SUBMITTED"), "rejected": status("REJECTED"), "approved": status("APPROVED"),
            "with_photo": _count({"$ifNull": ["$photo", False]}), "complete": _count({"$eq": [{"$size": {"$ifNull": ["$missing", []]}}, 0]}),
        }
        rows = await (await self.teachers.aggregate([match, {"$group": {"_id": None, **progress}}])).to_list()
        counts = {k: rows[0][k] for k in PROGRESS} if rows else dict.fromkeys(PROGRESS, 0)
        dims = {}
        for dimension, key in DIMENSIONS.items():
            # a list (政治面貌) is grouped as a whole, split when merged: `$unwind` costs 2-3 times a group here
            value = {"$substrBytes": [{"$ifNull": [f"$basic.{key}", ""]}, 0, 7]} if dimension == "AGE_BAND" else f"$basic.{key}"  # birth month
            grouped = await (await self.teachers.aggregate([match, {"$group": {"_id": {"s": "$status", "t": "$school_type", "v": value}, "n": {"$sum": 1}}}])).to_list()
            dims[dimension] = [[g["_id"].get("s") or "DRAFT", g["_id"].get("t") or "", g["_id"].get("v"), g["n"]] for g in grouped]
        return {"progress": counts, "dims": dims}

    async def _refresh(self, doc: dict[str, Any]) -> dict[str, Any]:
        computed = await self._compute(doc["_id"])
        await self.docs.update_one({"_id": doc["_id"], "seq": doc["seq"]}, {"$set": {**computed, "dirty": False}})
        return {**doc, **computed}

    async def refresh(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The school's summary recomputed now (one recompute at a time per school)."""
        running = self._refreshing.get(doc["_id"])
        if running is None:
            running = self._refreshing[doc["_id"]] = asyncio.ensure_future(self._refresh(doc))
            running.add_done_callback(lambda _: self._refreshing.pop(doc["_id"], None))
        return await asyncio.shield(running)

    async def of_subtree(self, org_code: str) -> list[dict[str, Any]]:
        """The exact summary of every school of the subtree (with teachers)."""
        docs = [d async for d in self.docs.find({"org_path": org_code})]
        return [await self.refresh(d) if d.get("dirty") or "progress" not in d else d for d in docs]

    async def refresh_marked(self, limit: int = 100) -> int:
        """Background: recompute marked schools (the questions then find them fresh)."""
        docs = [d async for d in self.docs.find({"dirty": True}).limit(limit)]
        for doc in docs:
            await self.refresh(doc)
        return len(docs)

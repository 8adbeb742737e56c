"""Per-school summaries: progress and statistics of a subtree read one small document per
school, not the subtree's records. (Part of the storage package: records' own database.)

Why: the embedded database reads every document a `$match` selects, index or not, so a
district-wide aggregation costs ~50-100 µs per teacher: seconds for 50,000 teachers. Here each
school's counts are computed by aggregations over that school's records (the `school_code`
index) and kept in `school_stats`; a subtree's answer merges a few hundred of them.

What a school's summary holds: `progress` (the counts of the progress screen), `statuses` (a
count per status, whichever statuses there are: a list's `totalCount`), `oldest`/`newest` (the
span of its `updated_at`, where a list's windows start; widened by every write's mark) and, in
a document of their own per dimension (`school_dims`, "<school>|<dimension>"), the statistics'
rows, so a count or another dimension never decodes the large ones (AGE_BAND). Answers merged
from them are kept per org until a school below it is marked again (`org_marks`, `answer`).

Freshness: every write of a teacher marks its school before and after writing (`marking`: an
`$inc` of `seq`); a background task recomputes marked schools every few seconds, and a
question recomputes the marked schools of its subtree first, so answers are exact. A recompute
stores its counts only if no write came in meanwhile (`seq` unchanged); otherwise the school
stays marked. A crash between a write and its second mark leaves the first one, unless a
recompute ran in the millisecond between the first mark and the write (then the school is
stale until its next write).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable
from typing import Any, NamedTuple, TypeVar, cast

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

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
# the official version (SPEC §5.4): a record under a 信息变更 counts as its last approved version
_UNDER_CHANGE = {
    "$and": [{"$in": ["$status", ["CHANGING", "SUBMITTED", "REJECTED"]]}, {"$eq": ["$once_approved", True]}]
}
OFFICIAL = {
    "$addFields": {
        "status": {"$cond": [_UNDER_CHANGE, "APPROVED", "$status"]},
        "listed_status": "$status",  # what a list filters on: the working version's own status
        "basic": {"$cond": [_UNDER_CHANGE, "$approved.basic", "$basic"]},
        "missing": {"$cond": [_UNDER_CHANGE, "$approved.missing", "$missing"]},
    }
}
PROGRESS = ("total", "draft", "submitted", "rejected", "approved", "with_photo", "complete")


T = TypeVar("T")


class Span(NamedTuple):
    """The oldest and newest `updated_at` of a subtree's records (bounds: never narrower)."""

    oldest: dt.datetime
    newest: dt.datetime


def _count(cond: Any) -> dict[str, Any]:
    return {"$sum": {"$cond": [cond, 1, 0]}}


class Summaries:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.docs = db["school_stats"]
        self.dims = db["school_dims"]  # _id "<school>|<dimension>": that dimension's counts
        self.marks = db["org_marks"]  # _id org code: seq, raised whenever a school below it is marked
        self._answers: dict[tuple[str, Hashable], tuple[int, Any]] = {}
        self.teachers = db["teachers"]
        # school -> (the seq a running recompute started from, its result)
        self._running: dict[str, tuple[int, asyncio.Future[dict[str, Any]]]] = {}
        self._paths: dict[str, list[str]] = {}

    async def open(self) -> None:
        await self.docs.create_index([("org_path", ASCENDING)])
        await self.docs.create_index([("dirty", ASCENDING)])
        # summaries from before the status counts: recomputed by the background refresher
        await self.docs.update_many({"statuses": {"$exists": False}, "dirty": False}, {"$set": {"dirty": True}})
        if await self.docs.estimated_document_count() == 0:  # a database from before summaries: mark every school once
            rows = await (
                await self.teachers.aggregate([{"$group": {"_id": "$school_code", "path": {"$first": "$org_path"}}}])
            ).to_list()
            for row in rows:
                await self.touch(row["_id"], row["path"])

    async def path_through(self, org_code: str) -> list[str] | None:
        """The org path of a school in the org's subtree (so the org's depth), None when no school
        below it has records; kept once found (an org keeps its place in the tree)."""
        if (path := self._paths.get(org_code)) is None:
            doc = await self.docs.find_one({"org_path": org_code}, {"org_path": 1})
            if doc is None:
                return None
            path = self._paths[org_code] = list(doc["org_path"])
        return path

    async def touch(self, school_code: str, org_path: Iterable[str], at: dt.datetime | None = None) -> None:
        """Marks the school; `at`: the `updated_at` the write stamps, kept in the school's span."""
        update: dict[str, Any] = {"$inc": {"seq": 1}, "$set": {"org_path": list(org_path), "dirty": True}}
        if at is not None:
            update.update({"$max": {"newest": at}, "$min": {"oldest": at}})
        await self.docs.update_one({"_id": school_code}, update, upsert=True)
        # then every org of its path: the answers about their subtrees are out of date
        bumps = [UpdateOne({"_id": org}, {"$inc": {"seq": 1}}, upsert=True) for org in org_path]
        await self.marks.bulk_write(bumps, ordered=False)

    async def answer(self, org_code: str, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """An answer about the org's subtree (`key` names the question), kept until a school of the
        subtree is marked again (its org's `seq` in `org_marks`: one point read to check): computed
        after that mark was read, so it holds every write marked before."""
        found = await self.marks.find_one({"_id": org_code}, {"seq": 1})
        seq = found["seq"] if found else 0
        kept = self._answers.get((org_code, key))
        if kept is not None and kept[0] == seq:
            return cast(T, kept[1])
        value = await compute()
        if len(self._answers) > 10_000:  # questions of past days, or many orgs
            self._answers.clear()
        self._answers[(org_code, key)] = (seq, value)
        return value

    @contextlib.asynccontextmanager
    async def marking(
        self, school_code: str, org_path: Iterable[str], at: dt.datetime | None = None
    ) -> AsyncIterator[None]:
        """Around a write: marks the school before (a crash after the write leaves it marked) and
        after (a recompute that ran during the write does not count as fresh)."""
        path = list(org_path)
        await self.touch(school_code, path, at)
        try:
            yield
        finally:
            await self.touch(school_code, path, at)

    async def _compute(self, school_code: str) -> dict[str, Any]:
        """Every count of one school in one pass over its records ($facet)."""

        def status(s: str) -> dict[str, Any]:
            return _count({"$eq": ["$status", s]})

        active = {"$ne": ["$status", "LEFT"]}

        facets: dict[str, Any] = {
            "progress": [
                {
                    "$group": {
                        "_id": None,
                        # 已减员 records count nowhere in progress
                        "total": _count(active),
                        "draft": status("DRAFT"),
                        "submitted": status("SUBMITTED"),
                        "rejected": status("REJECTED"),
                        "approved": status("APPROVED"),
                        "with_photo": _count({"$and": [active, {"$ifNull": ["$photo", False]}]}),
                        "complete": _count({"$and": [active, {"$eq": [{"$size": {"$ifNull": ["$missing", []]}}, 0]}]}),
                        "oldest": {"$min": "$updated_at"},
                        "newest": {"$max": "$updated_at"},
                    }
                }
            ],
            # every status, whichever there are (what `count` adds up)
            "statuses": [{"$group": {"_id": "$listed_status", "n": {"$sum": 1}}}],
        }
        for dimension, key in DIMENSIONS.items():
            # a list (政治面貌) is grouped as a whole and split when merged ($unwind costs 2-3 groups here);
            # ages by birth month, whatever the school type
            if dimension == "AGE_BAND":
                group = {"s": "$status", "v": {"$substrBytes": [{"$ifNull": [f"$basic.{key}", ""]}, 0, 7]}}
            else:
                group = {"s": "$status", "t": "$school_type", "v": f"$basic.{key}"}
            facets[dimension] = [{"$group": {"_id": group, "n": {"$sum": 1}}}]
        found = (
            await (
                await self.teachers.aggregate([{"$match": {"school_code": school_code}}, OFFICIAL, {"$facet": facets}])
            ).to_list()
        )[0]
        totals = found["progress"][0] if found["progress"] else {}
        dims = {
            d: [[g["_id"].get("s") or "DRAFT", g["_id"].get("t") or "", g["_id"].get("v"), g["n"]] for g in found[d]]
            for d in DIMENSIONS
        }
        statuses = [[g["_id"], g["n"]] for g in found["statuses"]]
        span = {k: totals[k] for k in ("oldest", "newest") if totals.get(k)}  # none for a school with no records
        return {"progress": {k: totals.get(k, 0) for k in PROGRESS}, "statuses": statuses, **span, "dims": dims}

    async def _refresh(self, doc: dict[str, Any]) -> dict[str, Any]:
        school, seq = doc["_id"], doc["seq"]
        computed = await self._compute(school)
        # each dimension's counts in a document of their own (a count or another dimension does
        # not read them), first; never over counts from a later mark
        for dimension, rows in computed["dims"].items():
            with contextlib.suppress(DuplicateKeyError):  # a later recompute stored its own
                await self.dims.replace_one(
                    {"_id": f"{school}|{dimension}", "seq": {"$lte": seq}}, {"seq": seq, "rows": rows}, upsert=True
                )
        counts = {k: v for k, v in computed.items() if k != "dims"}
        await self.docs.update_one(
            {"_id": school, "seq": seq}, {"$set": {**counts, "dirty": False}, "$unset": {"dims": ""}}
        )
        return {**doc, **computed}

    async def refresh(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The school's summary counted after every write `doc` was marked by: a recompute already
        running joins in only if it started from the same mark or a later one."""
        school, seq = doc["_id"], doc["seq"]
        running = self._running.get(school)
        if running is not None and running[0] >= seq:
            return await asyncio.shield(running[1])
        future = asyncio.ensure_future(self._refresh(doc))
        self._running[school] = (seq, future)

        def forget(_: object) -> None:
            if self._running.get(school, (0, None))[1] is future:
                del self._running[school]

        future.add_done_callback(forget)
        return await asyncio.shield(future)

    async def of_subtree(self, org_code: str, dimension: str = "") -> list[dict[str, Any]]:
        """The exact summary of every school of the subtree (with teachers): its progress counts,
        and the counts of `dimension` when one is asked."""
        fields = {"org_path": 1, "seq": 1, "dirty": 1, "progress": 1, "statuses": 1}
        docs = [d async for d in self.docs.find({"org_path": org_code}, fields)]
        docs = [await self.refresh(d) if d.get("dirty") or "statuses" not in d else d for d in docs]
        if not dimension:
            return docs
        clean = [d["_id"] for d in docs if "dims" not in d]
        rows = {
            r["_id"]: r["rows"] async for r in self.dims.find({"_id": {"$in": [f"{c}|{dimension}" for c in clean]}})
        }
        for i, doc in enumerate(docs):
            if "dims" not in doc:
                found = rows.get(f"{doc['_id']}|{dimension}")
                docs[i] = {**doc, "dims": {dimension: found}} if found is not None else await self.refresh(doc)
        return docs

    async def count(self, org_code: str, status: str) -> tuple[int, list[str], Span | None]:
        """How many records of the subtree are in `status` ("": any but LEFT), added up from the fresh
        summaries without reading a record; the schools whose summary is not fresh (marked
        for a write, or not yet counted by status), which the caller counts itself; and the span
        of the subtree's `updated_at` (None when a school's is not known: never counted since
        spans were kept). A span only guides a search: every write widens it (`touch`), a
        delete does not narrow it."""
        total, stale, spans, known = 0, [], [], True
        fields = {"dirty": 1, "statuses": 1, "oldest": 1, "newest": 1}
        async for doc in self.docs.find({"org_path": org_code}, fields):
            if doc.get("dirty") or "statuses" not in doc:
                stale.append(doc["_id"])
            else:
                total += sum(n for s, n in doc["statuses"] if s == status or (not status and s != "LEFT"))
            known = known and "statuses" in doc
            if doc.get("oldest") and doc.get("newest"):  # none: no record written since it was counted empty
                spans.append(Span(doc["oldest"], doc["newest"]))
        if not (known and spans):
            return total, stale, None
        return total, stale, Span(min(s.oldest for s in spans), max(s.newest for s in spans))

    async def refresh_marked(self, limit: int = 100) -> int:
        """Background: recompute marked schools (the questions then find them fresh)."""
        # org_path too: a question that joins this recompute gets its result as the school's summary
        docs = [d async for d in self.docs.find({"dirty": True}, {"seq": 1, "org_path": 1}).limit(limit)]
        for doc in docs:
            await self.refresh(doc)
        return len(docs)

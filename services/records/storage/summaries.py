"""Per-school summaries: progress and statistics of a subtree read one small document per
school, not the subtree's records, and above the schools one roll-up per org. (Part of the
storage package: records' own database.)

Why: the embedded database reads every document a `$match` selects, index or not, so a
district-wide aggregation costs ~50-100 µs per teacher: seconds for 50,000 teachers. Here each
school's counts are computed by aggregations over that school's records (the `school_code`
index) and kept in `school_stats`; each district's, city's, province's counts are those of its
children added up and kept in `org_rollups`, so a province's answer reads a handful of documents.

What a school's summary holds: `progress` (the counts of the progress screen), `statuses` (a
count per status, whichever statuses there are: a list's `totalCount`), `oldest`/`newest` (the
span of its `updated_at`, where a list's windows start; widened by every write's mark), `bursts`
(the instants holding many of its records, an import's: where a list's windows narrow on `seq`)
and, in a document of their own per dimension (`school_dims`, "<school>|<dimension>"), the
statistics' rows, so a count or another dimension never decodes the large ones (AGE_BAND). A roll-up
(`org_rollups`, "<org>|<key>": key "" for progress and statuses, else a dimension) holds the
same, added up over the org's children, with the `seq` of the org's mark it was built at.

Freshness. Three kinds of document, each with its own counter:
- a write of a teacher marks its school (`marking`): an `$inc` of the school's `seq`, `dirty`,
  before the write and after it, `writing` raised before and lowered after (an import is one
  write, from its first chunk to its last, renewing its mark with each chunk: `Storage.importing`).
  Both on the school's own document: a write touches no document of another org (the nation's was
  written by every write in the country). A recompute stores its counts only if the `seq` it
  started from is still there, and leaves the school `dirty` while a write is in progress
  (`writing` > 0).
- every org's mark (`org_marks`: `seq`, and its `children`) is raised when the stored counts of
  a school below it change: by the recompute, before it stores them, from the school up to the
  nation, in that order (one ordered `bulk_write`; not by the writes, which are many more).
- a roll-up of an org is used only while its `seq` equals the org's mark and no school below is
  dirty: built from its children after the org's mark was read (children's marks after the
  org's), stored only if no child was dirty, never over one built at a later mark.

Why a question (`answer`) is exact, and why an answer kept in a records instance never outlives
a write that instance did not see. The question first recounts the dirty schools of its subtree
(`settle`), then reads its org's mark. A write acknowledged before the question had its after-
mark stored: so its school was either still dirty when the question looked (then the question
recounts it itself; if that recount cannot be stored, because another write came in, the
question uses the fresh counts for it and keeps nothing), or a recompute that started after the
mark stored it, and raised the marks of its path before storing: so the question reads a raised
mark, and drops what it kept. Roll-ups by induction up the tree: a roll-up stored at mark m of X
was built after reading m; a school's store raises its children's marks before X's, so every
store counted in m is in the children read afterwards.
The crash of a records instance (any of several) in the middle of a write: its before-mark is
stored (the school is dirty, `writing` > 0), so no recompute can call the school clean however
the write ends; the background refresher recounts it every few seconds and, once its last mark
is `ABANDONED` old, clears `writing` (the write landed or never will) and stores it clean,
raising the marks of its path: every instance's kept answers and roll-ups about it are dropped.
A writer that was only slow then lowers nothing (`writing` never goes below zero) and marks the
school dirty again.
A crash between the recompute's raising of the marks and its store leaves the school dirty.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable
from typing import Any, NamedTuple, TypeVar, cast

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.records.storage.official import UNDER_CHANGE_EXPRESSION

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
# the official version (SPEC §5.4, storage/official.py): a record under a 信息变更 counts as its last
# approved version
OFFICIAL = {
    "$addFields": {
        "status": {"$cond": [UNDER_CHANGE_EXPRESSION, "APPROVED", "$status"]},
        "listed_status": "$status",  # what a list filters on: the working version's own status
        "basic": {"$cond": [UNDER_CHANGE_EXPRESSION, "$approved.basic", "$basic"]},
        "missing": {"$cond": [UNDER_CHANGE_EXPRESSION, "$approved.missing", "$missing"]},
    }
}
PROGRESS = ("total", "draft", "submitted", "rejected", "approved", "with_photo", "complete")
KEYS = ("", *DIMENSIONS)  # what a roll-up is kept for: "" progress and statuses, else a dimension
ABANDONED = dt.timedelta(seconds=60)  # a write marked this long ago and not finished: its writer died
BURST = 50  # records at one instant of a school from which a list's windows narrow on `seq` there
MOST_BURSTS = 64  # kept per school, the largest


T = TypeVar("T")


class Burst(NamedTuple):
    """An instant (`updated_at`) holding `n` records of a subtree, their `seq` from `bottom` to `top`:
    an import's job stamps all its records with one time."""

    at: dt.datetime
    n: int
    top: int
    bottom: int


class Span(NamedTuple):
    """The oldest and newest `updated_at` of a subtree's records (bounds: never narrower), and the
    instants holding many of them when its schools were last counted (a guide: a burst written
    since is missing until its school is counted again)."""

    oldest: dt.datetime
    newest: dt.datetime
    bursts: tuple[Burst, ...] = ()


_SUMMED = {"dirty": 1, "statuses": 1, "oldest": 1, "newest": 1, "bursts": 1}  # what `Summaries.count` reads


def _counted(statuses: Iterable[tuple[str, int]], status: str) -> int:
    """Of a school's or a subtree's count per status, those in `status` ("": any but LEFT, 已减员)."""
    return sum(n for s, n in statuses if s == status or (not status and s != "LEFT"))


@dataclasses.dataclass
class _Subtree:
    """A subtree's school summaries added up at its org's mark (`Summaries.count`): the status
    counts of the schools fresh then (`fresh`), and of all the span and the bursts; `pending`: the
    schools dirty then."""

    mark: int
    fresh: set[str] = dataclasses.field(default_factory=set)
    pending: set[str] = dataclasses.field(default_factory=set)
    statuses: Counter[str] = dataclasses.field(default_factory=Counter)
    spans: list[Span] = dataclasses.field(default_factory=list)
    bursts: dict[dt.datetime, Burst] = dataclasses.field(default_factory=dict)
    known: bool = True

    def add(self, doc: dict[str, Any]) -> bool:
        """Adds a school's summary; True when it is not fresh (its school counted by the caller)."""
        for at, n, top, bottom in doc.get("bursts") or ():  # schools' bursts at one instant: one burst
            was = self.bursts.get(at)
            self.bursts[at] = (
                Burst(at, n, top, bottom)
                if was is None
                else Burst(at, was.n + n, max(was.top, top), min(was.bottom, bottom))
            )
        self.known = self.known and "statuses" in doc
        if doc.get("oldest") and doc.get("newest"):  # none: no record written since it was counted empty
            self.spans.append(Span(doc["oldest"], doc["newest"]))
        if doc.get("dirty") or "statuses" not in doc:
            self.pending.add(doc["_id"])
            return True
        self.fresh.add(doc["_id"])
        self.statuses.update({s: n for s, n in doc["statuses"]})
        return False

    @functools.cached_property
    def newest_first(self) -> tuple[Burst, ...]:
        return tuple(sorted(self.bursts.values(), reverse=True))

    def count(self, status: str, dirty: list[dict[str, Any]]) -> tuple[int, list[str], Span | None]:
        """`Summaries.count`'s answer, with the schools dirty now (`dirty`): a write since the mark
        changed no count of theirs (a recompute would have raised it), so a fresh school's own
        counts are taken out, and a write widened their span."""
        total = _counted(self.statuses.items(), status)
        total -= sum(_counted(d["statuses"], status) for d in dirty if d["_id"] in self.fresh)
        spans = [*self.spans, *(Span(d["oldest"], d["newest"]) for d in dirty if d.get("oldest") and d.get("newest"))]
        if not (self.known and spans and all("statuses" in d for d in dirty)):
            return total, [d["_id"] for d in dirty], None
        span = Span(min(s.oldest for s in spans), max(s.newest for s in spans), self.newest_first)
        return total, [d["_id"] for d in dirty], span


def _count(cond: Any) -> dict[str, Any]:
    return {"$sum": {"$cond": [cond, 1, 0]}}


class Summaries:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.docs = db["school_stats"]
        self.dims = db["school_dims"]  # _id "<school>|<dimension>": that dimension's counts
        self.marks = db["org_marks"]  # _id org code: seq, raised whenever a school below it is recounted; children
        self.rollups = db["org_rollups"]  # _id "<org>|<key>": seq (the org's mark it was built at), value
        self._answers: dict[tuple[str, Hashable], tuple[int, Any]] = {}
        self.teachers = db["teachers"]
        # school -> (the seq a running recompute started from, its result)
        self._running: dict[str, tuple[int, asyncio.Future[dict[str, Any]]]] = {}
        self._paths: dict[str, list[str]] = {}
        self._subtrees: dict[str, _Subtree] = {}  # org -> its schools' summaries added up at its mark

    async def open(self) -> None:
        await self.docs.create_index([("org_path", ASCENDING)])
        await self.docs.create_index([("dirty", ASCENDING)])
        # summaries from before the roll-ups (or the status counts): recomputed by the background
        # refresher, which adds each school to its org's children and raises the marks of its path
        for older in ("rolled", "statuses", "bursts"):
            await self.docs.update_many({older: {"$exists": False}, "dirty": False}, {"$set": {"dirty": True}})
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

    async def touch(
        self,
        school_code: str,
        org_path: Iterable[str],
        at: dt.datetime | None = None,
        writing: int = 0,
    ) -> None:
        """Marks the school (its own document only); `at`: the `updated_at` the write stamps, kept
        in the school's span; `writing`: +1 before a write, -1 after it. Never in a write's
        transaction: concurrent writes of one school would conflict on its document."""
        now = dt.datetime.now(dt.UTC)
        update: dict[str, Any] = {
            "$inc": {"seq": 1, "writing": writing},
            "$set": {"org_path": list(org_path), "dirty": True, "marked_at": now},
        }
        if at is not None:
            update.update({"$max": {"newest": at}, "$min": {"oldest": at}})
        if writing < 0:  # lowered only while raised: a write outliving `ABANDONED` was cleared meanwhile
            if (await self.docs.update_one({"_id": school_code, "writing": {"$gt": 0}}, update)).matched_count:
                return
            update["$inc"] = {"seq": 1}
        await self.docs.update_one({"_id": school_code}, update, upsert=True)

    async def mark(self, org_code: str) -> int:
        """The org's mark: raised whenever a school below it is recounted."""
        found = await self.marks.find_one({"_id": org_code}, {"seq": 1})
        return int(found["seq"]) if found else 0

    async def settle(self, org_code: str) -> dict[str, dict[str, Any]]:
        """Recounts the dirty schools of the subtree; returns those still dirty after it (a write
        in progress, or one that came in meanwhile) with their fresh counts."""
        fields = {"seq": 1, "org_path": 1, "writing": 1, "marked_at": 1}
        marked = [d async for d in self.docs.find({"dirty": True, "org_path": org_code}, fields)]
        unsettled = {}
        for doc in marked:
            fresh = await self.refresh(doc)
            if not fresh["settled"]:
                unsettled[doc["_id"]] = fresh
        return unsettled

    async def answer(self, org_code: str, key: Hashable, compute: Callable[[Rollup], Awaitable[T]]) -> T:
        """An answer about the org's subtree (`key` names the question), computed from the roll-ups
        (`Rollup`) and kept until a school of the subtree is recounted (its org's mark: one point
        read to check, after the dirty schools of the subtree are recounted; see the module's
        docstring for why that is exact). Nothing is kept while a school below is still dirty."""
        unsettled = await self.settle(org_code)
        seq = await self.mark(org_code)
        kept = self._answers.get((org_code, key))
        if not unsettled and kept is not None and kept[0] == seq:
            return cast(T, kept[1])
        value = await compute(Rollup(self, unsettled))
        if len(self._answers) > 10_000:  # questions of past days, or many orgs
            self._answers.clear()
        if not unsettled:
            self._answers[(org_code, key)] = (seq, value)
        return value

    @contextlib.asynccontextmanager
    async def marking(
        self, school_code: str, org_path: Iterable[str], at: dt.datetime | None = None
    ) -> AsyncIterator[None]:
        """Around a write: marks the school before (a crash after the write leaves it marked, and
        `writing` keeps it dirty) and after (a recompute that ran during the write does not count
        as fresh). Two updates of the school's own document, nothing else."""
        path = list(org_path)
        await self.touch(school_code, path, at, writing=1)
        try:
            yield
        finally:
            await self.touch(school_code, path, at, writing=-1)

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
            # the instants holding many records (`Burst`): a list's windows narrow on `seq` there
            "bursts": [
                {
                    "$group": {
                        "_id": "$updated_at",
                        "n": {"$sum": 1},
                        "top": {"$max": "$seq"},
                        "bottom": {"$min": "$seq"},
                    }
                },
                {"$match": {"n": {"$gte": BURST}, "top": {"$type": "number"}, "bottom": {"$type": "number"}}},
                {"$sort": {"n": -1}},
                {"$limit": MOST_BURSTS},
            ],
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
        bursts = [[g["_id"], g["n"], g["top"], g["bottom"]] for g in found["bursts"]]
        progress = {k: totals.get(k, 0) for k in PROGRESS}
        return {"progress": progress, "statuses": statuses, **span, "bursts": bursts, "dims": dims}

    async def _refresh(self, doc: dict[str, Any]) -> dict[str, Any]:
        school, seq = doc["_id"], doc["seq"]
        writing = doc.get("writing", 0) > 0
        marked_at = doc.get("marked_at") or dt.datetime.now(dt.UTC)
        if writing and dt.datetime.now(dt.UTC) - marked_at.replace(tzinfo=dt.UTC) > ABANDONED:
            # its writer died between the marks: the write landed by now, or never will
            if (await self.docs.update_one({"_id": school, "seq": seq}, {"$set": {"writing": 0}})).modified_count:
                writing = False
        computed = await self._compute(school)
        # the marks of its path, from the school up, before its counts change (see the docstring)
        path = list(doc.get("org_path") or [school])
        bumps = [
            UpdateOne(
                {"_id": org}, {"$inc": {"seq": 1}, **({"$addToSet": {"children": child}} if child else {})}, upsert=True
            )
            for org, child in reversed(list(zip(path, [*path[1:], ""], strict=True)))
        ]
        await self.marks.bulk_write(bumps, ordered=True)
        # each dimension's counts in a document of their own (a count or another dimension does
        # not read them), first; never over counts from a later mark
        for dimension, rows in computed["dims"].items():
            with contextlib.suppress(DuplicateKeyError):  # a later recompute stored its own
                await self.dims.replace_one(
                    {"_id": f"{school}|{dimension}", "seq": {"$lte": seq}}, {"seq": seq, "rows": rows}, upsert=True
                )
        counts = {k: v for k, v in computed.items() if k != "dims"}
        stored = await self.docs.update_one(
            {"_id": school, "seq": seq}, {"$set": {**counts, "dirty": writing, "rolled": True}, "$unset": {"dims": ""}}
        )
        return {**doc, **computed, "settled": stored.matched_count == 1 and not writing}

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
        of the subtree's `updated_at` and its bursts (None when a school's is not known: never
        counted since spans were kept). A span only guides a search: every write widens it
        (`touch`), a delete does not narrow it.
        The summaries added up are kept per org (`_Subtree`) while the org's mark stands: then only
        the schools dirty now are read (a write marks its school dirty and changes no count; a
        recompute raises the marks of its path before it stores counts), so a list's page over a
        province reads its dirty schools, not the province's every school."""
        kept, mark = self._subtrees.get(org_code), None
        if kept is not None:  # the schools dirty now, then the mark: a store since raised it before
            dirty = [d async for d in self.docs.find({"dirty": True, "org_path": org_code}, _SUMMED)]
            mark = await self.mark(org_code)
            # (a school dirty when they were added up and clean now: stored by a recompute that raised it before)
            if mark == kept.mark and kept.pending <= {d["_id"] for d in dirty}:
                return kept.count(status, dirty)
        # added up again at a mark read before the summaries are (the one just read, if any)
        kept = _Subtree(await self.mark(org_code) if mark is None else mark)
        dirty = [d async for d in self.docs.find({"org_path": org_code}, _SUMMED) if kept.add(d)]
        if len(self._subtrees) > 10_000:
            self._subtrees.clear()
        self._subtrees[org_code] = kept
        return kept.count(status, dirty)

    async def refresh_marked(self, limit: int = 100) -> int:
        """Background: recompute marked schools (the questions then find them fresh). Not a school
        with a write in progress (an import's chunk): its counts would be stored dirty all the
        same, and recounting a large school every few seconds while it is imported doubled the
        database's work (bench/README.md); once the write ends, or is `ABANDONED`, it is recounted."""
        # org_path too: a question that joins this recompute gets its result as the school's summary
        fields = {"seq": 1, "org_path": 1, "writing": 1, "marked_at": 1}
        since = dt.datetime.now(dt.UTC) - ABANDONED
        quiet = {"$or": [{"writing": {"$not": {"$gt": 0}}}, {"marked_at": {"$lt": since}}]}
        docs = [d async for d in self.docs.find({"dirty": True, **quiet}, fields).limit(limit)]
        for doc in docs:
            await self.refresh(doc)
        # then the roll-ups of their paths, so that a question finds them built
        roots = sorted({d["org_path"][0] for d in docs if d.get("org_path")})
        for key in KEYS if roots else ():
            await Rollup(self, {}).of(roots, key)
        return len(docs)


def _merge(key: str, values: Iterable[Any]) -> Any:
    """Counts of several subtrees added up: progress and statuses (key ""), or a dimension's rows."""
    if not key:
        progress: Counter[str] = Counter()
        statuses: Counter[str | None] = Counter()
        for value in values:
            progress.update(value.get("progress") or {})
            statuses.update(dict(value.get("statuses") or ()))
        return {"progress": {k: progress[k] for k in PROGRESS}, "statuses": [[s, n] for s, n in statuses.items()]}
    rows: Counter[tuple[Any, ...]] = Counter()
    for value in values:
        for status, school_type, code, n in value or ():
            rows[(status, school_type, tuple(code) if isinstance(code, list) else code)] += n
    return [[s, t, list(v) if isinstance(v, tuple) else v, n] for (s, t, v), n in rows.items()]


class Rollup:
    """One question's view of the counts of subtrees: an org's roll-up when it is valid (its
    `seq` is the org's mark, and no school below is unsettled), else its children's values added
    up (then stored, when every child's was exact); a school's own summary at the bottom, or the
    fresh counts of an unsettled one."""

    def __init__(self, summaries: Summaries, unsettled: dict[str, dict[str, Any]]) -> None:
        self.s = summaries
        self.unsettled = unsettled
        self.below: dict[str, set[str]] = {}  # org -> its children on the path of an unsettled school
        for doc in unsettled.values():
            path = doc.get("org_path") or []
            for org, child in zip(path, path[1:], strict=False):
                self.below.setdefault(org, set()).add(child)

    async def children(self, org_code: str) -> list[str]:
        """The org's children with counted schools below (none: a school, or nothing counted)."""
        return self._children(org_code, await self.s.marks.find_one({"_id": org_code}, {"children": 1}) or {})

    def _children(self, org_code: str, mark: dict[str, Any]) -> list[str]:
        """The children its mark lists, and those on the path of a school not yet counted there."""
        return sorted(set(mark.get("children") or ()) | self.below.get(org_code, set()))

    async def of(self, orgs: list[str], key: str) -> dict[str, Any]:
        return {org: value for org, (value, _) in (await self._of(orgs, key)).items()}

    async def _of(self, orgs: list[str], key: str) -> dict[str, tuple[Any, bool]]:
        """Each org's value for `key`, and whether it is exact (no dirty school read)."""
        marks = {d["_id"]: d async for d in self.s.marks.find({"_id": {"$in": orgs}})}
        ids = {f"{org}|{key}": org for org in orgs}
        kept = {ids[d["_id"]]: d async for d in self.s.rollups.find({"_id": {"$in": list(ids)}})}
        out: dict[str, tuple[Any, bool]] = {}
        build: dict[str, tuple[int, list[str]]] = {}
        schools = []
        for org in orgs:
            mark = marks.get(org) or {}
            children = self._children(org, mark)
            if org in self.unsettled:
                fresh = self.unsettled[org]
                out[org] = (fresh["dims"][key] if key else fresh, False)
            elif not children:
                schools.append(org)
            elif org not in self.below and (found := kept.get(org)) and found["seq"] == mark.get("seq", 0):
                out[org] = (found["value"], True)
            else:
                build[org] = (mark.get("seq", 0), children)
        if schools:
            out.update(await self._schools(schools, key))
        if build:
            parts = await self._of(sorted({c for _, children in build.values() for c in children}), key)
            for org, (seq, children) in build.items():
                value = _merge(key, (parts[c][0] for c in children))
                exact = all(parts[c][1] for c in children)
                if exact:  # never over a roll-up built at a later mark
                    with contextlib.suppress(DuplicateKeyError):
                        await self.s.rollups.replace_one(
                            {"_id": f"{org}|{key}", "seq": {"$lte": seq}}, {"seq": seq, "value": value}, upsert=True
                        )
                out[org] = (value, exact)
        return out

    async def _schools(self, schools: list[str], key: str) -> dict[str, tuple[Any, bool]]:
        """Schools' own summaries (a school dirty since the question settled its subtree: its
        stored counts, not exact; one never counted: nothing)."""
        fields = {"seq": 1, "dirty": 1, "org_path": 1, "progress": 1, "statuses": 1, "writing": 1, "marked_at": 1}
        docs = {d["_id"]: d async for d in self.s.docs.find({"_id": {"$in": schools}}, fields)}
        out: dict[str, tuple[Any, bool]] = {s: (_merge(key, ()), True) for s in schools if s not in docs}
        rows = {}
        if key:
            ids = [f"{s}|{key}" for s in docs]
            rows = {d["_id"].rsplit("|", 1)[0]: d["rows"] async for d in self.s.dims.find({"_id": {"$in": ids}})}
        for school, doc in docs.items():
            exact = not doc.get("dirty")
            if key and school not in rows:  # counted before the dimensions were kept apart
                fresh = await self.s.refresh(doc)
                out[school] = (fresh["dims"][key], exact and fresh["settled"])
            elif key:
                out[school] = (rows[school], exact)
            else:
                out[school] = ({"progress": doc.get("progress") or {}, "statuses": doc.get("statuses") or []}, exact)
        return out

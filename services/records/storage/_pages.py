"""Keyset pages of teachers, newest change first, on a database that reads every match of a query
before its limit (the embedded one) as well as on MongoDB. (Part of the storage package.)

The order is (`updated_at`, `seq`) descending. `seq` is a number every write of a record gives it
(`numbers`: unique, increasing), so no two records tie: the records an import stamps with its one
time are ordered by `seq` among themselves, and a cursor is a position (time, seq) between records.

A page of a bare subtree is read in windows, each a query on `(org_l<depth>|school_code,
updated_at, seq)` that matches about as many records as the page still needs:
- between the instants holding many records (the summaries' `Burst`s), windows of `updated_at`
  below the cursor, the first as wide as the page's records spread evenly over the span would
  need, each next one 4x wider, down to the next burst (exclusive) or, below the oldest change,
  open downwards;
- at a burst's instant (or the cursor's), windows of `seq` at that one `updated_at`, sized from the
  burst's density of numbers, the first open upwards when entered from above, the last open
  downwards below its lowest number.
So a window never holds a burst whole, and what the summaries say only sizes the windows: a burst
they do not know yet (written since its school was counted) is read whole, never missed.
On MongoDB each window is one IXSCAN in index order (equality on the org field, a range on
`updated_at`, or equality on it and a range on `seq`), no SORT stage; there the windows only cost
a few round trips, a single query would read `limit` keys as well.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from pymongo import DESCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from services.records.storage.summaries import Burst, Span

ORDER = [("updated_at", DESCENDING), ("seq", DESCENDING)]
# (time, seq) of the last record seen; seq None: not known (a cursor without it, see `Storage.list`)
Position = tuple[dt.datetime, int | None]


async def numbers(sequences: AsyncCollection[dict[str, Any]], n: int) -> int:
    """The first of `n` new numbers for records' writes (one `$inc` of one counter document: unique,
    increasing; a number lost by a write that failed leaves a gap, which costs nothing)."""
    doc = await sequences.find_one_and_update(
        {"_id": "teachers"}, {"$inc": {"n": n}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    return int(doc["n"]) - n + 1 if doc else 1


def utc(at: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC time (a client may read them naive)."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


@dataclasses.dataclass(frozen=True)
class Window:
    """Records at one instant (`at`) with `seq` within bounds, or over a span of `updated_at`."""

    at: dt.datetime | None = None
    seq: dict[str, int] = dataclasses.field(default_factory=dict)  # {"$lt"|"$lte": …, "$gt": …}
    times: dict[str, dt.datetime] = dataclasses.field(default_factory=dict)

    def clause(self) -> dict[str, Any]:
        if self.at is not None:
            return {"updated_at": self.at, **({"seq": self.seq} if self.seq else {})}
        return {"updated_at": self.times} if self.times else {}

    def below(self, at: dt.datetime, seq: int) -> list[Window]:
        """The rest of the window after its record (at, seq): that instant's lower numbers, then
        (a span of times) the times below it."""
        if self.at is not None:
            return [Window(at, {"$lt": seq, **{k: v for k, v in self.seq.items() if k == "$gt"}})]
        low = {k: v for k, v in self.times.items() if k == "$gt"}
        return [Window(at, {"$lt": seq}), Window(times={**low, "$lt": at})]


class Pager:
    """One page being read: the records found so far, window by window."""

    def __init__(
        self, teachers: AsyncCollection[dict[str, Any]], query: dict[str, Any], limit: int, skip_left: bool
    ) -> None:
        self.teachers, self.query, self.limit, self.skip_left = teachers, query, limit, skip_left
        self.found: list[dict[str, Any]] = []

    @property
    def want(self) -> int:
        return self.limit - len(self.found)

    async def take(self, window: Window) -> int:
        """The window's first records; how many its query read. A window's query holds the index's
        clauses alone (any other, even the status, makes the embedded database read the whole
        subtree): 已减员 (LEFT) is left out here, and when it was, the window goes on below the
        last record it read."""
        want = self.want
        docs = await self.teachers.find({**self.query, **window.clause()}).sort(ORDER).limit(want).to_list()
        self.found.extend(d for d in docs if not (self.skip_left and d.get("status") == "LEFT"))
        if not self.skip_left or len(docs) < want or self.want <= 0:
            return len(docs)
        for rest in window.below(docs[-1]["updated_at"], docs[-1].get("seq", 0)):
            if self.want > 0:
                await self.take(rest)
        return len(docs)

    def growth(self, read: int) -> float:
        """How much wider the next window is than the last, which read `read` records: enough for
        those still wanted at its density, at most 4x (4x when it read none)."""
        return min(4.0, self.want / read) if read else 4.0

    async def instant(self, at: dt.datetime, below: int | None, burst: Burst | None) -> None:
        """The records changed at `at` with a number below `below` (None: all): a burst's in
        windows of `seq`, any other instant's (a few records) in one query."""
        top: dict[str, int] = {"$lt": below} if below is not None else {}
        if burst is None:
            await self.take(Window(at, top))
            return
        spread = max(1.0, (burst.top - burst.bottom + 1) / max(burst.n, 1))  # numbers per record
        edge = below - 1 if below is not None else burst.top
        width = max(1, int(self.want * spread))
        while self.want > 0:
            low = edge - width
            if low < burst.bottom:
                await self.take(Window(at, top))
                return
            read = await self.take(Window(at, {**top, "$gt": low}))
            top, edge, width = {"$lte": low}, low, max(1, round(width * self.growth(read)))

    async def times(
        self, top: dict[str, dt.datetime], edge: dt.datetime, floor: dt.datetime | None, span: Span, width: dt.timedelta
    ) -> None:
        """Windows (low, top] of `updated_at` from `edge` down to `floor` (exclusive), or without one
        down to the span's oldest change, the last open downwards. Windows are (low, top]: the
        embedded database drops the equal keys of a `$gte` on a descending key followed by another."""
        while self.want > 0:
            low = edge - width
            if floor is not None and low <= floor:
                await self.take(Window(times={**top, "$gt": floor}))
                return
            if floor is None and low < span.oldest:
                await self.take(Window(times=top))
                return
            read = await self.take(Window(times={**top, "$gt": low}))
            top, edge, width = {"$lte": low}, low, max(dt.timedelta(milliseconds=1), width * self.growth(read))


async def page(
    teachers: AsyncCollection[dict[str, Any]],
    query: dict[str, Any],
    after: Position | None,
    limit: int,
    span: Span | None,
    total: int = 0,
) -> list[dict[str, Any]]:
    """The first `limit` matches of `query` after `after`, newest change first. Without a span: the
    cursor's instant, then one query below it. With one (a bare subtree, its status `$ne: LEFT`
    checked here): in windows, as the module's docstring says."""
    if span is None:
        pager = Pager(teachers, query, limit, skip_left=False)
        if after is not None:
            await pager.instant(after[0], after[1], None)
        if pager.want > 0:
            await pager.take(Window(times={"$lt": after[0]} if after is not None else {}))
        return pager.found
    query = {k: v for k, v in query.items() if k != "status"}
    pager = Pager(teachers, query, limit, skip_left=True)
    bursts = sorted((b._replace(at=utc(b.at)) for b in span.bursts), reverse=True)
    span = Span(utc(span.oldest), utc(span.newest))
    # the records outside the bursts, spread evenly over the span: how wide a window of `limit` is
    outside = max(total - sum(b.n for b in bursts), 1)
    width = max(dt.timedelta(milliseconds=1), (span.newest - span.oldest) * limit / outside)
    top: dict[str, dt.datetime] = {}
    edge = span.newest
    if after is not None:
        at = utc(after[0])
        await pager.instant(at, after[1], next((b for b in bursts if b.at == at), None))
        top, edge, bursts = {"$lt": at}, at, [b for b in bursts if b.at < at]
    for burst in [*bursts, None]:
        if pager.want <= 0:
            break
        await pager.times(top, edge, burst.at if burst else None, span, width)
        if burst is None or pager.want <= 0:
            break
        await pager.instant(burst.at, None, burst)
        top, edge = {"$lt": burst.at}, burst.at
    return pager.found

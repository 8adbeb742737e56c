"""Teacher records in MongoDB (part of the storage package, the only code touching the database).

One document per teacher, with its entries embedded: every write is one optimistic
`update_one({_id, version})`, so a record is never half-written and concurrent writers
cannot lose each other's updates. Every write that stamps `updated_at` also gives the record a
new `seq` (`_pages.numbers`), the tiebreak of the lists' order. Indexes (see `open`) serve every
filter of `list`; its pages are read by `_pages`.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

from services.records.model import EDITABLE, Change, Entry, Teacher
from services.records.storage import _pages
from services.records.storage._pages import ORDER, Position, numbers, utc
from services.records.storage.official import UNDER_CHANGE_FILTER
from services.records.storage.summaries import Summaries
from tmis import mongo
from tmis.migrations import Step, migrate
from tmis.settings import Settings


def _teacher(doc: dict[str, Any]) -> Teacher:
    return Teacher(
        id=str(doc["_id"]),
        version=doc["version"],
        school_code=doc["school_code"],
        school_type=doc.get("school_type") or "PRIMARY_SECONDARY",
        org_path=tuple(doc["org_path"]),
        status=doc.get("status") or "DRAFT",
        basic=doc.get("basic") or {},
        entries=tuple(Entry(e["id"], e["set"], e.get("data") or {}) for e in doc.get("entries") or ()),
        missing=tuple(doc.get("missing") or ()),
        warnings=tuple(tuple(w) for w in doc.get("warnings") or ()),
        updated_at=doc.get("updated_at"),
        photo=doc.get("photo"),
        personal_code=doc.get("personal_code") or "",
        personal_code_formal=bool(doc.get("personal_code_formal")),
        personal_code_key=doc.get("personal_code_key") or "",
        approved=_teacher({**doc, **doc["approved"], "approved": None}) if doc.get("approved") else None,
        once_approved=bool(doc.get("once_approved")),
        seq=doc.get("seq"),
    )


def as_stored(at: dt.datetime) -> dt.datetime:
    """A time as the database gives it back: milliseconds, UTC."""
    return at.astimezone(dt.UTC).replace(microsecond=at.microsecond // 1000 * 1000)


def object_id(raw: str) -> ObjectId | None:
    try:
        return ObjectId(raw)
    except (InvalidId, TypeError):
        return None


class DuplicatePerson(Exception):
    """The (document type, number) is already registered; `school_code` and `org_path` say where."""

    def __init__(self, school_code: str, org_path: tuple[str, ...], status: str = "") -> None:
        super().__init__(school_code)
        self.school_code = school_code
        self.org_path = org_path
        self.status = status


def org_levels(org_path: Iterable[str]) -> dict[str, str]:
    """The org tree as per-level fields, `org_l<depth>` for every org above the school (which is
    `school_code`): a subtree is one equality on one single-key index, where a multikey `org_path`
    index cost an index entry per level on every insert (measured in bench/README.md)."""
    return {f"org_l{depth}": code for depth, code in enumerate(list(org_path)[:-1])}


# 身份证件号 a query of `by_identity` asks for
BY_IDENTITY_AT_ONCE = 50
# the levels with an index (province, city, district); the nation's subtree is every record
INDEXED_LEVELS = (1, 2, 3)
# what a page is read through: (org_l<depth> | school_code, updated_at, seq), the lists' order
PAGE_KEYS = [f"org_l{depth}" for depth in INDEXED_LEVELS] + ["school_code"]
_OLD_INDEXES = (
    "school_code_1",
    "org_path_1_updated_at_-1__id_-1",
    "org_path_1_status_1_updated_at_-1__id_-1",
    "org_path_1_basic.name_1",
)


async def _org_levels_from_paths(db: AsyncDatabase[Any]) -> None:
    """Records written before the per-level fields get them; the multikey `org_path` indexes go."""
    teachers = db["teachers"]
    pipeline = [{"$group": {"_id": {"school": "$school_code", "path": "$org_path"}}}]
    for row in await (await teachers.aggregate(pipeline)).to_list():
        school, path = row["_id"]["school"], row["_id"]["path"]
        await teachers.update_many({"school_code": school, "org_path": path}, {"$set": org_levels(path)})
    existing = await teachers.index_information()
    for name in _OLD_INDEXES:
        if name in existing:
            with contextlib.suppress(OperationFailure):  # another instance dropped it first
                await teachers.drop_index(name)


async def _once_approved(db: AsyncDatabase[Any]) -> None:
    """Records approved before 信息变更 existed are marked as approved at the end of the chain."""
    await db["teachers"].update_many({"status": "APPROVED"}, {"$set": {"once_approved": True}})


_PERSON = [("basic.idNumber", ASCENDING), ("basic.idType", ASCENDING)]


async def _person_key_by_number(db: AsyncDatabase[Any]) -> None:
    """The unique (document type, number) index led by the number replaces it and the number's own
    index (an insert cost an entry in each: bench/README.md). The new one is built first (the
    records were unique under the old one), so the key is enforced throughout."""
    teachers = db["teachers"]
    await teachers.create_index(_PERSON, unique=True)
    existing = await teachers.index_information()
    for name in ("basic.idType_1_basic.idNumber_1", "basic.idNumber_1"):
        if name in existing:
            with contextlib.suppress(OperationFailure):  # another instance dropped it first
                await teachers.drop_index(name)


async def _sequence_numbers(db: AsyncDatabase[Any]) -> None:
    """Every record gets its `seq`, in the order the lists had, (`updated_at`, `_id`) (read a
    school at a time, through its index, numbered together); then the indexes the pages were read
    through, tied on `_id`, go (the new ones, on `seq`, are built by `Storage.open`). A record
    given its number meanwhile (another instance, or a write) keeps it."""
    teachers = db["teachers"]
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    pipeline: list[dict[str, Any]] = [{"$match": {"seq": {"$exists": False}}}, {"$group": {"_id": "$school_code"}}]
    keys = []
    for row in await (await teachers.aggregate(pipeline)).to_list():
        found = teachers.find({"school_code": row["_id"], "seq": {"$exists": False}}, {"updated_at": 1})
        keys += [(utc(d.get("updated_at") or never), d["_id"]) async for d in found]
    keys.sort()
    first = await numbers(db["sequences"], len(keys))
    for start in range(0, len(keys), 1000):
        ops = [
            UpdateOne({"_id": oid, "seq": {"$exists": False}}, {"$set": {"seq": first + start + i}})
            for i, (_, oid) in enumerate(keys[start : start + 1000])
        ]
        await teachers.bulk_write(ops, ordered=False)
    existing = await teachers.index_information()
    for key in PAGE_KEYS:
        name = f"{key}_1_updated_at_-1__id_-1"
        if name in existing:
            with contextlib.suppress(OperationFailure):  # another instance dropped it first
                await teachers.drop_index(name)


# start-up migrations (tmis.migrations), in order; a new release appends
MIGRATIONS: tuple[Step, ...] = (_org_levels_from_paths, _once_approved, _person_key_by_number, _sequence_numbers)


class Storage:
    def __init__(self, client: AsyncMongoClient[dict[str, Any]], db_name: str) -> None:
        self.client = client
        self.teachers = client[db_name]["teachers"]
        self.history = client[db_name]["history"]
        self.sequences = client[db_name]["sequences"]  # one counter: the records' `seq`
        # every write below marks the teacher's school there (progress and statistics)
        self.summaries = Summaries(client[db_name])

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        s = cls(mongo.connect(settings, "records"), settings.databases["records"])
        # one person per (document type, number); led by the number, it is also the index of a
        # lookup or a prefix search by number (of any document type): one index entry less per insert
        await s.teachers.create_index(_PERSON, unique=True)
        for key in PAGE_KEYS:
            await s.teachers.create_index([(key, ASCENDING), *ORDER])
        await s.teachers.create_index([("basic.name", ASCENDING)])
        await s.teachers.create_index(
            [("personal_code", ASCENDING)], unique=True, partialFilterExpression={"personal_code": {"$type": "string"}}
        )
        await s.history.create_index([("teacher_id", ASCENDING), ("_id", DESCENDING)])
        await s.summaries.open()
        await migrate(s.teachers.database, MIGRATIONS)
        return s

    async def close(self) -> None:
        await self.client.close()

    async def answers(self) -> bool:
        """Whether the database answers now (the service's readiness follows it)."""
        return await mongo.answers(self.client)

    @staticmethod
    def _new_doc(teacher: Teacher, now: dt.datetime, seq: int) -> dict[str, Any]:
        return {
            "school_code": teacher.school_code,
            "school_type": teacher.school_type,
            "org_path": list(teacher.org_path),
            **org_levels(teacher.org_path),
            "status": teacher.status,
            "basic": teacher.basic,
            "entries": [],
            "missing": list(teacher.missing),
            "warnings": [list(w) for w in teacher.warnings],
            "version": 1,
            "review_seq": 0,
            "created_at": now,
            "updated_at": now,
            "seq": seq,
        }

    async def insert(self, teacher: Teacher, now: dt.datetime) -> Teacher:
        doc = self._new_doc(teacher, now, await numbers(self.sequences, 1))
        try:
            async with self._marking([teacher], now):
                result = await self.teachers.insert_one(doc)
        except DuplicateKeyError:
            raise await self._duplicate(teacher.basic) from None
        return _teacher({**doc, "_id": result.inserted_id})

    async def _duplicate(self, basic: dict[str, Any]) -> DuplicatePerson:
        found = await self.teachers.find_one(
            {"basic.idType": basic.get("idType"), "basic.idNumber": basic.get("idNumber")},
            {"school_code": 1, "org_path": 1, "status": 1},
        )
        if found is None:
            return DuplicatePerson("", ())
        return DuplicatePerson(found["school_code"], tuple(found["org_path"]), found.get("status") or "")

    async def get(self, ids: list[str]) -> list[Teacher]:
        oids = [o for o in map(object_id, ids) if o is not None]
        return [_teacher(doc) async for doc in self.teachers.find({"_id": {"$in": oids}})]

    @staticmethod
    def _update(new: Teacher, now: dt.datetime, seq: int) -> dict[str, Any]:
        return {
            "$set": {
                "basic": new.basic,
                "entries": [{"id": e.id, "set": e.set, "data": e.data} for e in new.entries],
                "missing": list(new.missing),
                "warnings": [list(w) for w in new.warnings],
                "updated_at": now,
                "seq": seq,
            },
            "$inc": {"version": 1},
        }

    @staticmethod
    def _unchanged_since(old: Teacher) -> dict[str, Any]:
        """The record as read, still editable: every write is conditioned on it."""
        return {"_id": object_id(old.id), "version": old.version, "status": {"$in": list(EDITABLE)}}

    async def _record(
        self, changes: list[tuple[str, Change]], via: str = "", session: AsyncClientSession | None = None
    ) -> None:
        """History: (teacher id, change) each; `via`: the job the writer acted through."""
        if changes:
            await self.history.insert_many(
                [
                    {
                        "teacher_id": tid, "at": c.at, "actor": c.actor, "path": c.path, "old": c.old, "new": c.new,
                        **({"via": via} if via else {}),
                    }
                    for tid, c in changes
                ],
                session=session,
            )  # fmt: skip

    async def write(
        self, old: Teacher, new: Teacher, now: dt.datetime, changes: list[Change], via: str = ""
    ) -> Teacher | None:
        """Replaces the record if it is still at `old.version`, with its history rows in one
        transaction (the history never lags the record): the record as stored (built here, not read
        back), or None when another write came first."""
        seq = await numbers(self.sequences, 1)
        try:
            async with self._marking([old], now):
                written = await self._atomically(
                    self._unchanged_since(old), self._update(new, now, seq), [(old.id, c) for c in changes], via
                )
                if not written:
                    return None
        except DuplicateKeyError:
            raise await self._duplicate(new.basic) from None
        return dataclasses.replace(new, version=old.version + 1, updated_at=as_stored(now), seq=seq)

    async def attach_photo(
        self, teacher: Teacher, photo: dict[str, Any], now: dt.datetime, actor: str, via: str = ""
    ) -> bool:
        """Sets the photo if the record is still editable and at `teacher.version` (so the photo it
        replaces is the one read), with its history row in one transaction, the school marked around
        it (as `write`); False (nothing written) when the record changed meanwhile."""
        old = teacher.photo["id"] if teacher.photo else None
        seq = await numbers(self.sequences, 1)
        async with self._marking([teacher], now):
            return await self._atomically(
                {"_id": object_id(teacher.id), "version": teacher.version, "status": {"$in": list(EDITABLE)}},
                {"$set": {"photo": photo, "updated_at": now, "seq": seq}, "$inc": {"version": 1}},
                [(teacher.id, Change(now, actor, "photo", old, photo["id"]))],
                via,
            )

    async def _atomically(
        self, condition: dict[str, Any], update: dict[str, Any], changes: list[tuple[str, Change]], via: str = ""
    ) -> bool:
        """The record matching `condition` updated, with its history rows (`changes`, `via`), as one
        transaction (run again by the driver after a transient error): committed together, with one
        journal sync; False, nothing written, when no record matches (another write came first). The
        school's marks for the summaries stay around it (`_marking`): in it, concurrent writes of one
        school's records conflict on the school's document (20 writers at once took 7x as long,
        bench/README.md)."""

        async def apply(session: AsyncClientSession) -> bool:
            if (await self.teachers.update_one(condition, update, session=session)).modified_count != 1:
                await session.abort_transaction()
                return False
            await self._record(changes, via, session)
            return True

        async with self.client.start_session() as session:
            return await session.with_transaction(apply)

    # batches (imports, exports): one request for many records, each record still one atomic write

    async def by_identity(self, id_numbers: list[str], session: AsyncClientSession | None = None) -> list[Teacher]:
        """Every record holding one of these 身份证件号 (of any document type, in any school); `session`:
        read in its transaction. Asked `BY_IDENTITY_AT_ONCE` numbers a query: the embedded database
        tests each record it finds against the whole `$in` list, so a chunk's 1,000 numbers in one
        query cost it ~500 µs a record found, 50 at a time ~50 µs (bench/README.md). While a query
        finds nobody (new people: a first import), the next asks four times as many: a query's own
        cost then outweighs its numbers' (1,000 new numbers: 16 ms in 20 queries, 7 ms in 3)."""
        found: list[Teacher] = []
        at, size = 0, BY_IDENTITY_AT_ONCE
        while at < len(id_numbers):
            part, at = id_numbers[at : at + size], at + size
            query = {"basic.idNumber": {"$in": part}}
            some = [_teacher(doc) async for doc in self.teachers.find(query, session=session)]
            found += some
            size = BY_IDENTITY_AT_ONCE if some else size * 4
        return found

    @contextlib.asynccontextmanager
    async def _marking(self, teachers: Iterable[Teacher], now: dt.datetime | None = None) -> AsyncIterator[None]:
        """Around a write of these records (stamping `updated_at` with `now`, if it does): their
        schools marked for the summaries (once each)."""
        async with contextlib.AsyncExitStack() as stack:
            for school, path in {t.school_code: t.org_path for t in teachers}.items():
                await stack.enter_async_context(self.summaries.marking(school, path, now))
            yield

    @contextlib.asynccontextmanager
    async def importing(
        self, school_code: str, org_path: Iterable[str], now: dt.datetime, rows: int
    ) -> AsyncIterator[Chunks]:
        """An import into one school, its chunks written by `Chunks.write` and stamped `now`. For the
        summaries it is one long write of the school: marked before its first chunk that writes a
        record and after its last chunk, the mark renewed beside each later chunk's transaction (so
        that it is never taken for abandoned, as if each chunk were marked: bench/README.md); an
        import that changes nothing marks nothing. Its records are numbered from one block of
        `rows` numbers (a number left unused is a gap, which costs nothing). After its first chunk
        that writes, a chunk's only write on its path is its transaction."""
        async with contextlib.AsyncExitStack() as marks:
            yield Chunks(self, school_code, tuple(org_path), now, rows, marks)

    async def _chunk(
        self,
        session: AsyncClientSession,
        inserts: list[tuple[Teacher, int]],
        writes: list[tuple[Teacher, Teacher, list[Change]]],
        now: dt.datetime,
        via: str,
        refused: set[int],
        hold: Callable[[AsyncClientSession], Awaitable[None]],
        then: Callable[[set[int], set[str], AsyncClientSession], Awaitable[None]],
        first: int,
    ) -> set[str]:
        """One try of `Chunks.write`'s transaction (run again whole on a transient conflict); the
        inserts with their numbers, the writes numbered from `first`."""
        await hold(session)
        if inserts:
            docs = [self._new_doc(t, now, seq) for t, seq in inserts]
            await self.teachers.insert_many(docs, ordered=False, session=session)
        stale: set[str] = set()
        if writes:
            ops = [
                UpdateOne(self._unchanged_since(old), self._update(new, now, first + i))
                for i, (old, new, _) in enumerate(writes)
            ]
            result = await self.teachers.bulk_write(ops, ordered=False, session=session)
            if result.modified_count != len(writes):
                ids = [object_id(o.id) for o, _, _ in writes]
                now_at = {
                    str(d["_id"]): d["version"]
                    async for d in self.teachers.find({"_id": {"$in": ids}}, {"version": 1}, session=session)
                }
                stale = {old.id for old, _, _ in writes if now_at.get(old.id) != old.version + 1}
        await self._record([(old.id, c) for old, _, cs in writes if old.id not in stale for c in cs], via, session)
        await then(set(refused), stale, session)
        return stale

    async def each(self, org_code: str, status: str) -> AsyncIterator[Teacher]:
        """Every record of an org's subtree, in one cursor (one pass over the matches)."""
        query = await self._subtree(org_code)
        if status == "APPROVED":  # the official version: records under a change count as approved
            query["$or"] = [{"status": "APPROVED"}, UNDER_CHANGE_FILTER]
        elif status:
            query["status"] = status
        else:
            query["status"] = {"$ne": "LEFT"}  # 已减员: only when asked for
        async for doc in self.teachers.find(query).sort(ORDER).batch_size(500):
            yield _teacher(doc)

    async def delete(self, teacher: Teacher) -> bool:
        async with self._marking([teacher]):
            result = await self.teachers.delete_one(
                {"_id": object_id(teacher.id), "status": {"$in": list(EDITABLE)}, "once_approved": {"$ne": True}}
            )
        return result.deleted_count == 1

    async def list(
        self,
        org_code: str,
        status: str,
        search: str,
        after: tuple[dt.datetime, str] | tuple[dt.datetime, str, int | None] | None,
        limit: int,
    ) -> tuple[list[Teacher], int]:
        """A page, newest change first: by (`updated_at`, `seq`); `after`: the (updated_at, id, seq)
        of the last one seen (the seq, when the cursor lacks it, is the record's while it is still
        at that time: an edge's cursor, or one from before `seq`), and the total. A subtree's page
        is read in windows (`_pages`), its total added up from the summaries; a search reads its
        (few) matches through the index of the field searched."""
        query = await self._subtree(org_code)
        if search:  # a literal prefix, as a range on the field's index
            field = "basic.idNumber" if re.fullmatch(r"[0-9Xx]+", search) else "basic.name"
            prefix = search.upper() if field == "basic.idNumber" else search
            last = ord(prefix[-1])
            end = {"$lt": prefix[:-1] + chr(last + 1)} if last < 0x10FFFF else {"$regex": "^" + re.escape(prefix)}
            found = {field: {"$gte": prefix, **end}}
            # the embedded database serves the first clause with an index: a school's few thousand
            # records, or above a school the prefix's matches (the province's, at most)
            query = {**query, **found} if "school_code" in query else {**found, **query}
        query["status"] = status or {"$ne": "LEFT"}  # 已减员: only when asked for (a window checks it itself)
        span = None
        if search:  # a narrow filter: its matches counted
            total = await self.teachers.count_documents(query)
        else:  # a whole subtree: its schools' summaries added up, and only the schools written since counted
            total, stale, span = await self.summaries.count(org_code, status)
            if stale:
                total += await self.teachers.count_documents(
                    {"school_code": {"$in": stale}, "status": status or {"$ne": "LEFT"}}
                )
        # windows only for a bare subtree ((org_l<depth>, updated_at, seq) serves no other filter)
        # of more than a few pages (a smaller one is read at once)
        windows = span if not status and total > 4 * limit else None
        docs = await _pages.page(self.teachers, query, await self._position(after), limit, windows, total)
        return [_teacher(d) for d in docs], total

    async def _position(
        self, after: tuple[dt.datetime, str] | tuple[dt.datetime, str, int | None] | None
    ) -> Position | None:
        """A cursor's position (time, seq): its seq, or the record's while it still has that time."""
        if after is None:
            return None
        at, last, seq = (*after, None)[:3]
        if seq is None and (oid := object_id(last)) is not None:
            doc = await self.teachers.find_one({"_id": oid}, {"updated_at": 1, "seq": 1})
            if doc is not None and doc.get("updated_at") and utc(doc["updated_at"]) == utc(at):
                seq = doc.get("seq")
        return at, seq

    async def _subtree(self, org_code: str) -> dict[str, Any]:
        """The filter selecting an org's subtree: the school's code, or the org at its depth."""
        path = await self.summaries.path_through(org_code)
        if path is None:  # no school below it has records (a school's summary is marked before its first write)
            return {"school_code": {"$in": []}}
        depth = path.index(org_code)
        return {"school_code": org_code} if depth == len(path) - 1 else {f"org_l{depth}": org_code}

    async def roster(self, school_code: str) -> builtins.list[Teacher]:
        cursor = self.teachers.find(
            {"school_code": school_code},
            {"school_code": 1, "org_path": 1, "version": 1, "basic.name": 1, "basic.idType": 1, "basic.idNumber": 1},
        )
        return [_teacher(doc) async for doc in cursor]

    async def changes(self, teacher_id: str, after: str, limit: int) -> builtins.list[tuple[str, Change]]:
        query: dict[str, Any] = {"teacher_id": teacher_id}
        if after and object_id(after):
            query["_id"] = {"$lt": object_id(after)}
        cursor = self.history.find(query).sort("_id", DESCENDING).limit(limit)
        return [
            (str(d["_id"]), Change(d["at"], d["actor"], d["path"], d.get("old"), d.get("new"), d.get("via") or ""))
            async for d in cursor
        ]

    # review: the review service pushes states; `review_seq` orders the pushes

    async def set_review_status(
        self,
        teacher_id: str,
        status: str,
        seq: int,
        snapshot: bool,
        restore: Callable[[Teacher, Teacher], builtins.list[Change]] | None = None,
    ) -> tuple[str, builtins.list[str]]:
        """("applied" | "missing" | "incomplete", missing paths). Applied at most once per `seq`;
        an older push than the stored one counts as applied (a newer state has overtaken it).
        `restore` (a change given up): the record goes back to its approved snapshot, and the
        history gets what `restore(now, approved)` says changed."""
        oid = object_id(teacher_id)
        for _ in range(5):
            doc = await self.teachers.find_one(
                {"_id": oid},
                {
                    "review_seq": 1,
                    "version": 1,
                    "missing": 1,
                    "basic": 1,
                    "entries": 1,
                    "school_code": 1,
                    "org_path": 1,
                    "approved": 1,
                    "once_approved": 1,
                    "warnings": 1,
                    "status": 1,
                },
            )
            if doc is None:
                return "missing", []
            if (doc.get("review_seq") or 0) >= seq:
                return "applied", []
            if status == "SUBMITTED" and doc.get("missing"):
                return "incomplete", list(doc["missing"])
            update: dict[str, Any] = {"status": status, "review_seq": seq}
            # the official version changes only with a final approval once there is one
            if status == "APPROVED":
                update["once_approved"] = True
            if snapshot and (status == "APPROVED" or not doc.get("once_approved")):
                update["approved"] = {
                    "basic": doc.get("basic") or {},
                    "entries": doc.get("entries") or [],
                    "missing": doc.get("missing") or [],
                    "warnings": doc.get("warnings") or [],
                }
            changes: builtins.list[Change] = []
            if restore is not None and doc.get("approved"):
                now = dt.datetime.now(dt.UTC)
                update.update({**doc["approved"], "updated_at": now, "seq": await numbers(self.sequences, 1)})
                current = _teacher({**doc, "approved": None, "school_type": "", "updated_at": now})
                changes = restore(current, _teacher({**doc, **doc["approved"], "approved": None}))
            # the version condition: the record checked above is the one frozen (no write slipped in)
            async with self.summaries.marking(doc["school_code"], doc["org_path"], update.get("updated_at")):
                pushed = await self._atomically(
                    {"_id": doc["_id"], "version": doc["version"], "review_seq": doc.get("review_seq")},
                    {"$set": update, "$inc": {"version": 1 if changes or restore else 0}},
                    [(teacher_id, c) for c in changes],
                )
            if pushed:
                return "applied", []
        raise RuntimeError(f"review status of {teacher_id} kept changing under the push")

    async def move(
        self, teacher: Teacher, school_code: str, school_type: str, org_path: builtins.list[str], actor: str
    ) -> bool:
        """调动 / 重新入职: the record (its history and photo go with it: both are keyed by the record)
        to another school; False when it is there already. Both schools are marked for the summaries."""
        now = dt.datetime.now(dt.UTC)
        fields = {"school_code": school_code, "school_type": school_type, "org_path": org_path, **org_levels(org_path)}
        stale = {f"org_l{d}": "" for d in range(len(org_path) - 1, len(teacher.org_path) - 1)}
        seq = await numbers(self.sequences, 1)
        update: dict[str, Any] = {"$set": {**fields, "updated_at": now, "seq": seq}, "$inc": {"version": 1}}
        if stale:
            update["$unset"] = stale
        async with self._marking([teacher]), self.summaries.marking(school_code, org_path, now):
            return await self._atomically(
                {"_id": object_id(teacher.id), "school_code": {"$ne": school_code}},
                update,
                [(teacher.id, Change(now, actor, "school", teacher.school_code, school_code))],
            )

    async def set_personal_code(self, teacher: Teacher, code: str, formal: bool, key: str = "") -> bool:
        """Sets the code unless another record holds it (False); `key` says what it was issued for
        (document and birth date). A code it replaces stays in the history."""
        try:
            result = await self.teachers.update_one(
                {"_id": object_id(teacher.id), "status": "APPROVED", "personal_code": teacher.personal_code or None},
                {"$set": {"personal_code": code, "personal_code_formal": formal, "personal_code_key": key}},
            )
        except DuplicateKeyError:
            return False
        if result.modified_count == 1 and teacher.personal_code and teacher.personal_code != code:
            now = dt.datetime.now(dt.UTC)
            await self._record([(teacher.id, Change(now, "系统", "personalCode", teacher.personal_code, code))])
        return result.matched_count == 1

    async def look_alikes(self, teacher: Teacher, province: str) -> builtins.list[Teacher]:
        """Other records of the province with the same document number (any document type), or
        the same name, birth date and gender (省内查重); each query on its own index."""
        found: dict[str, Teacher] = {}
        basic = teacher.basic
        queries = [
            {"basic.idNumber": basic.get("idNumber"), "org_l1": province},
            {
                "org_l1": province,
                "basic.name": basic.get("name"),
                "basic.birthDate": basic.get("birthDate"),
                "basic.gender": basic.get("gender"),
            },
        ]
        for query in queries:
            async for doc in self.teachers.find({**query, "_id": {"$ne": object_id(teacher.id)}}).limit(5):
                found[str(doc["_id"])] = _teacher(doc)
        return list(found.values())


class Chunks:
    """An import's writes into one school (`Storage.importing`), a chunk at a time."""

    def __init__(
        self,
        storage: Storage,
        school_code: str,
        org_path: tuple[str, ...],
        now: dt.datetime,
        rows: int,
        marks: contextlib.AsyncExitStack,
    ) -> None:
        self.storage = storage
        self.school_code = school_code
        self.org_path = org_path
        self.now = now
        self.rows = rows
        self.marks = marks  # the school's mark, once taken: lowered when the import ends
        self._marked = False
        self._next = self._left = 0  # the block of numbers: the next one, how many are left

    async def _numbers(self, n: int) -> int:
        """The first of `n` numbers of the import's block (a new block when it runs out)."""
        if self._left < n:
            self._left = max(n, self.rows)
            self._next = await numbers(self.storage.sequences, self._left)
        first, self._next, self._left = self._next, self._next + n, self._left - n
        return first

    async def write(
        self,
        inserts: list[Teacher],
        writes: list[tuple[Teacher, Teacher, list[Change]]],
        via: str,
        session: AsyncClientSession,
        hold: Callable[[AsyncClientSession], Awaitable[None]],
        then: Callable[[set[int], set[str], AsyncClientSession], Awaitable[None]],
    ) -> tuple[set[int], set[str]]:
        """A chunk as one transaction of `session`: `hold(session)` first (the job's document,
        written by the transaction's first statement, so that a heartbeat waits for the commit
        instead of undoing the transaction), the new records, each (old, new, changes) as one update
        conditioned like `Storage.write`, their history, and `then(refused, stale, session)` (the
        job's checkpoint) last. Returns the positions of `inserts` refused as duplicates (a race
        with another writer: the transaction is run again without them) and the ids of `writes` not
        written because the record changed or left DRAFT/REJECTED/CHANGING meanwhile. Every record
        is of the import's school (the only school it marks)."""
        records = [*inserts, *(t for old, new, _ in writes for t in (old, new))]
        if any(t.school_code != self.school_code for t in records):
            raise ValueError(f"an import into {self.school_code} writes a record of another school")
        first = await self._numbers(len(inserts) + len(writes))
        renewal = None
        if records and not self._marked:
            await self.marks.enter_async_context(
                self.storage.summaries.marking(self.school_code, self.org_path, self.now)
            )
            self._marked = True
        elif records:
            renewal = asyncio.ensure_future(self._renew())
        try:
            refused: set[int] = set()
            while True:
                todo = [i for i in range(len(inserts)) if i not in refused]
                chunk = functools.partial(
                    self.storage._chunk, inserts=[(inserts[i], first + i) for i in todo], writes=writes,
                    now=self.now, via=via, refused=set(refused), hold=hold, then=then, first=first + len(inserts),
                )  # fmt: skip
                try:
                    return refused, await session.with_transaction(chunk)
                except BulkWriteError as err:
                    found = {todo[e["index"]] for e in err.details.get("writeErrors", ()) if e.get("code") == 11000}
                    if not found:
                        raise
                    refused |= found
        finally:
            if renewal is not None:
                await renewal  # (never cut: a database operation runs to its end)

    async def _renew(self) -> None:
        await self.storage.summaries.touch(self.school_code, self.org_path, self.now)

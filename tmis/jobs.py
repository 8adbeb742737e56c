"""Long jobs (imports, photo archives): one runtime for every service that runs them.

A job is one document in its service's own collection. Besides what the service keeps there, it
holds its lease:
- `runner`, the run holding the job (a random id per run), and `attempts`, the runs so far;
- `heartbeat`, moved every `beat_seconds` by a ticker while that run is alive, however long one
  item (a chunk of rows, a photo) takes: so `stale_seconds` can be short;
- `status`, QUEUED or RUNNING until it ends SUCCEEDED or FAILED.

Every instance sweeps every `sweep_seconds` for unfinished jobs whose heartbeat is older than
`stale_seconds` (their process died) and takes one over by compare-and-set on the runner and
heartbeat it read: of several instances exactly one wins. A job taken over after `max_attempts`
runs is not run again (a workbook or an archive that kills its process would be re-run after
every restart): it is FAILED, the service naming the cause (`Work.fail`).

Every write of a run is conditioned on its runner (`Lease.mine`), so a run that lost its job
(thought dead and taken over) writes nothing more. A run's transactions go through one session
(`session`) whose id is stored with the job: a takeover ends that session first (killSessions),
so a transaction a killed process left open holds none of the documents the new run writes (the
database would keep it for a minute, SecantusDB until it is touched). A run that meets an unreachable database or
peer service starts again from what its job stored, with its lease, after a pause. The end is
one conditioned update, retried with backoff for as long as the process lives; if it dies
first, the heartbeat stops and a sweep ends the job. A graceful stop hands its jobs back
(heartbeat cleared, the run not counted) to the next sweep of any instance.

A job acts for whoever started it (`acting_for`, `acting`): with their own identity and reach,
checked by the service at every write, never with a service identity.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import enum
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

__all__ = ["Cause", "End", "JobConfig", "JobRuntime", "Lease", "LeaseLost", "Work", "acting", "acting_for"]

logger = logging.getLogger("tmis.jobs")
OPEN = ("QUEUED", "RUNNING")
_UNFINISHED = {"$in": list(OPEN)}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MAX_PAUSE_SECONDS = 10.0
T = TypeVar("T")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass(frozen=True)
class JobConfig:
    # an unfinished job whose heartbeat is this old is taken over: longer than one transaction of a
    # run (a heartbeat waits for it) and a beat (a quarter of it)
    stale_seconds: float = 30.0
    max_attempts: int = 3  # runs of one job (the first and the takeovers) before it is given up

    @property
    def beat_seconds(self) -> float:
        return self.stale_seconds / 4

    @property
    def sweep_seconds(self) -> float:
        return self.stale_seconds / 2


class Cause(enum.Enum):
    """Why a job is given up."""

    STOPPED = "STOPPED"  # its runs stopped (their process died) `max_attempts` times
    ERROR = "ERROR"  # an unexpected error in a run (logged with its traceback)


@dataclasses.dataclass
class Lease:
    """A run's hold on a job: `doc` is the job as this run (re)started it."""

    doc: dict[str, Any]
    lost: bool = False  # found taken over by another run

    @property
    def id(self) -> str:
        return str(self.doc["_id"])

    @property
    def runner(self) -> str:
        return str(self.doc["runner"])

    @property
    def attempts(self) -> int:
        return int(self.doc.get("attempts") or 1)

    @property
    def mine(self) -> dict[str, Any]:
        """The filter of every write of this run: the job, while this run holds it."""
        return {"_id": self.doc["_id"], "runner": self.runner}


class LeaseLost(Exception):
    """The job was taken over: this run stops and writes nothing more."""


# a job's end: its final status (SUCCEEDED, FAILED) and what else the end writes (an update document)
End = tuple[str, dict[str, Any]]


class Work(Protocol):
    """What one kind of job does."""

    async def run(self, lease: Lease) -> End:
        """Runs the job, or resumes it from what it stored; raises LeaseLost when a conditioned write
        finds it taken over."""
        ...

    async def fail(self, lease: Lease, cause: Cause) -> End:
        """The end of a job given up, saying why to whoever started it."""
        ...


def transient(err: BaseException) -> bool:
    """The database or a peer service is unreachable for now (the run is resumed, not failed)."""
    if isinstance(err, DomainError):
        return err.code == ErrorCode.SERVICE_UNAVAILABLE
    if isinstance(err, ConnectionFailure):
        return True
    return isinstance(err, PyMongoError) and any(
        err.has_error_label(label) for label in ("TransientTransactionError", "RetryableWriteError")
    )


def acting_for(caller: Caller) -> dict[str, Any]:
    """Whom a job acts for, stored with it: the account, its name, org, roles, and when its login
    token was issued (so the account's revocations reach the job)."""
    return {
        "account_id": caller.account_id,
        "username": caller.username,
        "org_code": caller.org_code,
        "org_path": list(caller.org_path),
        "roles": list(caller.roles),
        "issued_at": caller.issued_at,
    }


def acting(stored: Mapping[str, Any], job_id: str) -> Caller:
    """The identity a job acts with: its starter's own (never a service's), marked as coming
    through the job. (A job stored before roles were kept acts as a 信息录入员, as it was started.)"""
    return Caller(
        str(stored["account_id"]),
        str(stored["username"]),
        str(stored.get("org_code") or ""),
        tuple(stored.get("org_path") or ()),
        tuple(stored.get("roles") or ("DATA_ENTRY",)),
        issued_at=int(stored.get("issued_at") or 0),
        via=job_id,
    )


class JobRuntime:
    """The jobs of one collection: created, run, beaten, swept, taken over, given up and ended."""

    def __init__(self, jobs: AsyncCollection[dict[str, Any]], work: Work, config: JobConfig, name: str) -> None:
        self.jobs = jobs
        self.work = work
        self.config = config
        self.name = name
        self._held: dict[asyncio.Task[None], Lease] = {}

    async def open(self) -> JobRuntime:
        await self.jobs.create_index([("status", 1), ("heartbeat", 1)])
        return self

    async def create(self, doc: dict[str, Any]) -> Lease:
        """Stores a new job (`doc` with its `_id` and `status`) held by a run of this instance, and starts that run."""
        lease = Lease({**doc, "runner": secrets.token_hex(8), "attempts": 1, "heartbeat": _now()})
        await self.jobs.insert_one(lease.doc)
        self._start(lease, self._attempt)
        return lease

    def _start(self, lease: Lease, body: Callable[[Lease], Awaitable[End | None]]) -> None:
        task = asyncio.create_task(self._hold(lease, body), name=f"{self.name} job {lease.id}")
        self._held[task] = lease
        task.add_done_callback(lambda done: self._held.pop(done, None))

    async def _hold(self, lease: Lease, body: Callable[[Lease], Awaitable[End | None]]) -> None:
        """The run (`body`) and its end, with the heartbeat moving all along."""
        ended = asyncio.Event()
        beat = asyncio.create_task(self._beat(lease, ended))
        try:
            end = await body(lease)
            if end is not None and not await self._retrying(lambda: self._end(lease, end), f"ending job {lease.id}"):
                logger.info("%s job %s was taken over before its end was written", self.name, lease.id)
        except Exception:  # a bug of the work's `fail`: the job is left to a sweep, which gives it up again
            logger.exception("%s job %s: its end could not be made", self.name, lease.id)
        finally:
            ended.set()  # (not a cancel: a heartbeat's write is never cut, see tmis/rpc/interceptors.py)
            await beat

    async def _beat(self, lease: Lease, ended: asyncio.Event) -> None:
        while not ended.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ended.wait(), self.config.beat_seconds)
            if ended.is_set():
                return
            try:
                beat = {"$set": {"heartbeat": _now()}}
                done = await self.jobs.update_one({**lease.mine, "status": _UNFINISHED}, beat)
            except PyMongoError:
                continue  # the database is away: the run finds out, and a sweep may take the job once it is back
            if done.matched_count == 0:
                lease.lost = True
                return

    async def _attempt(self, lease: Lease) -> End | None:
        """The job's run; after a transient failure, again from what the job stored (None: taken over)."""
        pause = 0.5
        while not lease.lost:
            try:
                return await self.work.run(lease)
            except LeaseLost:
                return None
            except Exception as err:  # noqa: BLE001 - every failure ends the job or pauses it, none is lost
                if not transient(err):
                    logger.exception("%s job %s failed", self.name, lease.id)
                    return await self._give_up(lease, Cause.ERROR)
                logger.warning("%s job %s paused (%s): resumed in %.1f s", self.name, lease.id, err, pause)
            await asyncio.sleep(pause)
            pause = min(2 * pause, MAX_PAUSE_SECONDS)
            found = await self._retrying(lambda: self.jobs.find_one(lease.mine), f"reloading job {lease.id}")
            if found is None or found.get("status") not in OPEN:
                return None
            lease.doc = found
        return None

    async def _give_up(self, lease: Lease, cause: Cause) -> End:
        return await self._retrying(lambda: self.work.fail(lease, cause), f"giving up job {lease.id}")

    async def _end(self, lease: Lease, end: End) -> bool:
        status, update = end
        at = _now()
        written = {**update, "$set": {**update.get("$set", {}), "status": status, "finished_at": at, "heartbeat": at}}
        done = await self.jobs.update_one({**lease.mine, "status": _UNFINISHED}, written)
        return done.matched_count == 1

    async def _retrying(self, call: Callable[[], Awaitable[T]], what: str) -> T:
        """`call` until it gets through: transient failures retried with backoff while the process lives."""
        pause, warned = 0.1, False
        while True:
            try:
                return await call()
            except Exception as err:
                if not transient(err):
                    raise
                if not warned:
                    logger.warning("%s: %s failed (%s), retrying", self.name, what, err)
                    warned = True
            await asyncio.sleep(pause)
            pause = min(2 * pause, MAX_PAUSE_SECONDS)

    @contextlib.asynccontextmanager
    async def session(self, lease: Lease) -> AsyncIterator[AsyncClientSession]:
        """A session for the run's transactions, its id stored with the job first (see the module's
        docstring)."""
        async with self.jobs.database.client.start_session() as session:
            done = await self.jobs.update_one(lease.mine, {"$set": {"txn_session": session.session_id}})
            if done.matched_count != 1:
                raise LeaseLost(lease.id)
            yield session

    async def sweep(self) -> int:
        """Takes over the unfinished jobs whose heartbeat stopped; how many this instance took."""
        before = _now() - dt.timedelta(seconds=self.config.stale_seconds)
        query = {"status": _UNFINISHED, "heartbeat": {"$lt": before}}
        seen = [d async for d in self.jobs.find(query, {"runner": 1, "heartbeat": 1, "txn_session": 1})]
        mine = {lease.runner for lease in self._held.values()}
        taken = 0
        for doc in seen:
            if doc.get("runner") in mine:
                continue  # alive here: its heartbeat waits for a transaction of the run (see `stale_seconds`)
            if doc.get("txn_session"):  # a transaction its run left open (its process died) is ended first
                with contextlib.suppress(OperationFailure):  # (not allowed: the database ends it in a minute)
                    await self.jobs.database.client.admin.command("killSessions", [doc["txn_session"]])
            found = await self.jobs.find_one_and_update(
                {"_id": doc["_id"], "runner": doc.get("runner"), "heartbeat": doc["heartbeat"], "status": _UNFINISHED},
                {"$set": {"runner": secrets.token_hex(8), "heartbeat": _now()}, "$inc": {"attempts": 1}},
                return_document=ReturnDocument.AFTER,
            )
            if found is None:
                continue  # another instance was first
            taken += 1
            lease = Lease(found)
            if lease.attempts > self.config.max_attempts:
                logger.warning("%s job %s stopped %d times: given up", self.name, lease.id, lease.attempts - 1)
                self._start(lease, lambda held: self._give_up(held, Cause.STOPPED))
            else:
                logger.warning("%s job %s taken over (run %d)", self.name, lease.id, lease.attempts)
                self._start(lease, self._attempt)
        return taken

    async def close(self) -> None:
        """Stops this instance's runs and hands their jobs back, for the next sweep of any instance
        (the runs so stopped not counted)."""
        held = dict(self._held)
        for task in held:
            task.cancel()
        await asyncio.gather(*held, return_exceptions=True)

        async def hand_back(lease: Lease) -> None:
            back = {"$set": {"heartbeat": EPOCH}, "$inc": {"attempts": -1}}
            await self.jobs.update_one({**lease.mine, "status": _UNFINISHED}, back)

        with contextlib.suppress(PyMongoError, TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(hand_back(lease) for lease in held.values())), 2)

"""The job runtime (tmis/jobs.py) on the real database: of instances sweeping at once exactly one
takes a job over; a run that lost its job writes nothing more; a job past its attempts is given up
with its cause; and a database that goes away pauses a run and delays its end, which is still
written once the database is back (its own SecantusDB process, stopped and restarted on the same
port and storage)."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient, MongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from tests.support.polling import eventually
from tmis.jobs import Cause, End, JobConfig, JobRuntime, Lease, LeaseLost
from tmis.run.procs import free_port

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


class Steps:
    """A kind of job for the tests: `steps` writes, each conditioned on the run's lease."""

    def __init__(self, jobs: AsyncCollection, steps: int = 1, pause: float = 0.0) -> None:
        self.jobs = jobs
        self.steps = steps
        self.pause = pause
        self.runs: list[str] = []  # the runner of each run started
        self.refused = 0  # writes of a run that had lost its job
        self.given_up: list[Cause] = []
        self.gates: list[asyncio.Event] = []  # the nth run started waits for the nth gate before its first step

    async def run(self, lease: Lease) -> End:
        self.runs.append(lease.runner)
        if len(self.runs) <= len(self.gates):
            await self.gates[len(self.runs) - 1].wait()
        while self.steps and (await self.jobs.find_one({"_id": lease.doc["_id"]}) or {}).get("done", 0) < self.steps:
            await asyncio.sleep(self.pause)
            if (await self.jobs.update_one(lease.mine, {"$inc": {"done": 1}})).matched_count == 0:
                self.refused += 1
                raise LeaseLost(lease.id)
        return "SUCCEEDED", {"$set": {"result": lease.runner}}

    async def fail(self, lease: Lease, cause: Cause) -> End:
        self.given_up.append(cause)
        return "FAILED", {"$set": {"why": f"stopped {lease.attempts - 1} times"}}


@pytest.fixture
async def jobs(mongo_uri: str) -> AsyncIterator[AsyncCollection]:
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri, tz_aware=True)
    yield client[f"t{uuid.uuid4().hex[:12]}_jobs"]["jobs"]
    await client.close()


async def ended(jobs: AsyncCollection, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        try:
            doc = await jobs.find_one({"_id": job_id})
        except PyMongoError:  # the database away, in the tests that stop it
            return None
        return doc if doc and doc["status"] in ("SUCCEEDED", "FAILED") else None

    return await eventually(done, f"job {job_id} to end", timeout=timeout)


async def test_of_instances_sweeping_at_once_exactly_one_takes_each_job_over(jobs: AsyncCollection) -> None:
    ids = [f"j{i}" for i in range(20)]
    stale = {"status": "RUNNING", "runner": "dead", "attempts": 1, "heartbeat": LONG_AGO}
    await jobs.insert_many([{"_id": i, **stale} for i in ids])
    work = Steps(jobs)
    runtimes = [JobRuntime(jobs, work, JobConfig(stale_seconds=5), f"instance {n}") for n in range(3)]
    try:
        taken = await asyncio.gather(*(r.sweep() for r in runtimes))
        docs = [await ended(jobs, i) for i in ids]
    finally:
        for runtime in runtimes:
            await runtime.close()
    assert sum(taken) == len(ids) and len(work.runs) == len(ids)
    assert sorted(d["result"] for d in docs) == sorted(work.runs)  # each job ended by the one run it had
    assert all((d["status"], d["attempts"], d["done"]) == ("SUCCEEDED", 2, 1) for d in docs)


async def test_a_run_that_lost_its_job_writes_nothing_more(jobs: AsyncCollection) -> None:
    work = Steps(jobs, steps=3)
    work.gates = [asyncio.Event(), asyncio.Event()]
    first = JobRuntime(jobs, work, JobConfig(stale_seconds=60), "first")
    second = JobRuntime(jobs, work, JobConfig(stale_seconds=60), "second")
    try:
        lease = await first.create({"_id": "j", "status": "RUNNING"})
        while not work.runs:
            await asyncio.sleep(0.01)
        # the first instance is thought dead (its heartbeat looks old): the second takes the job over
        await jobs.update_one({"_id": "j"}, {"$set": {"heartbeat": LONG_AGO}})
        assert await second.sweep() == 1
        work.gates[0].set()  # the first run steps first (its write refused), then the second runs
        await eventually(lambda: work.refused == 1, "the lost run's write to be refused")
        work.gates[1].set()
        doc = await ended(jobs, "j")
    finally:
        await first.close()
        await second.close()
    assert work.refused == 1 and work.runs[0] == lease.runner
    assert (doc["status"], doc["done"], doc["attempts"], doc["runner"]) == ("SUCCEEDED", 3, 2, work.runs[1])


async def test_a_job_past_its_attempts_is_given_up_with_its_cause(jobs: AsyncCollection) -> None:
    await jobs.insert_one({"_id": "j", "status": "RUNNING", "runner": "dead", "attempts": 3, "heartbeat": LONG_AGO})
    work = Steps(jobs)
    runtime = JobRuntime(jobs, work, JobConfig(stale_seconds=5, max_attempts=3), "instance")
    try:
        assert await runtime.sweep() == 1
        doc = await ended(jobs, "j")
    finally:
        await runtime.close()
    assert work.runs == [] and work.given_up == [Cause.STOPPED]
    assert (doc["status"], doc["why"], doc["attempts"]) == ("FAILED", "stopped 3 times", 4)


class OwnDatabase:
    """A SecantusDB process of the test's own, stopped and started again on the same port and storage."""

    def __init__(self, storage: Path) -> None:
        self.storage = storage
        self.port = free_port()
        self.uri = f"mongodb://127.0.0.1:{self.port}/?directConnection=true"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        executable = str(Path(sys.executable).parent / "secantusd-py")
        args = ["--host", "127.0.0.1", "--port", str(self.port), "--storage-path", str(self.storage)]
        self.proc = subprocess.Popen([executable, *args, "--log-level", "ERROR"], stderr=subprocess.DEVNULL)
        ping: MongoClient = MongoClient(self.uri, serverSelectionTimeoutMS=300)
        try:
            for _ in range(300):
                try:
                    ping.admin.command("ping")
                    return
                except PyMongoError:
                    assert self.proc.poll() is None, "the database did not start"
        finally:
            ping.close()
        raise AssertionError("the database did not answer")

    def stop(self) -> None:
        """Stopped (cleanly: what it acknowledged is kept, whatever its durability settings)."""
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[OwnDatabase]:
    db = OwnDatabase(tmp_path / "db")
    db.start()
    try:
        yield db
    finally:
        db.stop()


@pytest.mark.slow  # the database stopped mid-run and started again
@pytest.mark.parametrize("away", ["during its run", "at its end"])
async def test_a_database_away_pauses_the_run_and_its_end_is_written_once_it_is_back(
    own_database: OwnDatabase, away: str
) -> None:
    client: AsyncMongoClient = AsyncMongoClient(own_database.uri, tz_aware=True, serverSelectionTimeoutMS=300)
    jobs = client["t"]["jobs"]
    work = Steps(jobs, steps=2 if away == "during its run" else 0)
    work.gates = [asyncio.Event()]
    runtime = JobRuntime(jobs, work, JobConfig(stale_seconds=60), "instance")
    try:
        await runtime.create({"_id": "j", "status": "RUNNING"})
        while not work.runs:
            await asyncio.sleep(0.01)
        own_database.stop()
        work.gates[0].set()  # the run goes on against a dead database (or ends at once)
        await asyncio.sleep(2.0)
        own_database.start()
        doc = await ended(jobs, "j")
    finally:
        await runtime.close()
        await client.close()
    assert (doc["status"], doc["attempts"], doc.get("done", 0)) == ("SUCCEEDED", 1, work.steps)
    assert doc["result"] == work.runs[-1] and len(work.runs) == (2 if away == "during its run" else 1)
    assert work.given_up == []

"""What the records service acknowledged survives a SIGKILL of the database (journaled writes).

The suite runs on a SecantusDB of its own here, killed while saves are in flight and started again
on the same port and data; every save answered before the kill must be read back afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.polling import eventually
from tests.support.records import basic_of, demo_person
from tests.support.world import World
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import encode
from tmis.run.embedded_db import EmbeddedMongo

# a database of its own, killed and started again under saves: a suite of its own, and a long run
pytestmark = [pytest.mark.usefixtures("fresh_suite"), pytest.mark.slow]

WRITERS = 12
KILLS = 2


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedMongo]:
    db = EmbeddedMongo(tmp_path / "db")
    db.start()
    yield db
    db.stop()


@pytest.fixture
def mongo_uri(embedded: EmbeddedMongo) -> str:
    return embedded.uri


def _name(n: int) -> str:
    return "王" + chr(0x4E00 + n % 20000)


async def test_saves_answered_before_a_database_kill_are_all_there_after(world: World, embedded: EmbeddedMongo) -> None:
    made = [(await world.create(serial=i + 1)).teacher for i in range(WRITERS)]
    acked = {t.id: (t.version, str(basic_of(t)["name"])) for t in made}
    for _ in range(KILLS):
        await _saves_then_kill(world, embedded, acked)


async def _saves_then_kill(world: World, embedded: EmbeddedMongo, acked: dict[str, tuple[int, str]]) -> None:
    records = world.suite.clients.records
    saves = 0

    async def writer(serial: int, teacher_id: str) -> None:
        nonlocal saves
        basic = demo_person(serial, world.district, "PRIMARY_SECONDARY")
        version = acked[teacher_id][0]
        for n in range(100_000):
            name = _name(n)
            try:
                reply = await records.SaveBasicInfo(
                    pb.SaveBasicInfoRequest(
                        teacher_id=teacher_id, expected_version=version, basic_json=encode({**basic, "name": name})
                    ),
                    token=world.clerk,
                    timeout=5,
                )
            except Exception:  # noqa: BLE001 - the database is gone: this writer is done
                return
            assert not reply.errors, reply.errors
            version = reply.teacher.version
            acked[teacher_id] = (version, name)
            saves += 1

    tasks = [asyncio.create_task(writer(i + 1, t)) for i, t in enumerate(acked)]
    await eventually(lambda: saves >= 300, "300 answered saves")
    embedded.kill()  # with saves in flight: those answered so far must all be there
    await asyncio.gather(*tasks)
    answered = dict(acked)
    embedded.start()  # the same port and data: the services' clients reconnect by themselves

    async def read_back() -> dict[str, tuple[int, str]]:
        try:
            reply = await records.BatchGetTeachers(pb.BatchGetTeachersRequest(ids=list(answered)), token=world.clerk)
        except Exception:  # noqa: BLE001 - until the records service reconnects
            return {}
        return {t.id: (t.version, str(basic_of(t)["name"])) for t in reply.teachers}

    found = await eventually(read_back, "records to reconnect to the restarted database")
    lost = {i: (answered[i], found.get(i)) for i in answered if found.get(i, (0, ""))[0] < answered[i][0]}
    assert not lost, f"{len(lost)} of {WRITERS} records lost answered saves ({saves} saves): {lost}"
    for teacher_id, (version, name) in answered.items():  # at the answered version, or one later being answered
        assert found[teacher_id][0] > version or found[teacher_id][1] == name
    acked.update(found)

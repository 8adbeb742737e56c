"""Real parts: one SecantusDB process for the session, real gRPC servers on port 0 per test,
each test with databases of its own. Helpers live in tests/support."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.identity import Tree, make_tree
from tests.support.suite import Suite, running_suite, suite_settings
from tests.support.world import Chain, Orgs, World, make_chain, make_world
from tmis.run.embedded_db import EmbeddedMongo
from tmis.settings import Settings

TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers by place: tests/web are browser tests; tests/test_bench_*.py and the chaos run run benchmarks."""
    for item in items:
        where = item.path.relative_to(TESTS)
        if where.parts[0] == "web":
            item.add_marker(pytest.mark.web)
        elif where.name.startswith("test_bench_") or where.name == "test_chaos.py":
            item.add_marker(pytest.mark.bench)


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """TMIS_TEST_MONGODB_URI (a real mongod) when set, else the embedded database in a temp dir."""
    given = os.environ.get("TMIS_TEST_MONGODB_URI")
    if given:
        yield given
        return
    db = EmbeddedMongo(tmp_path_factory.mktemp("db"))
    yield db.start()
    db.stop()


@pytest.fixture
def settings(mongo_uri: str) -> Settings:
    return suite_settings(mongo_uri)


@pytest.fixture
async def suite(settings: Settings) -> AsyncIterator[Suite]:
    """The four services on free ports and the gateway app, talking over real channels."""
    async with running_suite(settings) as suite:
        yield suite


@pytest.fixture
async def world(suite: Suite) -> World:
    """A district with two schools, and callers of every kind for the records service."""
    return await make_world(suite, Orgs())


@pytest.fixture
def chain(world: World) -> Chain:
    """Reviewers at every level of the world's school's chain (tokens minted as identity would issue them)."""
    return make_chain(world)


@pytest.fixture
async def tree(suite: Suite) -> Tree:
    """An org tree (a province, city, district and school, and a second province) and the admin."""
    return await make_tree(suite)

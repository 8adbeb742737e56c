"""Real parts: one SecantusDB process and one suite (real gRPC servers on free ports, the gateway)
for the session, each test in an org subtree of its own (`world`, `chain`); a test that needs a
suite of its own asks for `fresh_suite`. Helpers live in tests/support."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.identity import Tree, made_tree
from tests.support.suite import Suite, running_suite, suite_settings
from tests.support.world import Chain, Orgs, World, make_chain, make_world
from tmis.run.embedded_db import EmbeddedMongo
from tmis.settings import Settings

TESTS = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    """Each test worker (pytest-xdist) hands out ports from a slice of its own (tmis/run/procs.py):
    two workers probing at once never pick the same free port."""
    worker, count = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if worker and count:
        os.environ["TMIS_FREE_PORTS"] = f"{worker.removeprefix('gw')}/{count}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers by place: tests/web are browser tests; tests/test_bench_*.py and the chaos run run benchmarks.
    A browser test file's tests run on one worker, in order (`xdist_group`): they share a page's state.
    The long ones (browser, benchmark, slow: a minute of fuzzing, a browser file's minute) go first, so
    the workers share out the short ones after them instead of waiting at the end for one long test."""
    for item in items:
        where = item.path.relative_to(TESTS)
        if where.parts[0] == "web":
            item.add_marker(pytest.mark.web)
            item.add_marker(pytest.mark.xdist_group(where.name))
        elif where.name.startswith("test_bench_") or where.name == "test_chaos.py":
            item.add_marker(pytest.mark.bench)
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in ("web", "bench", "slow")))


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """TMIS_TEST_MONGODB_URI (a real mongod) when set, else the embedded database in a temp dir."""
    given = os.environ.get("TMIS_TEST_MONGODB_URI")
    if given:
        yield given
        return
    db = EmbeddedMongo(tmp_path_factory.mktemp("db"))
    yield db.start()
    db.stop(grace=0)  # thrown away: its clean shutdown (~2 s) would only hold up the run's end


# the reconciler looks every second, so a test sees a half-done transition finished within about 3 s;
# it takes a state as half-done after 2 s (a live approval on a loaded machine can take longer than
# 0.5 s, and its final steps would then run twice: allowed, they are idempotent, but not what the hook
# tests count). Every 200 ms it cost the idle session suite 0.016 of a core (itself and its database).
REVIEW = {"TMIS_REVIEW_RECONCILE_MS": "1000", "TMIS_REVIEW_RETRY_MS": "2000"}


@pytest.fixture
def settings(mongo_uri: str) -> Settings:
    """The settings of a fresh suite (`fresh_suite`): a module that needs settings of its own
    overrides this fixture, and its tests ask for `fresh_suite`."""
    return suite_settings(mongo_uri, **REVIEW)


@pytest.fixture(scope="session")
async def session_suite(mongo_uri: str) -> AsyncIterator[Suite]:
    """The suite the API tests share, started once: each test works in an org subtree of its own (`world`)."""
    async with running_suite(suite_settings(mongo_uri, **REVIEW)) as suite:
        yield suite


@pytest.fixture
async def fresh_suite(settings: Settings) -> AsyncIterator[Suite]:
    """A suite of the test's own (databases, token secret, `settings`), for a test that restarts, kills,
    migrates, backs up or configures it, or counts what the whole suite holds. A test (or its module,
    through `pytestmark = pytest.mark.usefixtures("fresh_suite")`) asking for it says why in a line."""
    async with running_suite(settings) as suite:
        yield suite


@pytest.fixture
def suite(request: pytest.FixtureRequest) -> Suite:
    """The session's suite, or the test's own when the test asks for `fresh_suite`."""
    return request.getfixturevalue("fresh_suite" if "fresh_suite" in request.fixturenames else "session_suite")


@pytest.fixture
async def world(suite: Suite) -> World:
    """The test's own province, city, two districts and a school in each (codes no other test uses),
    and callers of every kind for the records service."""
    return await make_world(suite, Orgs.unique())


@pytest.fixture
def chain(world: World) -> Chain:
    """Reviewers at every level of the world's school's chain (tokens minted as identity would issue them)."""
    return make_chain(world)


@pytest.fixture
async def tree(suite: Suite) -> AsyncIterator[Tree]:
    """An org tree (a province, city, district and school, and a second province) and the nation's
    admin, its codes and usernames the test's own (`tree.name`), its calls from an address of its own."""
    async with made_tree(suite) as tree:
        yield tree

"""The media service's own database, to check what is stored (and what is not)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tests.support.world import World
from tmis import mongo


@pytest.fixture
async def media_db(world: World) -> AsyncIterator[AsyncDatabase]:
    """The media service's own database, to check what is stored (and what is not)."""
    client: AsyncMongoClient = mongo.connect(world.suite.settings, "test")
    yield client[world.suite.settings.databases["media"]]
    await client.close()

"""Media's storage: the only module that touches its MongoDB database (GridFS for photos)."""
from __future__ import annotations

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tmis import mongo
from tmis.settings import Settings


class Storage:
    def __init__(self, client: AsyncMongoClient, db_name: str) -> None:
        self.client = client
        self.db: AsyncDatabase = client[db_name]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        storage = cls(mongo.connect(settings, "media"), settings.databases["media"])
        await storage.db.command("ping")
        return storage

    async def close(self) -> None:
        await self.client.close()

"""Review's storage: the only module that touches its MongoDB database."""
from __future__ import annotations

from pymongo import ASCENDING, AsyncMongoClient

from services.review.model import ReviewState
from tmis import mongo
from tmis.settings import Settings


class Storage:
    def __init__(self, client: AsyncMongoClient, db_name: str) -> None:
        self.client = client
        self.states = client[db_name]["states"]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        storage = cls(mongo.connect(settings, "review"), settings.databases["review"])
        await storage.states.create_index([("pending_org_code", ASCENDING), ("updated_at", -1)])
        return storage

    async def close(self) -> None:
        await self.client.close()

    async def get_states(self, teacher_ids: list[str]) -> list[ReviewState]:
        cursor = self.states.find({"_id": {"$in": teacher_ids}})
        return [
            ReviewState(d["_id"], d["status"], d.get("pending_level") or "", d.get("pending_org_code") or "", tuple(d["org_path"]))
            async for d in cursor
        ]

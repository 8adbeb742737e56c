"""Records' storage: the only module that touches its MongoDB database."""
from __future__ import annotations

import datetime as dt
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from services.records.model import Teacher
from tmis import mongo
from tmis.errors import DomainError, ErrorCode
from tmis.settings import Settings


def _teacher(doc: dict[str, Any]) -> Teacher:
    return Teacher(str(doc["_id"]), doc["version"], doc["school_code"], tuple(doc["org_path"]), doc["basic"])


def _object_ids(ids: list[str]) -> list[ObjectId]:
    out = []
    for raw in ids:
        try:
            out.append(ObjectId(raw))
        except (InvalidId, TypeError):
            continue  # an id that cannot exist is simply not found
    return out


class Storage:
    def __init__(self, client: AsyncMongoClient, db_name: str) -> None:
        self.client = client
        self.teachers = client[db_name]["teachers"]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        storage = cls(mongo.connect(settings, "records"), settings.databases["records"])
        await storage.teachers.create_index([("basic.idType", ASCENDING), ("basic.idNumber", ASCENDING)], unique=True)
        await storage.teachers.create_index([("school_code", ASCENDING), ("updated_at", -1), ("_id", -1)])
        return storage

    async def close(self) -> None:
        await self.client.close()

    async def insert_teacher(self, school_code: str, org_path: tuple[str, ...], basic: dict[str, Any], now: dt.datetime) -> Teacher:
        doc = {"school_code": school_code, "org_path": list(org_path), "basic": basic, "version": 1, "created_at": now, "updated_at": now}
        try:
            result = await self.teachers.insert_one(doc)
        except DuplicateKeyError:
            raise DomainError(ErrorCode.ALREADY_EXISTS, "该身份证件号的教师信息已存在", "basic.idNumber") from None
        return Teacher(str(result.inserted_id), 1, school_code, org_path, basic)

    async def get_teachers(self, ids: list[str]) -> list[Teacher]:
        return [_teacher(doc) async for doc in self.teachers.find({"_id": {"$in": _object_ids(ids)}})]

    async def roster(self, school_code: str) -> list[Teacher]:
        cursor = self.teachers.find({"school_code": school_code}, {"school_code": 1, "org_path": 1, "version": 1, "basic.name": 1, "basic.idType": 1, "basic.idNumber": 1})
        return [_teacher(doc) async for doc in cursor]

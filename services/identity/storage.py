"""Identity's storage: the only module that touches its MongoDB database."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from services.identity.model import Account, Org
from tmis import mongo
from tmis.errors import DomainError, ErrorCode
from tmis.settings import Settings


def _org(doc: dict[str, Any]) -> Org:
    return Org(
        code=doc["_id"],
        name=doc["name"],
        level=doc["level"],
        parent_code=doc.get("parent_code") or "",
        school_type=doc.get("school_type") or "",
        path=tuple(doc["path"]),
        teacher_login_enabled=doc.get("teacher_login_enabled", True),
    )


def _account(doc: dict[str, Any]) -> Account:
    return Account(
        id=doc["_id"],
        username=doc["username"],
        display_name=doc.get("display_name") or "",
        org_code=doc["org_code"],
        org_path=tuple(doc["org_path"]),
        roles=tuple(doc["roles"]),
        enabled=doc.get("enabled", True),
        must_change_password=doc.get("must_change_password", False),
        password_hash=doc["password_hash"],
        locked_until=doc.get("locked_until"),
    )


class Storage:
    def __init__(self, client: AsyncMongoClient, db_name: str) -> None:
        self.client = client
        self.db = client[db_name]
        self.orgs = self.db["orgs"]
        self.accounts = self.db["accounts"]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        storage = cls(mongo.connect(settings, "identity"), settings.databases["identity"])
        await storage.orgs.create_index([("parent_code", ASCENDING), ("_id", ASCENDING)])
        await storage.orgs.create_index([("path", ASCENDING)])
        await storage.accounts.create_index([("username", ASCENDING)], unique=True)
        await storage.accounts.create_index([("org_code", ASCENDING), ("_id", ASCENDING)])
        return storage

    async def close(self) -> None:
        await self.client.close()

    async def insert_org(self, org: Org) -> None:
        doc = {
            "_id": org.code,
            "name": org.name,
            "level": org.level,
            "parent_code": org.parent_code or None,
            "school_type": org.school_type or None,
            "path": list(org.path),
            "teacher_login_enabled": org.teacher_login_enabled,
        }
        try:
            await self.orgs.insert_one(doc)
        except DuplicateKeyError:
            raise DomainError(ErrorCode.ALREADY_EXISTS, f"单位代码 {org.code} 已存在", "input.code") from None

    async def get_orgs(self, codes: list[str]) -> list[Org]:
        return [_org(doc) async for doc in self.orgs.find({"_id": {"$in": codes}})]

    async def child_orgs(self, parent_codes: list[str]) -> list[Org]:
        cursor = self.orgs.find({"parent_code": {"$in": parent_codes}}).sort([("parent_code", 1), ("_id", 1)])
        return [_org(doc) async for doc in cursor]

    async def insert_account(self, account: Account, now: dt.datetime) -> None:
        doc = {
            "_id": account.id,
            "username": account.username,
            "display_name": account.display_name or None,
            "org_code": account.org_code,
            "org_path": list(account.org_path),
            "roles": list(account.roles),
            "enabled": account.enabled,
            "must_change_password": account.must_change_password,
            "password_hash": account.password_hash,
            "created_at": now,
        }
        try:
            await self.accounts.insert_one(doc)
        except DuplicateKeyError:
            raise DomainError(ErrorCode.ALREADY_EXISTS, f"用户名 {account.username} 已存在", "input.username") from None

    async def account_by_username(self, username: str) -> Account | None:
        doc = await self.accounts.find_one({"username": username})
        return _account(doc) if doc else None

    async def account_by_id(self, account_id: str) -> Account | None:
        doc = await self.accounts.find_one({"_id": account_id})
        return _account(doc) if doc else None

    async def set_password_hash(self, account_id: str, password_hash: str) -> None:
        await self.accounts.update_one({"_id": account_id}, {"$set": {"password_hash": password_hash}})

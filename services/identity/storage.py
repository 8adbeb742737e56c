"""Identity's storage: the only module that touches its MongoDB database.

Collections: orgs, accounts, login_failures (login attempts and locks by username, known or not: no enumeration),
revocations (per account: tokens issued before `not_before_ms` are void), audit, rate_limits.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.identity.model import Account, AuditEvent, LoginAttempts, Org
from tmis import mongo
from tmis.errors import DomainError, ErrorCode
from tmis.migrations import Step, migrate
from tmis.settings import Settings

ACCOUNT_FIELDS = (
    "username",
    "display_name",
    "org_code",
    "org_path",
    "roles",
    "enabled",
    "must_change_password",
    "password_hash",
    "initial_password",
    "password_history",
    "teacher_id",
    "id_type",
    "version",
)


def _org(doc: dict[str, Any]) -> Org:
    return Org(
        doc["_id"],
        doc["name"],
        doc["level"],
        doc.get("parent_code") or "",
        doc.get("school_type") or "",
        tuple(doc["path"]),
        doc.get("teacher_login_enabled", True),
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
        password_hash=doc.get("password_hash"),
        initial_password=doc.get("initial_password"),
        password_history=tuple(doc.get("password_history") or ()),
        teacher_id=doc.get("teacher_id") or "",
        id_type=doc.get("id_type") or "",
        version=doc.get("version", 1),
    )


def _account_doc(account: Account, now: dt.datetime) -> dict[str, Any]:
    doc = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
    doc.update(
        _id=account.id,
        org_path=list(account.org_path),
        roles=list(account.roles),
        password_history=list(account.password_history),
    )
    doc.update(created_at=now, updated_at=now)
    return doc


FAILED = ""  # an attempt's id in `login_failures` once its password was verified wrong


def _attempts(doc: dict[str, Any] | None) -> LoginAttempts | None:
    if doc is None:
        return None
    pending = [a["at"] for a in doc.get("attempts") or [] if a["id"] != FAILED]
    failed = len(doc.get("attempts") or []) - len(pending)
    return LoginAttempts(doc.get("locked_until"), failed, len(pending), min(pending, default=None))


def _ms(now: dt.datetime) -> int:
    return int(now.timestamp() * 1000)


# start-up migrations (tmis.migrations), in order; a new release appends
MIGRATIONS: tuple[Step, ...] = ()


class Storage:
    def __init__(self, client: mongo.Client, db_name: str) -> None:
        self.client = client
        db = client[db_name]
        self.orgs = db["orgs"]
        self.accounts = db["accounts"]
        self.failures = db["login_failures"]
        self.revocations = db["revocations"]
        self.audit = db["audit"]
        self.rate_limits = db["rate_limits"]

    @classmethod
    async def open(cls, settings: Settings) -> Storage:
        s = cls(mongo.connect(settings, "identity"), settings.databases["identity"])
        await s.orgs.create_index([("parent_code", ASCENDING), ("_id", ASCENDING)])
        await s.orgs.create_index([("login_changed_at_ms", ASCENDING)], sparse=True)
        await s.orgs.create_index([("path", ASCENDING), ("level", ASCENDING), ("name", ASCENDING)])
        await s.accounts.create_index([("username", ASCENDING)], unique=True)
        await s.accounts.create_index([("org_code", ASCENDING), ("username", ASCENDING)])
        await s.accounts.create_index([("teacher_id", ASCENDING)], sparse=True)
        await s.revocations.create_index([("at_ms", ASCENDING)])
        await s.audit.create_index([("org_path", ASCENDING), ("_id", DESCENDING)])
        await s.rate_limits.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        await s.failures.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        await migrate(s.orgs.database, MIGRATIONS)
        return s

    async def close(self) -> None:
        await self.client.close()

    async def answers(self) -> bool:
        """Whether the database answers now (the service's readiness follows it)."""
        return await mongo.answers(self.client)

    # orgs

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

    async def search_schools(self, region_code: str, name: str, limit: int) -> list[Org]:
        """Schools under `region_code` whose name contains `name`, by name: the (path, level, name)
        index narrows to the region's schools and the name is matched on the index keys."""
        query = {"path": region_code, "level": "SCHOOL", "name": {"$regex": re.escape(name)}}
        cursor = self.orgs.find(query).sort([("name", 1), ("_id", 1)]).limit(limit)
        return [_org(doc) async for doc in cursor]

    async def set_teacher_login(self, code: str, enabled: bool, now: dt.datetime) -> None:
        await self.orgs.update_one(
            {"_id": code}, {"$set": {"teacher_login_enabled": enabled, "login_changed_at_ms": _ms(now)}}
        )

    # accounts

    async def insert_account(self, account: Account, now: dt.datetime) -> None:
        try:
            await self.accounts.insert_one(_account_doc(account, now))
        except DuplicateKeyError:
            raise DomainError(ErrorCode.ALREADY_EXISTS, f"用户名 {account.username} 已存在", "input.username") from None

    async def insert_accounts(self, accounts: list[Account], now: dt.datetime) -> int:
        """Inserts what it can (a username taken meanwhile is skipped); returns how many."""
        if not accounts:
            return 0
        try:
            result = await self.accounts.insert_many([_account_doc(a, now) for a in accounts], ordered=False)
            return len(result.inserted_ids)
        except BulkWriteError as err:
            return int(err.details.get("nInserted", 0))

    async def account_by_username(self, username: str) -> Account | None:
        doc = await self.accounts.find_one({"username": username})
        return _account(doc) if doc else None

    async def account_by_id(self, account_id: str) -> Account | None:
        doc = await self.accounts.find_one({"_id": account_id})
        return _account(doc) if doc else None

    async def accounts_of_teachers(self, teacher_ids: list[str]) -> list[Account]:
        return [_account(d) async for d in self.accounts.find({"teacher_id": {"$in": teacher_ids}})]

    async def existing_usernames(self, usernames: list[str]) -> set[str]:
        cursor = self.accounts.find({"username": {"$in": usernames}}, {"username": 1})
        return {doc["username"] async for doc in cursor}

    async def list_accounts(self, query: dict[str, Any], after: str, limit: int) -> tuple[list[Account], int]:
        page = {**query, "username": {"$gt": after}} if after else query
        cursor = self.accounts.find(page).sort("username", ASCENDING).limit(limit)
        return [_account(d) async for d in cursor], await self.accounts.count_documents(query)

    async def update_account(
        self, account: Account, changes: dict[str, Any], now: dt.datetime, unset: tuple[str, ...] = ()
    ) -> bool:
        """Optimistic write: applies only if nobody changed the account since it was read."""
        update: dict[str, Any] = {"$set": {**changes, "updated_at": now}, "$inc": {"version": 1}}
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        result = await self.accounts.update_one({"_id": account.id, "version": account.version}, update)
        return result.modified_count == 1

    async def delete_account(self, account: Account) -> bool:
        return (await self.accounts.delete_one({"_id": account.id, "version": account.version})).deleted_count == 1

    # login attempts and locks, by username (whether or not it exists): one document per username,
    # {attempts: [{id, at}], locked_until, expires_at}, each step below one atomic update of it

    async def locks_of(self, usernames: list[str]) -> dict[str, dt.datetime]:
        cursor = self.failures.find({"_id": {"$in": usernames}, "locked_until": {"$ne": None}})
        return {d["_id"]: d["locked_until"] async for d in cursor}

    async def reserve_attempt(
        self, username: str, attempt: str, threshold: int, now: dt.datetime, forget: dt.datetime
    ) -> bool:
        """Gives `attempt` a place when fewer than `threshold` are held (being verified, or failed)
        and the username is not locked: one conditional upsert, so of attempts arriving together
        `threshold` at most get one. False when the document is full or locked (or was just made)."""
        query = {"_id": username, f"attempts.{threshold - 1}": {"$exists": False}, "locked_until": None}
        update = {"$push": {"attempts": {"id": attempt, "at": now}}, "$set": {"expires_at": forget}}
        try:
            await self.failures.update_one(query, update, upsert=True)
        except DuplicateKeyError:  # it exists and does not match
            return False
        return True

    async def login_attempts(self, username: str) -> LoginAttempts | None:
        return _attempts(await self.failures.find_one({"_id": username}))

    async def fail_attempt(self, username: str, attempt: str) -> LoginAttempts | None:
        """Turns the attempt's place into a failure; the state after it, None when the attempt holds
        no place any more (an unlock, a reset or a password change cleared the username meanwhile)."""
        doc = await self.failures.find_one_and_update(
            {"_id": username, "attempts.id": attempt},
            {"$set": {"attempts.$[a].id": FAILED}},
            array_filters=[{"a.id": attempt}],
            return_document=ReturnDocument.AFTER,
        )
        return _attempts(doc)

    async def lock(self, username: str, threshold: int, until: dt.datetime, forget: dt.datetime) -> bool:
        """Locks the username until `until` when `threshold` places are held and every one is a
        failure; whether this call locked it."""
        query = {
            "_id": username,
            "locked_until": None,
            f"attempts.{threshold - 1}": {"$exists": True},
            "attempts": {"$not": {"$elemMatch": {"id": {"$ne": FAILED}}}},
        }
        locked = await self.failures.update_one(query, {"$set": {"locked_until": until, "expires_at": forget}})
        return locked.modified_count == 1

    async def end_lock(self, username: str, until: dt.datetime) -> None:
        """A lock that is over: its failures are forgotten (once, by whoever sees it first)."""
        await self.failures.update_one(
            {"_id": username, "locked_until": until}, {"$set": {"attempts": []}, "$unset": {"locked_until": ""}}
        )

    async def reap_attempts(self, username: str, before: dt.datetime) -> None:
        """Frees the places of attempts still unresolved since before `before` (their process died)."""
        stale = {"id": {"$ne": FAILED}, "at": {"$lt": before}}
        await self.failures.update_one({"_id": username}, {"$pull": {"attempts": stale}})

    async def release_attempt(self, username: str, attempt: str) -> None:
        """Frees the attempt's place without a verdict (it was refused before its password was verified)."""
        await self.failures.update_one({"_id": username}, {"$pull": {"attempts": {"id": attempt}}})

    async def clear_failures(self, username: str, attempt: str = FAILED) -> None:
        """Forgets the username's failures and its lock (a right password, an unlock, a reset, a
        password change), and frees `attempt`'s place, in one update. Attempts still being verified
        keep their places, so they count in the new window."""
        await self.failures.update_one(
            {"_id": username},
            {"$pull": {"attempts": {"id": {"$in": [FAILED, attempt]}}}, "$unset": {"locked_until": ""}},
        )

    # revocations

    async def revoke(self, account_id: str, now: dt.datetime, keep: dt.timedelta) -> None:
        ms = _ms(now)
        await self.revocations.update_one(
            {"_id": account_id}, {"$set": {"not_before_ms": ms, "at_ms": ms}}, upsert=True
        )
        await self.revocations.delete_many({"at_ms": {"$lt": _ms(now - keep)}})

    async def revocation_feed(self, since_ms: int) -> tuple[dict[str, int], dict[str, bool]]:
        accounts = {d["_id"]: d["not_before_ms"] async for d in self.revocations.find({"at_ms": {"$gte": since_ms}})}
        query = {"login_changed_at_ms": {"$gte": since_ms}} if since_ms else {"teacher_login_enabled": False}
        schools = {
            d["_id"]: not d.get("teacher_login_enabled", True)
            async for d in self.orgs.find(query, {"teacher_login_enabled": 1})
        }
        return accounts, schools

    # audit

    async def add_audit(self, entry: dict[str, Any]) -> None:
        await self.audit.insert_one(entry)

    async def list_audit(self, org_code: str, after: str, limit: int) -> list[AuditEvent]:
        query: dict[str, Any] = {"org_path": org_code}
        if after:
            try:
                query["_id"] = {"$lt": ObjectId(after)}
            except InvalidId:
                raise DomainError(ErrorCode.INVALID_INPUT, "分页游标无效", "after") from None
        cursor = self.audit.find(query).sort("_id", DESCENDING).limit(limit)
        return [
            AuditEvent(
                str(d["_id"]),
                d["at"],
                d["event"],
                d["result"],
                d["actor"],
                d["target"],
                d["org_code"],
                d.get("client_addr", ""),
                d.get("detail", ""),
            )
            async for d in cursor
        ]

    # rate limits (fixed windows)

    async def hit(self, key: str, window: dt.timedelta, now: dt.datetime) -> int:
        """Counts one attempt under `key` in the current window; returns the count so far."""
        slot = int(now.timestamp() // window.total_seconds())
        doc_id = f"{key}:{slot}"
        await self.rate_limits.update_one(
            {"_id": doc_id}, {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": now + window}}, upsert=True
        )
        doc = await self.rate_limits.find_one({"_id": doc_id})
        return doc["count"] if doc else 1

"""Teacher records. (The field registry and full validation arrive with the records issue;
this is the identity core every record needs: name, document, birth date, gender.)"""
from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from services.records.model import Teacher
from services.records.storage import Storage
from tmis import idcard
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

# school code -> (level, org path) as identity knows it, or None when unknown/out of reach
SchoolLookup = Callable[[str], Awaitable[tuple[str, tuple[str, ...]] | None]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def normalise_identity(basic: dict[str, Any]) -> dict[str, Any]:
    out = dict(basic)
    name = str(out.get("name") or "").strip()
    if not name or len(name) > 50:
        raise DomainError(ErrorCode.INVALID_INPUT, "姓名不能为空，且不超过50个字", "basic.name")
    out["name"] = name
    out["idType"] = str(out.get("idType") or "1")
    number = str(out.get("idNumber") or "").strip()
    if out["idType"] == "1":
        try:
            number, birth, gender = idcard.parse(number)
        except idcard.IdCardError as err:
            raise DomainError(ErrorCode.INVALID_INPUT, str(err), "basic.idNumber") from None
        if out.setdefault("birthDate", birth.isoformat()) != birth.isoformat():
            raise DomainError(ErrorCode.INVALID_INPUT, "出生日期与身份证件号不一致", "basic.birthDate")
        if out.setdefault("gender", gender) != gender:
            raise DomainError(ErrorCode.INVALID_INPUT, "性别与身份证件号不一致", "basic.gender")
    elif not number or len(number) > 30:
        raise DomainError(ErrorCode.INVALID_INPUT, "身份证件号不能为空，且不超过30个字符", "basic.idNumber")
    out["idNumber"] = number
    return out


class Teachers:
    def __init__(self, storage: Storage, school_of: SchoolLookup) -> None:
        self.storage = storage
        self.school_of = school_of

    async def _school_path(self, caller: Caller, school_code: str) -> tuple[str, ...]:
        """The school's org path, when it is a school in the caller's reach (same refusal otherwise)."""
        school = await self.school_of(school_code)
        if school is None or school[0] != "SCHOOL" or not (caller.service or caller.reaches(school[1])):
            raise DomainError(ErrorCode.FORBIDDEN, "学校不存在或不在本单位管辖范围内", "schoolCode")
        return school[1]

    async def create(self, caller: Caller, school_code: str, basic: dict[str, Any]) -> Teacher:
        caller.require("DATA_ENTRY")
        path = await self._school_path(caller, school_code)
        return await self.storage.insert_teacher(school_code, path, normalise_identity(basic), _now())

    async def get(self, caller: Caller, ids: list[str]) -> list[Teacher]:
        caller.require()
        found = {t.id: t for t in await self.storage.get_teachers(ids[:1000]) if caller.service or caller.reaches(t.org_path)}
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    async def roster(self, caller: Caller, school_code: str) -> list[Teacher]:
        caller.require("SYSTEM_ADMIN", "DATA_ENTRY", "REVIEWER", "QUERY")
        await self._school_path(caller, school_code)
        return await self.storage.roster(school_code)

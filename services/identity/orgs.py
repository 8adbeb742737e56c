"""The org tree: NATION → PROVINCE → CITY → DISTRICT → SCHOOL."""

from __future__ import annotations

import re

from services.identity.audit import Audit, now
from services.identity.model import LEVELS, SCHOOL_TYPES, Org
from services.identity.storage import Storage
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.text import text_problem

_AREA_CODE = re.compile(r"^\d{6}$")
_SCHOOL_CODE = re.compile(r"^[0-9A-Za-z]{4,20}$")
LEVEL_NAMES = {"NATION": "全国", "PROVINCE": "省级", "CITY": "地市级", "DISTRICT": "区县级", "SCHOOL": "学校"}


def visible(caller: Caller, org: Org) -> bool:
    """An org in the caller's subtree, or one of the caller's own ancestors."""
    return caller.service or caller.org_code in org.path or org.code in caller.org_path


class Orgs:
    def __init__(self, storage: Storage, audit: Audit) -> None:
        self.storage = storage
        self.audit = audit

    async def get(self, caller: Caller, codes: list[str]) -> list[Org]:
        if caller.must_change_password:  # before the first change: only the caller's own org path (for `me`)
            codes = [c for c in codes if c in caller.org_path]
        else:
            caller.require()
        found = {o.code: o for o in await self.storage.get_orgs(codes[:1000]) if visible(caller, o)}
        return [found[c] for c in dict.fromkeys(codes) if c in found]

    async def children(self, caller: Caller, parent_codes: list[str]) -> list[Org]:
        caller.require()
        return [o for o in await self.storage.child_orgs(parent_codes[:1000]) if visible(caller, o)]

    async def create(self, caller: Caller, code: str, name: str, level: str, parent_code: str, school_type: str) -> Org:
        caller.require("SYSTEM_ADMIN")
        name = name.strip()
        if level not in LEVELS or level == "NATION":
            raise DomainError(ErrorCode.INVALID_INPUT, "单位级别不正确", "input.level")
        if level == "SCHOOL":
            if not _SCHOOL_CODE.match(code):
                raise DomainError(ErrorCode.INVALID_INPUT, "学校代码应为4至20位字母或数字", "input.code")
            if school_type not in SCHOOL_TYPES:
                raise DomainError(ErrorCode.INVALID_INPUT, "学校须指定学校类型", "input.schoolType")
        else:
            if not _AREA_CODE.match(code):
                raise DomainError(ErrorCode.INVALID_INPUT, "行政区划代码应为6位数字", "input.code")
            if school_type:
                raise DomainError(ErrorCode.INVALID_INPUT, "只有学校可以指定学校类型", "input.schoolType")
        if not name or len(name) > 100:
            raise DomainError(ErrorCode.INVALID_INPUT, "单位名称不能为空，且不超过100个字", "input.name")
        if problem := text_problem(name):
            raise DomainError(ErrorCode.INVALID_INPUT, f"单位名称{problem}", "input.name")
        parents = await self.get(caller, [parent_code])
        if not parents or not (caller.service or caller.org_code in parents[0].path):
            raise DomainError(ErrorCode.FORBIDDEN, "只能在本单位及下属单位下创建单位", "input.parentCode")
        parent = parents[0]
        if LEVELS.index(level) <= LEVELS.index(parent.level):
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                f"{LEVEL_NAMES[level]}单位不能隶属于{LEVEL_NAMES[parent.level]}单位",
                "input.level",
            )
        org = Org(code, name, level, parent.code, school_type, (*parent.path, code))
        await self.storage.insert_org(org)
        await self.audit.record(
            "ORG_CREATED", actor=caller.username, target=code, org_path=org.path, detail=f"{level} {name}"
        )
        return org

    async def set_teacher_login(self, caller: Caller, school_code: str, enabled: bool) -> Org:
        """Opens or closes the collection window: a closed school's TEACHER accounts cannot log in or write."""
        caller.require("SYSTEM_ADMIN")
        found = await self.storage.get_orgs([school_code])
        school = found[0] if found else None
        if school is None or school.level != "SCHOOL" or not (caller.service or caller.org_code in school.path):
            raise DomainError(ErrorCode.FORBIDDEN, "学校不存在，或不在您的管理范围内", "schoolCode")
        await self.storage.set_teacher_login(school.code, enabled, now())
        state = "opened" if enabled else "closed"
        await self.audit.record(
            "TEACHER_LOGIN_WINDOW_CHANGED",
            actor=caller.username,
            target=school.code,
            org_path=school.path,
            detail=state,
        )
        return (await self.storage.get_orgs([school.code]))[0]

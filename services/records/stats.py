"""Progress and statistics of an org's subtree (信息查询员), counted in MongoDB over the
org path index: the service receives one row per group, never the records themselves.

The dimensions are fields of the registry (their labels and code tables come from it);
age bands are counted by birth month in the database and banded here.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from services.records.storage import Storage
from services.records.teachers import STATUS, OrgLookup
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.registry import Registry

# dimension -> 基本信息 field it counts
DIMENSIONS = {
    "GENDER": "gender",
    "ETHNICITY": "ethnicity",
    "POLITICAL_STATUS": "politicalStatus",
    "AGE_BAND": "birthDate",
    "HIGHEST_EDUCATION": "highestEducation",
    "TITLE": "currentTitle",
    "STAFF_CATEGORY": "staffCategory",
    "IN_ESTABLISHMENT": "inEstablishment",
}
AGE_BANDS = (24, 29, 34, 39, 44, 49, 54, 59)  # upper bounds; ≥60 above the last
UNSET = ("", "未填写")


def age_band(birth_month: str, today: dt.date) -> tuple[str, str]:
    """(key, label) of the band of someone born in `birth_month` (YYYY-MM), on `today`."""
    try:
        year, month = int(birth_month[:4]), int(birth_month[5:7])
    except ValueError:
        return UNSET
    age = today.year - year - (1 if today.month < month else 0)  # whole years, by month
    for upper in AGE_BANDS:
        if age <= upper:
            low = upper - 4
            return (f"{low:02d}-{upper}", f"{low}–{upper}岁") if upper > 24 else ("00-24", "24岁及以下")
    return "60-", "60岁及以上"


@dataclass(frozen=True)
class Counts:
    org_code: str
    total: int = 0
    draft: int = 0
    submitted: int = 0
    rejected: int = 0
    approved: int = 0
    with_photo: int = 0
    complete: int = 0


class Stats:
    def __init__(self, storage: Storage, org_of: OrgLookup, registry: Registry, tables: Mapping[str, CodeTable]) -> None:
        self.storage = storage
        self.org_of = org_of
        self.registry = registry
        self.tables = tables

    async def _subtree(self, caller: Caller, org_code: str) -> tuple[str, ...]:
        caller.require("QUERY")
        org = await self.org_of(org_code)
        if org is None or not (caller.service or caller.reaches(org.path)):
            raise DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")
        return org.path if org.level != "SCHOOL" else org.path[:-1]

    async def progress(self, caller: Caller, org_code: str) -> list[Counts]:
        """Rows per child org with teachers (a school: itself); the caller adds the empty ones."""
        parent_path = await self._subtree(caller, org_code)
        rows = await self.storage.progress(org_code, len(parent_path))
        fields = Counts.__dataclass_fields__
        return sorted((Counts(r["_id"], **{k: v for k, v in r.items() if k in fields and k != "org_code"}) for r in rows if r["_id"]), key=lambda c: c.org_code)

    async def statistics(self, caller: Caller, org_code: str, dimension: str, status: str, today: dt.date) -> list[tuple[str, str, int]]:
        """(key, label, count) per value of the dimension, largest first; 未填写 for unset values."""
        await self._subtree(caller, org_code)
        try:
            key = DIMENSIONS[dimension]
            field = self.registry.sets["BASIC"].field(key)
        except KeyError:
            raise DomainError(ErrorCode.INVALID_INPUT, "统计维度无效", "dimension") from None
        if status and status not in STATUS:
            raise DomainError(ErrorCode.INVALID_INPUT, "审核状态无效", "status")
        path = f"$basic.{key}"
        if dimension == "AGE_BAND":
            rows = await self.storage.counts_by(org_code, status, {"$substrBytes": [{"$ifNull": [path, ""]}, 0, 7]})
        else:
            rows = await self.storage.counts_by(org_code, status, path, unwind=path if field.type == "codes" else "")
        counts: Counter[tuple[str, str]] = Counter()
        for row in rows:
            school_type, value = row["_id"].get("t") or "", row["_id"].get("v")
            if dimension == "AGE_BAND":
                counts[age_band(value or "", today)] += row["n"]
            elif value in (None, ""):
                counts[UNSET] += row["n"]
            elif isinstance(value, bool):
                counts[("1", "是") if value else ("0", "否")] += row["n"]
            else:
                table = self.tables.get(field.table_for(school_type) or "")
                found = table.get(str(value)) if table else None
                counts[(str(value), found.name if found else str(value))] += row["n"]
        order = (lambda item: item[0][0]) if dimension == "AGE_BAND" else (lambda item: (-item[1], item[0][0]))
        return [(k, label, n) for (k, label), n in sorted(counts.items(), key=order)]

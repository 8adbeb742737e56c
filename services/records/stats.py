"""Progress and statistics of an org's subtree (信息查询员): the roll-ups of the org and its
children (services/records/storage/summaries.py: per-school counts from MongoDB, added up per
district, city and province), never the records.

The dimensions are fields of the registry (their labels and code tables come from it);
age bands are counted by birth month in the database and banded here, on the day asked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.records import access
from services.records.model import OrgRef
from services.records.storage import DIMENSIONS, PROGRESS, Storage
from services.records.storage.summaries import Rollup
from services.records.teachers import STATUS, OrgLookup
from tmis.auth import Caller
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.registry import Field, Registry

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
    def __init__(
        self, storage: Storage, org_of: OrgLookup, registry: Registry, tables: Mapping[str, CodeTable]
    ) -> None:
        self.storage = storage
        self.org_of = org_of
        self.registry = registry
        self.tables = tables

    async def _org(self, caller: Caller, org_code: str) -> OrgRef:
        access.require(caller, "statistics")
        org = await self.org_of(org_code)
        if org is None or not access.in_reach(caller, org.path):
            raise access.no_org()
        return org

    async def progress(self, caller: Caller, org_code: str) -> list[Counts]:
        """Rows per child org with teachers (a school: itself); the caller adds the empty ones."""
        org = await self._org(caller, org_code)
        return await self.storage.summaries.answer(
            org_code, "progress", lambda rollup: self._progress(rollup, org_code, org.level == "SCHOOL")
        )

    async def _progress(self, rollup: Rollup, org_code: str, school: bool) -> list[Counts]:
        children = [org_code] if school else await rollup.children(org_code)
        values = await rollup.of(children, "")
        return [Counts(code, **{k: values[code]["progress"].get(k, 0) for k in PROGRESS}) for code in children]

    async def statistics(
        self, caller: Caller, org_code: str, dimension: str, status: str, today: dt.date
    ) -> list[tuple[str, str, int]]:
        """(key, label, count) per value of the dimension, largest first; 未填写 for unset values."""
        await self._org(caller, org_code)
        try:
            field = self.registry.sets["BASIC"].field(DIMENSIONS[dimension])
        except KeyError:
            raise DomainError(ErrorCode.INVALID_INPUT, "统计维度无效", "dimension") from None
        if status and status not in STATUS:
            raise DomainError(ErrorCode.INVALID_INPUT, "审核状态无效", "status")
        return await self.storage.summaries.answer(
            org_code,
            ("statistics", dimension, status, today),
            lambda rollup: self._statistics(rollup, org_code, field, dimension, status, today),
        )

    async def _statistics(
        self, rollup: Rollup, org_code: str, field: Field, dimension: str, status: str, today: dt.date
    ) -> list[tuple[str, str, int]]:
        counts: Counter[tuple[str, str]] = Counter()
        for row_status, school_type, value, n in (await rollup.of([org_code], dimension))[org_code]:
            if (status and row_status != status) or (not status and row_status == "LEFT"):
                continue  # 已减员: counted only when asked for
            for one in (value or [None]) if isinstance(value, list) else [value]:  # a multi-code field counts each code
                counts[self._bucket(field, dimension, school_type, one, today)] += n
        order = (lambda item: item[0][0]) if dimension == "AGE_BAND" else (lambda item: (-item[1], item[0][0]))
        return [(k, label, n) for (k, label), n in sorted(counts.items(), key=order)]

    def _bucket(self, field: Field, dimension: str, school_type: str, value: Any, today: dt.date) -> tuple[str, str]:
        if dimension == "AGE_BAND":
            return age_band(value or "", today)
        if value in (None, ""):
            return UNSET
        if isinstance(value, bool):
            return ("1", "是") if value else ("0", "否")
        table = self.tables.get(field.table_for(school_type) or "")
        found = table.get(str(value)) if table else None
        return str(value), found.name if found else str(value)

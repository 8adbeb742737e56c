from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.records.types import Code
from tmis.errors import DomainError, ErrorCode


@strawberry.type
class RecordsQuery:
    @strawberry.field(description="A code table (代码表) by name, e.g. gender, ethnicity, staff_source (trees keep their parents).")
    async def code_table(self, info: Info, name: str) -> list[Code]:
        table = await info.context.loaders.code_table_by_name.load(name)
        if table is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"代码表 {name[:50]} 不存在", "name")
        return [Code.of(c) for c in table.table.entries]

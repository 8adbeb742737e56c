from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.identity.types import SchoolType
from gateway.records.types import Code, FieldDefinition, InfoSet
from tmis.errors import DomainError, ErrorCode


@strawberry.type
class RecordsQuery:
    @strawberry.field(description="A code table (代码表) by name, e.g. gender, ethnicity, staff_source (trees keep their parents).")
    async def code_table(self, info: Info, name: str) -> list[Code]:
        table = await info.context.loaders.code_table_by_name.load(name)
        if table is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"代码表 {name[:50]} 不存在", "name")
        return [Code.of(c) for c in table.table.entries]

    @strawberry.field(description="Field definitions of one set for a school type, plugin fields included: what a form renderer or template builder needs.")
    def field_definitions(self, info: Info, set: InfoSet, school_type: SchoolType | None = SchoolType.PRIMARY_SECONDARY) -> list[FieldDefinition]:
        described = info.context.registry.set(set.value)
        if described is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"信息集 {set.value} 的字段尚未定义", "set")
        variant = (school_type or SchoolType.PRIMARY_SECONDARY).value
        return [FieldDefinition.of(f, variant) for f in described.for_school_type(variant)]

"""Records queries: code tables, field definitions, one teacher, a page of teachers, the review queue.

The teacher queries answer with types the registry decides, so `teacher_query` makes them from the
types passed in. (No `from __future__ import annotations`: see teacher.py.)"""

from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField

from gateway.context import Info
from gateway.errors import require
from gateway.files import download_url
from gateway.identity.types import SchoolType
from gateway.jobs import ImportJob
from gateway.pagination import PageInfo, decode_cursor, encode_cursor, page_size
from gateway.records.generated import RegistryTypes
from gateway.records.teacher import TeacherTypes
from gateway.records.types import Code, FieldDefinition, import_job_of, template_path
from gateway.records.within import tables_needed, within_of
from gateway.review.types import RecordStatus
from tmis.errors import DomainError, ErrorCode
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.proto.review.v1 import review_pb2 as review_pb
from tmis.registry import Registry

MAX_TABLES = 100


@strawberry.type
class RecordsQuery:
    @strawberry.field(
        description="A code table (代码表) by name, e.g. gender, ethnicity, staff_source (trees keep their parents)."
    )
    async def code_table(self, info: Info, name: str) -> list[Code]:
        table = await info.context.loaders.code_table_by_name.load(name)
        if table is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"代码表 {name[:50]} 不存在", "name")
        return [Code.of(c) for c in table.table.entries]

    @strawberry.field(
        description=(
            "Several code tables at once, in the order named (at most 100): a form asks for every table its "
            "fields use in one request."
        )
    )
    async def code_tables(self, info: Info, names: list[str]) -> list[list[Code]]:
        if len(names) > MAX_TABLES:
            raise DomainError(ErrorCode.INVALID_INPUT, f"一次最多查询{MAX_TABLES}个代码表", "names")
        found = await info.context.loaders.code_table_by_name.load_many(names)
        for name, table in zip(names, found, strict=True):
            if table is None:
                raise DomainError(ErrorCode.NOT_FOUND, f"代码表 {name[:50]} 不存在", "names")
        return [[Code.of(c) for c in table.table.entries] for table in found if table is not None]


@strawberry.type
class ImportQuery:
    @strawberry.field(description="Download URL of the import template (.xlsx) for a school type.")
    def import_template_url(self, info: Info, school_type: SchoolType) -> str:
        caller = require(info.context.caller)
        return download_url(info.context.request, info.context.signer, caller, template_path(school_type.value))


async def import_job(info: Info, job_id: str) -> ImportJob | None:
    """A workbook import as importJob(id) shows it, for ids `import-…`; None when unknown."""
    require(info.context.caller)
    try:
        job = await info.context.clients.records.GetImportJob(
            pb.GetImportJobRequest(id=job_id), token=info.context.token
        )
    except DomainError as err:
        if err.code == ErrorCode.NOT_FOUND:
            return None
        raise
    return import_job_of(info, job)


async def field_definitions(
    info: Info, registry: Registry, set_key: str, school_type: SchoolType | None
) -> list[FieldDefinition]:
    described = registry.set(set_key)
    if described is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"信息集 {set_key} 的字段尚未定义", "set")
    variant = (school_type or SchoolType.PRIMARY_SECONDARY).value
    names = tables_needed(described, variant)
    tables = dict(zip(names, await info.context.loaders.code_table_by_name.load_many(names), strict=True))
    return [
        FieldDefinition.of(f, variant, within_of(f, described, variant, tables))
        for f in described.for_school_type(variant)
    ]


def asked_sets(info: Info) -> list[str]:
    """The sets whose entries a selection asks for (`entries(set: …)` anywhere in it, through aliases,
    fragments and variables): a page carries only those from records, a list screen none."""
    found: set[str] = set()
    selections: list[Any] = list(info.selected_fields)
    while selections:
        selection = selections.pop()
        if isinstance(selection, SelectedField) and selection.name == "entries" and "set" in selection.arguments:
            value = selection.arguments["set"]
            found.add(str(getattr(value, "value", value)))  # a literal's name, or a variable's enum
        selections.extend(selection.selections)
    return [key for key in info.context.registry.entry_sets() if key in found]


async def teachers_page(
    info: Info,
    teachers: TeacherTypes,
    org_code: str,
    status: RecordStatus | None,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Any:
    require(info.context.caller)
    request = pb.ListTeachersRequest(
        org_code=org_code,
        status=status.value if status else "",
        search=search or "",
        first=page_size(first),
        after=decode_cursor(after),
        sets=asked_sets(info),
    )
    reply = await info.context.clients.records.ListTeachers(request, token=info.context.token)
    edges = [
        teachers.TeacherEdge(cursor=encode_cursor(f"{t.updated_at}|{t.id}"), node=teachers.Teacher.of(t))
        for t in reply.teachers
    ]
    end = encode_cursor(reply.end_cursor) if reply.end_cursor else None
    page_info = PageInfo(has_next_page=reply.has_next_page, end_cursor=end)
    return teachers.TeacherConnection(edges=edges, page_info=page_info, total_count=reply.total_count)


async def review_queue(info: Info, teachers: TeacherTypes, first: int | None, after: str | None) -> Any:
    require(info.context.caller, "REVIEWER")
    request = review_pb.ListReviewQueueRequest(first=page_size(first), after=decode_cursor(after))
    reply = await info.context.clients.review.ListReviewQueue(request, token=info.context.token)
    found = await info.context.loaders.teacher_by_id.load_many(list(reply.teacher_ids))
    edges = [
        teachers.TeacherEdge(cursor=encode_cursor(t.id), node=teachers.Teacher.of(t)) for t in found if t is not None
    ]
    end = encode_cursor(reply.end_cursor) if reply.end_cursor else None
    page_info = PageInfo(has_next_page=reply.has_next_page, end_cursor=end)
    return teachers.TeacherConnection(edges=edges, page_info=page_info, total_count=reply.total_count)


def teacher_query(types: RegistryTypes, teachers: TeacherTypes) -> type:
    # Made at run time from the registry, these classes cannot be static types: mypy takes them as Any
    # (declared so, explicitly), strawberry reads the classes themselves from the annotations below.
    InfoSet: Any = types.InfoSet
    Teacher: Any = teachers.Teacher
    TeacherConnection: Any = teachers.TeacherConnection

    @strawberry.type
    class InfoSetDefinition:
        set: InfoSet
        label: str = strawberry.field(description="Chinese label as on the national forms (学习经历).")
        school_only: bool = strawberry.field(
            description="Filled by the school's 信息录入员 only (基本待遇, 年度考核); the teacher reads it."
        )
        single: bool = strawberry.field(description="At most one entry (联系方式); BASIC is the main table.")
        required: bool = strawberry.field(description="Completeness asks for at least one entry.")
        plugin: str | None = strawberry.field(description="The plugin that added the set; null for national sets.")

    @strawberry.type
    class TeacherQuery:
        @strawberry.field(
            description=(
                "Field definitions of one set for a school type, plugin fields included: what a form "
                "renderer or template builder needs."
            )
        )
        async def field_definitions(
            self, info: Info, set: InfoSet, school_type: SchoolType | None = SchoolType.PRIMARY_SECONDARY
        ) -> list[FieldDefinition]:
            return await field_definitions(info, types.registry, set.value, school_type)

        @strawberry.field(
            description=(
                "Every info set of the deployment in the registry's order, plugin sets included: its label and "
                "who fills it (a form renderer lists the sets from here)."
            )
        )
        def info_sets(self) -> list[InfoSetDefinition]:
            return [
                InfoSetDefinition(
                    set=InfoSet(s.key),
                    label=s.label,
                    school_only=s.writer == "school",
                    single=s.single,
                    required=s.required,
                    plugin=s.plugin,
                )
                for s in types.registry.sets.values()
            ]

        @strawberry.field
        async def teacher(self, info: Info, id: strawberry.ID) -> Teacher | None:
            if info.context.caller is None:
                return None
            found = await info.context.loaders.teacher_by_id.load(str(id))
            return Teacher.of(found) if found else None

        @strawberry.field(description="Teachers of an org's subtree, newest change first.")
        async def teachers(
            self,
            info: Info,
            org_code: str,
            status: RecordStatus | None = None,
            search: str | None = None,
            first: int | None = 50,
            after: str | None = None,
        ) -> TeacherConnection:
            return await teachers_page(info, teachers, org_code, status, search, first, after)

        @strawberry.field(description="Records pending review at the caller's org.")
        async def review_queue(self, info: Info, first: int | None = 50, after: str | None = None) -> TeacherConnection:
            return await review_queue(info, teachers, first, after)

    return TeacherQuery

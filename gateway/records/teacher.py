"""The Teacher type and its Entry, edge, connection and payload, made from a registry's types.

Teacher.basic and Teacher.entries answer with types the registry decides (BasicInfo, InfoSet), so
the classes are made by `teacher_types` (with `entry_type` and `teacher_type`) from the
RegistryTypes passed in; what they do is in the plain functions above them. (No `from __future__
import annotations`: the classes refer to types passed to the functions.)"""

import functools
from dataclasses import dataclass
from typing import Any

import strawberry

from gateway.context import Info
from gateway.errors import UserError
from gateway.identity.types import Account, Org
from gateway.media.types import Photo
from gateway.movements.types import Movement
from gateway.pagination import PageInfo, page_size
from gateway.records.generated import EntryData, RegistryTypes, make
from gateway.records.types import Completeness, TeacherChange
from gateway.review.types import ReviewState
from tmis.errors import DomainError, ErrorCode
from tmis.movements import OPEN_MOVEMENT
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.registry import Registry
from tmis.rpc.codec import decode


async def shown_data(
    info: Info, registry: Registry, set_key: str, school_type: str, raw: dict[str, Any]
) -> dict[str, Any]:
    """A set's stored values by field key as the API shows them: codes as {code, name}
    (numbers are typed already: see tmis/rpc/codec.py); values of fields the registry no longer has (a removed
    plugin) left out."""
    described = registry.set(set_key)
    fields = {f.key: f for f in described.fields} if described else {}
    names = {f.key: f.table_for(school_type) for f in fields.values() if f.type in ("code", "codes")}
    # one load for every table of the entry, batched with the other entries of the page
    wanted = list(dict.fromkeys(t for t in names.values() if t))
    tables = {t.table.name: t for t in await info.context.loaders.code_table_by_name.load_many(wanted) if t is not None}

    def as_code(table: Any, code: str) -> dict[str, str]:
        return {"code": code, "name": table.shown(code).name if table else code}

    def shown(key: str, value: Any) -> Any:
        field = fields.get(key)
        if field is None or value is None:
            return value
        if field.type in ("code", "codes"):
            table = tables.get(names[key] or "")
            return as_code(table, value) if field.type == "code" else [as_code(table, v) for v in value]
        return value

    return {key: shown(key, value) for key, value in raw.items() if key in fields}


async def changes_since_approval(info: Info, teacher_id: str) -> list[TeacherChange]:
    return [TeacherChange.of(c) for c in await info.context.loaders.changes_since_approval_by_teacher.load(teacher_id)]


async def history(info: Info, teacher_id: str, first: int | None) -> list[TeacherChange]:
    page = await info.context.loaders.history_by_teacher.load((teacher_id, page_size(first)))
    if page is None:  # as the records service answers for one record
        raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内", "teacherId")
    return [TeacherChange.of(c) for c in page.changes]


async def school(info: Info, teacher: pb.Teacher) -> Org:
    found = await info.context.loaders.org_by_code.load(teacher.school_code)
    if found is None:
        raise LookupError(f"school {teacher.school_code} of teacher {teacher.id} not found")
    return Org.of(found)


def completeness(registry: Registry, teacher: pb.Teacher) -> Completeness:
    missing = list(teacher.missing)
    labels = [registry.label_of(path, teacher.school_type) for path in missing]
    return Completeness(complete=not missing, missing=missing, missing_labels=labels)


@dataclass(frozen=True)
class TeacherTypes:
    Teacher: Any
    TeacherConnection: Any
    TeacherEdge: Any
    TeacherPayload: Any


# Made at run time from the registry, the classes below cannot be static types: mypy takes them as Any
# (declared so, explicitly), strawberry reads the classes themselves from the annotations.


def entry_type(types: RegistryTypes) -> Any:
    registry = types.registry
    InfoSet: Any = types.InfoSet

    @strawberry.type(
        description=(
            "One entry of a set. `data` carries every field of the set by key (see "
            "fieldDefinitions), codes as Code objects."
        )
    )
    class Entry:
        id: strawberry.ID
        set: InfoSet
        school_type: strawberry.Private[str]
        raw: strawberry.Private[dict[str, Any]]

        @strawberry.field
        async def data(self, info: Info) -> EntryData:
            return EntryData(await shown_data(info, registry, self.set.value, self.school_type, self.raw))

    return Entry


def teacher_type(types: RegistryTypes, Entry: Any) -> Any:  # noqa: N803 (a class, passed in)
    registry = types.registry
    InfoSet: Any = types.InfoSet
    BasicInfo: Any = types.BasicInfo

    @strawberry.type
    class Teacher:
        id: strawberry.ID
        version: int
        personal_code: str | None = strawberry.field(description="个人标识码: temporary until formal.")
        personal_code_formal: bool
        stored: strawberry.Private[pb.Teacher]

        @classmethod
        def of(cls, teacher: pb.Teacher) -> "Teacher":
            return cls(
                id=strawberry.ID(teacher.id),
                version=teacher.version,
                personal_code=teacher.personal_code or None,
                personal_code_formal=teacher.personal_code_formal,
                stored=teacher,
            )

        @functools.cached_property
        def basic_values(self) -> dict[str, Any]:
            """基本信息 by field key, decoded once, when first asked for (tmis/rpc/codec.py)."""
            return decode(self.stored.basic_json, registry.sets["BASIC"])

        @strawberry.field
        async def school(self, info: Info) -> Org:
            return await school(info, self.stored)

        @strawberry.field
        def basic(self) -> BasicInfo:
            return make(BasicInfo, self.basic_values, self.stored.school_type)

        @strawberry.field(
            description=(
                "Every 基本信息 value by field key (see fieldDefinitions(set: BASIC)), codes as Code "
                "objects like Entry.data: plugin fields included, so a form generated from "
                "fieldDefinitions round-trips them."
            )
        )
        async def basic_data(self, info: Info) -> EntryData:
            return EntryData(await shown_data(info, registry, "BASIC", self.stored.school_type, self.basic_values))

        @strawberry.field(description="Null until a photo is uploaded.")
        def photo(self, info: Info) -> Photo | None:
            return Photo.of(info, self.stored.id, self.stored.photo) if self.stored.HasField("photo") else None

        @strawberry.field
        def entries(self, set: InfoSet) -> list[Entry]:
            school_type = self.stored.school_type
            described = registry.set(set.value)
            return [
                Entry(id=strawberry.ID(e.id), set=set, school_type=school_type, raw=decode(e.data_json, described))
                for e in self.stored.entries
                if e.set == set.value
            ]

        @strawberry.field
        async def review(self, info: Info) -> ReviewState:
            return ReviewState.of(await info.context.loaders.review_state_by_teacher.load(self.stored.id))

        @strawberry.field(
            description="What changed since the record was last approved (at any level): what a reviewer checks again."
        )
        async def changes_since_approval(self, info: Info) -> list[TeacherChange]:
            return await changes_since_approval(info, self.stored.id)

        @strawberry.field(description="The teacher's own login (教师个人账户); null before one is generated.")
        async def account(self, info: Info) -> Account | None:
            found = await info.context.loaders.account_by_teacher.load(self.stored.id)
            return Account.of(found) if found else None

        @strawberry.field(
            description="Data-quality warnings (SPEC §2.3): shown to the school and reviewers, never blocking."
        )
        def warnings(self) -> list[UserError]:
            return [UserError(code=w.code, message=w.message, field=w.field or None) for w in self.stored.warnings]

        @strawberry.field
        def completeness(self) -> Completeness:
            return completeness(registry, self.stored)

        @strawberry.field(description="The open movement of this teacher, if any.")
        async def pending_movement(self, info: Info) -> Movement | None:
            found = await info.context.loaders.movements_by_teacher.load(self.stored.id)
            return next((Movement.of(m) for m in found if m.status in OPEN_MOVEMENT), None)

        @strawberry.field(description="Every movement of this teacher, newest first: the schools of a career.")
        async def movements(self, info: Info) -> list[Movement]:
            return [Movement.of(m) for m in await info.context.loaders.movements_by_teacher.load(self.stored.id)]

        @strawberry.field(description="Every change: who, when, field path, old and new value; newest first.")
        async def history(self, info: Info, first: int | None = 50) -> list[TeacherChange]:
            return await history(info, self.stored.id, first)

    return Teacher


def teacher_types(types: RegistryTypes) -> TeacherTypes:
    Teacher: Any = teacher_type(types, entry_type(types))

    @strawberry.type
    class TeacherEdge:
        cursor: str
        node: Teacher

    @strawberry.type
    class TeacherConnection:
        edges: list[TeacherEdge]
        page_info: PageInfo
        total_count: int

    @strawberry.type
    class TeacherPayload:
        teacher: Teacher | None
        user_errors: list[UserError]

    return TeacherTypes(Teacher, TeacherConnection, TeacherEdge, TeacherPayload)

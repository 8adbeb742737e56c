"""Teachers in the public API, built from the field registry when the schema is built, so that
fields a province plugin adds appear typed: Teacher, BasicInfo, Entry, inputs, queries and
mutations. (No `from __future__ import annotations` here: the classes refer to types made
in the same call.)"""
from typing import Any, Optional

import strawberry

from gateway.context import Info
from gateway.errors import UserError, attempt, refusal, require
from gateway.identity.types import Account, Org
from gateway.media.types import Photo
from gateway.pagination import PageInfo, decode_cursor, encode_cursor, page_size
from gateway.records import current
from gateway.records.generated import EntryData, input_type, input_values, make, output_type
from gateway.identity.types import SchoolType
from gateway.records.types import FieldDefinition, info_set_enum
from gateway.review.types import RecordStatus, ReviewState
from tmis.errors import DomainError, ErrorCode
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.proto.review.v1 import review_pb2 as review_pb
from tmis.registry import Registry
from tmis.rpc.structs import record_data
from tmis.rpc.structs import to_struct as _struct

TYPED_MEMBERS = {"education": "EDUCATION", "work": "WORK", "assessment": "ASSESSMENT", "salary": "SALARY"}


@strawberry.type
class Completeness:
    complete: bool
    missing: list[str] = strawberry.field(description="Required sets or fields still missing, as dotted paths.")
    missing_labels: list[str] = strawberry.field(description="The Chinese labels of `missing`, in order (学习经历, 姓名).")


@strawberry.type
class TeacherChange:
    at: str
    actor: str
    path: str = strawberry.field(description="basic.<field>, entry.<set>[<entry id>] or entry.<set>[<entry id>].<field>")
    old_value: Optional[str] = strawberry.field(description="JSON; null when absent.")
    new_value: Optional[str] = strawberry.field(description="JSON; null when absent.")


def teacher_schema(registry: Registry) -> tuple[type, type]:
    """(Query, Mutation) mixins for teachers, their types generated from `registry`."""
    InfoSet = info_set_enum(registry)
    BasicInfo = output_type("BasicInfo", registry.sets["BASIC"], "基本信息 (main table). Derived fields are read-only.")
    BasicInfoInput = input_type(
        "BasicInfoInput",
        registry.sets["BASIC"],
        "Unset optional fields take the national defaults (e.g. nationality 156, idType 1, staffStatus 100, politicalStatus [13]); a field the school type lacks is rejected.",
    )
    EducationEntryInput = input_type("EducationEntryInput", registry.sets["EDUCATION"], "学习经历")
    WorkEntryInput = input_type("WorkEntryInput", registry.sets["WORK"], "工作经历: leave endMonth unset for the current post (至今).")
    AssessmentEntryInput = input_type("AssessmentEntryInput", registry.sets["ASSESSMENT"], "年度考核")
    SalaryEntryInput = input_type("SalaryEntryInput", registry.sets["SALARY"], "基本待遇: year must be before the current year.")

    @strawberry.input
    class OtherEntryInput:
        set: InfoSet
        data: EntryData

    @strawberry.input(one_of=True, description="Exactly one member is set.")
    class EntryInput:
        education: Optional[EducationEntryInput] = strawberry.UNSET
        work: Optional[WorkEntryInput] = strawberry.UNSET
        assessment: Optional[AssessmentEntryInput] = strawberry.UNSET
        salary: Optional[SalaryEntryInput] = strawberry.UNSET
        other: Optional[OtherEntryInput] = strawberry.field(default=strawberry.UNSET, description="Any other set, plugin sets included: field key -> value, validated against fieldDefinitions.")

    def entry_values(entry: EntryInput) -> tuple[str, dict[str, Any]]:
        for member, set_key in TYPED_MEMBERS.items():
            value = getattr(entry, member)
            if value is not strawberry.UNSET and value is not None:
                return set_key, input_values(value)
        return entry.other.set.value, entry.other.data

    async def shown_data(info: Info, set_key: str, school_type: str, raw: dict[str, Any]) -> dict[str, Any]:
        """A set's stored values by field key as the API shows them: codes as {code, name}, whole
        numbers as ints; values of fields the registry no longer has (a removed plugin) left out."""
        described = registry.set(set_key)
        fields = {f.key: f for f in described.fields} if described else {}
        names = {f.key: f.table_for(school_type) for f in fields.values() if f.type in ("code", "codes")}
        # one load for every table of the entry, batched with the other entries of the page
        loaded = await info.context.loaders.code_table_by_name.load_many(list(dict.fromkeys(t for t in names.values() if t)))
        tables = {t.table.name: t for t in loaded if t is not None}

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

    @strawberry.type(description="One entry of a set. `data` carries every field of the set by key (see fieldDefinitions), codes as Code objects.")
    class Entry:
        id: strawberry.ID
        set: InfoSet
        school_type: strawberry.Private[str]
        raw: strawberry.Private[dict[str, Any]]

        @strawberry.field
        async def data(self, info: Info) -> EntryData:
            return await shown_data(info, self.set.value, self.school_type, self.raw)

    @strawberry.type
    class Teacher:
        id: strawberry.ID
        version: int
        personal_code: Optional[str] = strawberry.field(description="个人标识码: temporary until formal.")
        personal_code_formal: bool
        stored: strawberry.Private[pb.Teacher]

        @classmethod
        def of(cls, teacher: pb.Teacher) -> "Teacher":
            return cls(
                id=strawberry.ID(teacher.id), version=teacher.version, personal_code=teacher.personal_code or None,
                personal_code_formal=teacher.personal_code_formal, stored=teacher,
            )

        @strawberry.field
        async def school(self, info: Info) -> Org:
            found = await info.context.loaders.org_by_code.load(self.stored.school_code)
            if found is None:
                raise LookupError(f"school {self.stored.school_code} of teacher {self.id} not found")
            return Org.of(found)

        @strawberry.field
        def basic(self) -> BasicInfo:
            return make(BasicInfo, record_data(self.stored.basic, registry.sets["BASIC"]), self.stored.school_type)

        @strawberry.field(description="Every 基本信息 value by field key (see fieldDefinitions(set: BASIC)), codes as Code objects like Entry.data: plugin fields included, so a form generated from fieldDefinitions round-trips them.")
        async def basic_data(self, info: Info) -> EntryData:
            return await shown_data(info, "BASIC", self.stored.school_type, record_data(self.stored.basic, registry.sets["BASIC"]))

        @strawberry.field(description="Null until a photo is uploaded.")
        def photo(self, info: Info) -> Optional[Photo]:
            return Photo.of(info, self.stored.id, self.stored.photo) if self.stored.HasField("photo") else None

        @strawberry.field
        def entries(self, set: InfoSet) -> list[Entry]:
            return [Entry(id=strawberry.ID(e.id), set=InfoSet(e.set), school_type=self.stored.school_type, raw=record_data(e.data, registry.set(e.set))) for e in self.stored.entries if e.set == set.value]

        @strawberry.field
        async def review(self, info: Info) -> ReviewState:
            return ReviewState.of(await info.context.loaders.review_state_by_teacher.load(self.stored.id))

        @strawberry.field(description="What changed since the record was last approved (at any level): what a reviewer checks again.")
        async def changes_since_approval(self, info: Info) -> list[TeacherChange]:
            request = pb.BatchGetTeachersRequest(ids=[self.stored.id], with_changes_since_approval=True)
            reply = await info.context.clients.records.BatchGetTeachers(request, token=info.context.token)
            changes = reply.teachers[0].changes_since_approval if reply.teachers else []
            return [TeacherChange(at=c.at, actor=c.actor, path=c.path, old_value=c.old_value or None, new_value=c.new_value or None) for c in changes]

        @strawberry.field(description="The teacher's own login (教师个人账户); null before one is generated.")
        async def account(self, info: Info) -> Optional[Account]:
            found = await info.context.loaders.account_by_teacher.load(self.stored.id)
            return Account.of(found) if found else None

        @strawberry.field(description="Data-quality warnings (SPEC §2.3): shown to the school and reviewers, never blocking.")
        def warnings(self) -> list[UserError]:
            return [UserError(code=w.code, message=w.message, field=w.field or None) for w in self.stored.warnings]

        @strawberry.field
        def completeness(self) -> Completeness:
            missing = list(self.stored.missing)
            labels = [registry.label_of(path, self.stored.school_type) for path in missing]
            return Completeness(complete=not missing, missing=missing, missing_labels=labels)

        @strawberry.field(description="Every change: who, when, field path, old and new value; newest first.")
        async def history(self, info: Info, first: Optional[int] = 50) -> list[TeacherChange]:
            request = pb.ListTeacherHistoryRequest(teacher_id=self.stored.id, first=page_size(first))
            reply = await info.context.clients.records.ListTeacherHistory(request, token=info.context.token)
            return [TeacherChange(at=c.at, actor=c.actor, path=c.path, old_value=c.old_value or None, new_value=c.new_value or None) for c in reply.changes]

    current.Teacher = Teacher  # Account.teacher refers to it lazily

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
        teacher: Optional[Teacher]
        user_errors: list[UserError]

    def payload(reply: Optional[pb.TeacherWrite], errors: list[UserError]) -> TeacherPayload:
        if reply is None:
            return TeacherPayload(teacher=None, user_errors=errors)
        problems = [UserError(code=e.code, message=e.message, field=e.field or None) for e in reply.errors]
        return TeacherPayload(teacher=Teacher.of(reply.teacher) if reply.HasField("teacher") and not problems else None, user_errors=problems)

    async def write(info: Info, rpc: str, request: Any) -> TeacherPayload:
        if errors := refusal(info.context.caller):
            return payload(None, errors)
        return payload(*await attempt(getattr(info.context.clients.records, rpc)(request, token=info.context.token)))

    @strawberry.type
    class TeacherQuery:
        @strawberry.field(description="Field definitions of one set for a school type, plugin fields included: what a form renderer or template builder needs.")
        def field_definitions(self, info: Info, set: InfoSet, school_type: Optional[SchoolType] = SchoolType.PRIMARY_SECONDARY) -> list[FieldDefinition]:
            described = registry.set(set.value)
            if described is None:
                raise DomainError(ErrorCode.NOT_FOUND, f"信息集 {set.value} 的字段尚未定义", "set")
            variant = (school_type or SchoolType.PRIMARY_SECONDARY).value
            return [FieldDefinition.of(f, variant) for f in described.for_school_type(variant)]

        @strawberry.field
        async def teacher(self, info: Info, id: strawberry.ID) -> Optional[Teacher]:
            if info.context.caller is None:
                return None
            found = await info.context.loaders.teacher_by_id.load(str(id))
            return Teacher.of(found) if found else None

        @strawberry.field(description="Teachers of an org's subtree, newest change first.")
        async def teachers(
            self, info: Info, org_code: str, status: Optional[RecordStatus] = None, search: Optional[str] = None, first: Optional[int] = 50, after: Optional[str] = None
        ) -> TeacherConnection:
            require(info.context.caller)
            request = pb.ListTeachersRequest(
                org_code=org_code, status=status.value if status else "", search=search or "", first=page_size(first), after=decode_cursor(after),
                sets=info.context.registry.entry_sets(),
            )
            reply = await info.context.clients.records.ListTeachers(request, token=info.context.token)
            edges = [TeacherEdge(cursor=encode_cursor(f"{t.updated_at}|{t.id}"), node=Teacher.of(t)) for t in reply.teachers]
            return TeacherConnection(edges=edges, page_info=PageInfo(has_next_page=reply.has_next_page, end_cursor=encode_cursor(reply.end_cursor) if reply.end_cursor else None), total_count=reply.total_count)

        @strawberry.field(description="Records pending review at the caller's org.")
        async def review_queue(self, info: Info, first: Optional[int] = 50, after: Optional[str] = None) -> TeacherConnection:
            require(info.context.caller, "REVIEWER")
            request = review_pb.ListReviewQueueRequest(first=page_size(first), after=decode_cursor(after))
            reply = await info.context.clients.review.ListReviewQueue(request, token=info.context.token)
            found = await info.context.loaders.teacher_by_id.load_many(list(reply.teacher_ids))
            edges = [TeacherEdge(cursor=encode_cursor(t.id), node=Teacher.of(t)) for t in found if t is not None]
            end = encode_cursor(reply.end_cursor) if reply.end_cursor else None
            return TeacherConnection(edges=edges, page_info=PageInfo(has_next_page=reply.has_next_page, end_cursor=end), total_count=reply.total_count)

    @strawberry.type
    class TeacherMutation:
        @strawberry.mutation(description="信息首次录入: new record (基本信息) in a school.")
        async def create_teacher(self, info: Info, school_code: str, basic: BasicInfoInput) -> TeacherPayload:
            return await write(info, "CreateTeacher", pb.CreateTeacherRequest(school_code=school_code.strip(), basic=_struct(input_values(basic))))

        @strawberry.mutation(description="保存 基本信息: the whole set is validated; an incomplete or invalid set is not saved.")
        async def save_basic_info(self, info: Info, teacher_id: strawberry.ID, expected_version: int, basic: BasicInfoInput) -> TeacherPayload:
            request = pb.SaveBasicInfoRequest(teacher_id=teacher_id, expected_version=expected_version, basic=_struct(input_values(basic)))
            return await write(info, "SaveBasicInfo", request)

        @strawberry.mutation
        async def add_entry(self, info: Info, teacher_id: strawberry.ID, expected_version: int, entry: EntryInput) -> TeacherPayload:
            set_key, data = entry_values(entry)
            request = pb.AddEntryRequest(teacher_id=teacher_id, expected_version=expected_version, set=set_key, data=_struct(data))
            return await write(info, "AddEntry", request)

        @strawberry.mutation
        async def update_entry(self, info: Info, teacher_id: strawberry.ID, expected_version: int, entry_id: strawberry.ID, entry: EntryInput) -> TeacherPayload:
            _, data = entry_values(entry)
            request = pb.UpdateEntryRequest(teacher_id=teacher_id, expected_version=expected_version, entry_id=entry_id, data=_struct(data))
            return await write(info, "UpdateEntry", request)

        @strawberry.mutation
        async def delete_entry(self, info: Info, teacher_id: strawberry.ID, expected_version: int, entry_id: strawberry.ID) -> TeacherPayload:
            return await write(info, "DeleteEntry", pb.DeleteEntryRequest(teacher_id=teacher_id, expected_version=expected_version, entry_id=entry_id))

        @strawberry.mutation(description="Only DRAFT or REJECTED records.")
        async def delete_teacher(self, info: Info, teacher_id: strawberry.ID) -> TeacherPayload:
            return await write(info, "DeleteTeacher", pb.DeleteTeacherRequest(teacher_id=teacher_id))

    return TeacherQuery, TeacherMutation


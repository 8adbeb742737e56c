"""Teacher records written through the API: create, 基本信息, entries, delete.

The mutations take inputs the registry decides (BasicInfoInput, EntryInput), so `teacher_mutation`
makes them from the types passed in. (No `from __future__ import annotations`: see teacher.py.)"""

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from starlette.datastructures import UploadFile

from gateway.context import Info
from gateway.errors import UserError, attempt, refusal
from gateway.files import download_url
from gateway.jobs import ImportJobPayload
from gateway.records.generated import RegistryTypes, input_values
from gateway.records.teacher import TeacherTypes
from gateway.records.types import ExportPayload, ImportMode, export_path, import_job_of
from gateway.review.types import RecordStatus
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.proto.review.v1 import review_pb2 as review_pb
from tmis.rpc.codec import encode

# EntryInput's typed members and the set each one writes; `other` names its set
TYPED_MEMBERS = {"education": "EDUCATION", "work": "WORK", "assessment": "ASSESSMENT", "salary": "SALARY"}


def entry_values(entry: Any) -> tuple[str, dict[str, Any]]:
    """(set key, field values) of the one member of an EntryInput that is set."""
    for member, set_key in TYPED_MEMBERS.items():
        value = getattr(entry, member)
        if value is not strawberry.UNSET and value is not None:
            return set_key, input_values(value)
    return entry.other.set.value, entry.other.data


def teacher_payload(teachers: TeacherTypes, reply: pb.TeacherWrite | None, errors: list[UserError]) -> Any:
    """A write's answer: the teacher as saved, or the errors (the service's own, field by field)."""
    if reply is None:
        return teachers.TeacherPayload(teacher=None, user_errors=errors)
    problems = [UserError(code=e.code, message=e.message, field=e.field or None) for e in reply.errors]
    saved = teachers.Teacher.of(reply.teacher) if reply.HasField("teacher") and not problems else None
    return teachers.TeacherPayload(teacher=saved, user_errors=problems)


async def write(
    info: Info, teachers: TeacherTypes, rpc: Callable[..., Awaitable[pb.TeacherWrite]], request: Any
) -> Any:
    """One write of a signed-in caller (the records service checks the caller's reach)."""
    if errors := refusal(info.context.caller):
        return teacher_payload(teachers, None, errors)
    return teacher_payload(teachers, *await attempt(rpc(request, token=info.context.token)))


async def change(
    info: Info, teachers: TeacherTypes, rpc: Callable[..., Awaitable[review_pb.ReviewState]], request: Any
) -> Any:
    """startChange / withdrawChange: the review service moves the state; the answer is the record as now stored."""
    if errors := refusal(info.context.caller):
        return teachers.TeacherPayload(teacher=None, user_errors=errors)
    state, errors = await attempt(rpc(request, token=info.context.token))
    if state is None:
        return teachers.TeacherPayload(teacher=None, user_errors=errors)
    request = pb.BatchGetTeachersRequest(ids=[state.teacher_id], sets=info.context.registry.entry_sets())
    found = await info.context.clients.records.BatchGetTeachers(request, token=info.context.token)
    saved = teachers.Teacher.of(found.teachers[0]) if found.teachers else None
    return teachers.TeacherPayload(teacher=saved, user_errors=[])


def teacher_mutation(types: RegistryTypes, teachers: TeacherTypes) -> type:
    # Made at run time from the registry, these classes cannot be static types: mypy takes them as Any
    # (declared so, explicitly), strawberry reads the classes themselves from the annotations below.
    BasicInfoInput: Any = types.BasicInfoInput
    EntryInput: Any = types.EntryInput
    TeacherPayload: Any = teachers.TeacherPayload

    @strawberry.type
    class TeacherMutation:
        @strawberry.mutation(description="信息首次录入: new record (基本信息) in a school.")
        async def create_teacher(self, info: Info, school_code: str, basic: BasicInfoInput) -> TeacherPayload:
            request = pb.CreateTeacherRequest(school_code=school_code.strip(), basic_json=encode(input_values(basic)))
            return await write(info, teachers, info.context.clients.records.CreateTeacher, request)

        @strawberry.mutation(
            description="保存 基本信息: the whole set is validated; an incomplete or invalid set is not saved."
        )
        async def save_basic_info(
            self, info: Info, teacher_id: strawberry.ID, expected_version: int, basic: BasicInfoInput
        ) -> TeacherPayload:
            request = pb.SaveBasicInfoRequest(
                teacher_id=teacher_id, expected_version=expected_version, basic_json=encode(input_values(basic))
            )
            return await write(info, teachers, info.context.clients.records.SaveBasicInfo, request)

        @strawberry.mutation
        async def add_entry(
            self, info: Info, teacher_id: strawberry.ID, expected_version: int, entry: EntryInput
        ) -> TeacherPayload:
            set_key, data = entry_values(entry)
            request = pb.AddEntryRequest(
                teacher_id=teacher_id, expected_version=expected_version, set=set_key, data_json=encode(data)
            )
            return await write(info, teachers, info.context.clients.records.AddEntry, request)

        @strawberry.mutation
        async def update_entry(
            self,
            info: Info,
            teacher_id: strawberry.ID,
            expected_version: int,
            entry_id: strawberry.ID,
            entry: EntryInput,
        ) -> TeacherPayload:
            _, data = entry_values(entry)
            request = pb.UpdateEntryRequest(
                teacher_id=teacher_id, expected_version=expected_version, entry_id=entry_id, data_json=encode(data)
            )
            return await write(info, teachers, info.context.clients.records.UpdateEntry, request)

        @strawberry.mutation
        async def delete_entry(
            self, info: Info, teacher_id: strawberry.ID, expected_version: int, entry_id: strawberry.ID
        ) -> TeacherPayload:
            request = pb.DeleteEntryRequest(teacher_id=teacher_id, expected_version=expected_version, entry_id=entry_id)
            return await write(info, teachers, info.context.clients.records.DeleteEntry, request)

        @strawberry.mutation(
            description="信息变更: reopen an APPROVED record as CHANGING (the school's 信息录入员, or the teacher "
            "for the teacher's own record). reason is kept in the review history."
        )
        async def start_change(self, info: Info, teacher_id: strawberry.ID, reason: str) -> TeacherPayload:
            request = review_pb.StartChangeRequest(teacher_id=teacher_id, reason=reason)
            return await change(info, teachers, info.context.clients.review.StartChange, request)

        @strawberry.mutation(description="Give up a change: the record returns to its last approved version, APPROVED.")
        async def withdraw_change(self, info: Info, teacher_id: strawberry.ID) -> TeacherPayload:
            request = review_pb.WithdrawChangeRequest(teacher_id=teacher_id)
            return await change(info, teachers, info.context.clients.review.WithdrawChange, request)

        @strawberry.mutation(description="Only DRAFT or REJECTED records.")
        async def delete_teacher(self, info: Info, teacher_id: strawberry.ID) -> TeacherPayload:
            request = pb.DeleteTeacherRequest(teacher_id=teacher_id)
            return await write(info, teachers, info.context.clients.records.DeleteTeacher, request)

    return TeacherMutation


@strawberry.type
class ImportMutation:
    @strawberry.mutation
    async def import_workbook(
        self,
        info: Info,
        school_code: str,
        file: UploadFile,
        mode: ImportMode | None = ImportMode.APPEND,
        dry_run: bool | None = False,
    ) -> ImportJobPayload:
        if errors := refusal(info.context.caller, "DATA_ENTRY"):
            return ImportJobPayload(user_errors=errors)
        content = await file.read()
        request = pb.StartImportRequest(
            school_code=school_code.strip(),
            filename=file.filename or "",
            content=content,
            mode=(mode or ImportMode.APPEND).value,
            dry_run=bool(dry_run),
        )
        job, errors = await attempt(
            info.context.clients.records.StartImport(request, token=info.context.token, timeout=60)
        )
        return ImportJobPayload(job=import_job_of(info, job) if job else None, user_errors=errors)

    @strawberry.mutation
    async def export_teachers(self, info: Info, org_code: str, status: RecordStatus | None = None) -> ExportPayload:
        caller = info.context.caller
        if errors := refusal(caller, "DATA_ENTRY", "REVIEWER", "QUERY"):  # records' access.ROLES["export"]
            return ExportPayload(url=None, user_errors=errors)
        org = await info.context.loaders.org_by_code.load(org_code.strip())
        if org is None or caller is None or not caller.reaches(tuple(org.path)):
            return ExportPayload(
                url=None,
                user_errors=[UserError(code="FORBIDDEN", message="单位不存在，或不在您的管理范围内", field="orgCode")],
            )
        url = download_url(
            info.context.request, info.context.signer, caller, export_path(org.code, status.value if status else "")
        )
        return ExportPayload(url=url, user_errors=[])

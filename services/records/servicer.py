"""gRPC adapter of the records service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import grpc
from google.protobuf.struct_pb2 import Struct

from services.records.jobs import Workbooks
from services.records.model import Change, Teacher
from services.records.review_link import ReviewLink, changes_since_approval
from services.records.stats import Stats
from services.records.storage import Job
from services.records.teachers import History, Teachers, Write
from tmis.codes import CodeTable
from tmis.errors import DomainError, ErrorCode
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.proto.records.v1 import records_pb2_grpc
from tmis.rpc import current_caller
from tmis.rpc.codec import decode, encode
from tmis.rpc.photos import photo_document, photo_message

PUBLIC_METHODS = ("/tmis.records.v1.RecordsService/ListCodeTables", "/tmis.records.v1.RecordsService/GetImportTemplate")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Context = grpc.aio.ServicerContext  # Context[Request, Reply]: a method's request and reply (each chunk, if streamed)
_Request = TypeVar("_Request")


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def change_pb(change: Change) -> pb.Change:
    return pb.Change(
        at=change.at.isoformat(),
        actor=change.actor,
        path=change.path,
        old_value=_json(change.old),
        new_value=_json(change.new),
    )


def teacher_pb(teacher: Teacher, sets: set[str] | None = None, with_changes: bool = False) -> pb.Teacher:
    """`sets`: the sets whose entries to include (None: all)."""
    return pb.Teacher(
        id=teacher.id,
        version=teacher.version,
        school_code=teacher.school_code,
        school_type=teacher.school_type,
        status=teacher.status,
        basic_json=encode(teacher.basic),
        entries=[
            pb.Entry(id=e.id, set=e.set, data_json=encode(e.data))
            for e in teacher.entries
            if sets is None or e.set in sets
        ],
        missing=teacher.missing,
        updated_at=teacher.updated_at.isoformat() if teacher.updated_at else "",
        warnings=[pb.UserError(code=c, message=m, field=f) for c, m, f in teacher.warnings],
        org_path=teacher.org_path,
        personal_code=teacher.personal_code,
        personal_code_formal=teacher.personal_code_formal,
        changes_since_approval=[change_pb(c) for c in changes_since_approval(teacher)] if with_changes else [],
        photo=photo_message(teacher.photo) if teacher.photo else None,
    )


def history_pb(history: History) -> pb.HistoryPage:
    changes, more = history
    return pb.HistoryPage(
        changes=[change_pb(c) for _, c in changes], has_next_page=more, end_cursor=changes[-1][0] if changes else ""
    )


def write_pb(result: Write) -> pb.TeacherWrite:
    teacher, problems = result
    return pb.TeacherWrite(
        teacher=teacher_pb(teacher) if teacher else None,
        errors=[pb.UserError(code=p.code, message=p.message, field=p.field) for p in problems],
    )


def _extra(facts: Mapping[str, Any]) -> Struct:
    out = Struct()
    out.update(facts)
    return out


def code_table_pb(table: CodeTable) -> pb.CodeTable:
    return pb.CodeTable(
        name=table.name,
        label=table.label,
        entries=[
            pb.Code(code=e.code, name=e.name, parent=e.parent or "", extra=_extra(e.extra) if e.extra else None)
            for e in table.entries
        ],
        exclusive=sorted(table.exclusive),
        partial=table.partial,
    )


def job_pb(job: Job) -> pb.ImportJob:
    counts = job.counts
    return pb.ImportJob(
        id=job.id,
        status=job.status,
        errors=[
            pb.ImportRowError(
                sheet=e.get("sheet", ""), row=e.get("row", 0), column=e.get("column", ""), message=e.get("message", "")
            )
            for e in job.errors
        ],
        has_error_report=any(e.get("row", 0) > 1 for e in job.errors),
        school_code=job.school_code,
        mode=job.mode,
        dry_run=job.dry_run,
        **{
            k: counts.get(k, 0)
            for k in (
                "total",
                "processed",
                "succeeded",
                "failed",
                "inserted",
                "updated",
                "unchanged",
                "appended",
                "removed",
                "new_rows",
                "updated_rows",
                "unchanged_rows",
            )
        },
    )


async def _send(context: Context[_Request, pb.FileChunk], pieces: Iterable[bytes]) -> None:
    """A file in chunks (a coroutine writing them, so the interceptors wrap it like a unary call)."""
    for piece in pieces:
        await context.write(pb.FileChunk(data=piece))


class RecordsServicer(records_pb2_grpc.RecordsServiceServicer):
    def __init__(
        self,
        teachers: Teachers,
        review: ReviewLink,
        stats: Stats,
        code_tables: Mapping[str, CodeTable],
        workbooks: Workbooks,
    ) -> None:
        self.teachers = teachers
        self.review = review
        self.stats = stats
        self.code_tables = code_tables
        self.workbooks = workbooks

    def _data(self, raw: bytes, set_key: str | None, field: str) -> dict[str, Any]:
        """A set's values as sent, typed by the registry (None: the update of an entry, whose set is
        found later, is validated from the values as sent)."""
        try:
            return decode(raw, self.teachers.registry.set(set_key) if set_key else None)
        except ValueError:
            raise DomainError(ErrorCode.INVALID_INPUT, "数据应为“字段: 值”的 JSON 对象", field) from None

    async def CreateTeacher(
        self, request: pb.CreateTeacherRequest, context: Context[pb.CreateTeacherRequest, pb.TeacherWrite]
    ) -> pb.TeacherWrite:
        return write_pb(
            await self.teachers.create(
                current_caller(), request.school_code, self._data(request.basic_json, "BASIC", "basic")
            )
        )

    async def SaveBasicInfo(
        self, request: pb.SaveBasicInfoRequest, context: Context[pb.SaveBasicInfoRequest, pb.TeacherWrite]
    ) -> pb.TeacherWrite:
        result = await self.teachers.save_basic(
            current_caller(),
            request.teacher_id,
            request.expected_version,
            self._data(request.basic_json, "BASIC", "basic"),
        )
        return write_pb(result)

    async def AddEntry(
        self, request: pb.AddEntryRequest, context: Context[pb.AddEntryRequest, pb.TeacherWrite]
    ) -> pb.TeacherWrite:
        result = await self.teachers.add_entry(
            current_caller(),
            request.teacher_id,
            request.expected_version,
            request.set,
            self._data(request.data_json, request.set, "entry"),
        )
        return write_pb(result)

    async def UpdateEntry(
        self, request: pb.UpdateEntryRequest, context: Context[pb.UpdateEntryRequest, pb.TeacherWrite]
    ) -> pb.TeacherWrite:
        result = await self.teachers.update_entry(
            current_caller(),
            request.teacher_id,
            request.expected_version,
            request.entry_id,
            self._data(request.data_json, None, "entry"),
        )
        return write_pb(result)

    async def DeleteEntry(
        self, request: pb.DeleteEntryRequest, context: Context[pb.DeleteEntryRequest, pb.TeacherWrite]
    ) -> pb.TeacherWrite:
        return write_pb(
            await self.teachers.delete_entry(
                current_caller(), request.teacher_id, request.expected_version, request.entry_id
            )
        )

    async def DeleteTeacher(
        self, request: pb.DeleteTeacherRequest, context: Context[pb.DeleteTeacherRequest, pb.TeacherWrite]
    ) -> pb.TeacherWrite:
        return pb.TeacherWrite(teacher=teacher_pb(await self.teachers.delete(current_caller(), request.teacher_id)))

    async def BatchGetTeachers(
        self, request: pb.BatchGetTeachersRequest, context: Context[pb.BatchGetTeachersRequest, pb.TeacherList]
    ) -> pb.TeacherList:
        found = await self.teachers.get(current_caller(), list(request.ids))
        sets = set(request.sets)
        return pb.TeacherList(teachers=[teacher_pb(t, sets, request.with_changes_since_approval) for t in found])

    async def ListTeachers(
        self, request: pb.ListTeachersRequest, context: Context[pb.ListTeachersRequest, pb.TeacherPage]
    ) -> pb.TeacherPage:
        page = await self.teachers.list(
            current_caller(), request.org_code, request.status, request.search, request.first, request.after
        )
        sets = set(request.sets)
        return pb.TeacherPage(
            teachers=[teacher_pb(t, sets) for t in page.teachers],
            has_next_page=page.has_next,
            total_count=page.total,
            end_cursor=page.end_cursor,
        )

    async def ListTeacherHistory(
        self, request: pb.ListTeacherHistoryRequest, context: Context[pb.ListTeacherHistoryRequest, pb.HistoryPage]
    ) -> pb.HistoryPage:
        return history_pb(
            await self.teachers.history(current_caller(), request.teacher_id, request.first, request.after)
        )

    async def BatchGetTeacherHistory(
        self,
        request: pb.BatchGetTeacherHistoryRequest,
        context: Context[pb.BatchGetTeacherHistoryRequest, pb.TeacherHistoryList],
    ) -> pb.TeacherHistoryList:
        found = await self.teachers.histories(current_caller(), list(request.teacher_ids), request.first)
        return pb.TeacherHistoryList(
            teachers=[pb.TeacherHistory(teacher_id=t, page=history_pb(h)) for t, h in found.items()]
        )

    async def ListSchoolRoster(
        self, request: pb.ListSchoolRosterRequest, context: Context[pb.ListSchoolRosterRequest, pb.Roster]
    ) -> pb.Roster:
        found = await self.teachers.roster(current_caller(), request.school_code)
        return pb.Roster(
            teachers=[
                pb.RosterEntry(
                    teacher_id=t.id, name=t.basic["name"], id_type=t.basic["idType"], id_number=t.basic["idNumber"]
                )
                for t in found
            ]
        )

    async def AttachPhoto(
        self, request: pb.AttachPhotoRequest, context: Context[pb.AttachPhotoRequest, pb.AttachPhotoReply]
    ) -> pb.AttachPhotoReply:
        if not request.photo.id:
            raise DomainError(ErrorCode.INVALID_INPUT, "照片标识不能为空", "photo")
        photo = photo_document(request.photo)
        replaced, version = await self.teachers.attach_photo(current_caller(), request.teacher_id, photo)
        return pb.AttachPhotoReply(replaced_id=replaced, version=version)

    async def ListCodeTables(
        self, request: pb.ListCodeTablesRequest, context: Context[pb.ListCodeTablesRequest, pb.CodeTableList]
    ) -> pb.CodeTableList:
        names = list(dict.fromkeys(request.names))[:100]
        return pb.CodeTableList(tables=[code_table_pb(self.code_tables[n]) for n in names if n in self.code_tables])

    async def SetReviewStatus(
        self, request: pb.SetReviewStatusRequest, context: Context[pb.SetReviewStatusRequest, pb.SetReviewStatusReply]
    ) -> pb.SetReviewStatusReply:
        problems = await self.review.set_status(
            current_caller(),
            request.teacher_id,
            request.status,
            request.seq,
            request.approved_snapshot,
            request.restore_approved,
            request.check_duplicates,
        )
        return pb.SetReviewStatusReply(
            applied=not problems, errors=[pb.UserError(code=p.code, message=p.message, field=p.field) for p in problems]
        )

    async def MoveTeacher(
        self, request: pb.MoveTeacherRequest, context: Context[pb.MoveTeacherRequest, pb.Teacher]
    ) -> pb.Teacher:
        moved = await self.review.move(
            current_caller(),
            request.teacher_id,
            request.school_code,
            request.school_type,
            list(request.org_path),
            request.actor,
        )
        return teacher_pb(moved, set())

    async def FindTeacherByDocument(
        self,
        request: pb.FindTeacherByDocumentRequest,
        context: Context[pb.FindTeacherByDocumentRequest, pb.TeacherList],
    ) -> pb.TeacherList:
        found = await self.review.by_document(current_caller(), request.id_type, request.id_number)
        return pb.TeacherList(teachers=[teacher_pb(t, set()) for t in found])

    async def AssignPersonalCode(
        self, request: pb.AssignPersonalCodeRequest, context: Context[pb.AssignPersonalCodeRequest, pb.Teacher]
    ) -> pb.Teacher:
        return teacher_pb(
            await self.review.assign_personal_code(
                current_caller(), request.teacher_id, request.formal, request.formal_letter, request.renew
            ),
            set(),
        )

    async def GetProgress(
        self, request: pb.GetProgressRequest, context: Context[pb.GetProgressRequest, pb.ProgressReply]
    ) -> pb.ProgressReply:
        rows = await self.stats.progress(current_caller(), request.org_code)
        return pb.ProgressReply(orgs=[pb.OrgCounts(**dataclasses.asdict(r)) for r in rows])

    async def GetStatistics(
        self, request: pb.GetStatisticsRequest, context: Context[pb.GetStatisticsRequest, pb.StatisticsReply]
    ) -> pb.StatisticsReply:
        rows = await self.stats.statistics(
            current_caller(), request.org_code, request.dimension, request.status, dt.date.today()
        )
        return pb.StatisticsReply(buckets=[pb.StatBucket(key=k, label=label, count=n) for k, label, n in rows])

    async def GetImportTemplate(
        self, request: pb.GetImportTemplateRequest, context: Context[pb.GetImportTemplateRequest, pb.FileContent]
    ) -> pb.FileContent:
        content = self.workbooks.template(request.school_type)
        return pb.FileContent(
            filename=f"教师信息导入模板-{request.school_type}.xlsx", content_type=XLSX, content=content
        )

    async def StartImport(
        self, request: pb.StartImportRequest, context: Context[pb.StartImportRequest, pb.ImportJob]
    ) -> pb.ImportJob:
        job = await self.workbooks.start(
            current_caller(),
            request.school_code,
            request.filename,
            request.content,
            request.mode or "APPEND",
            request.dry_run,
        )
        return job_pb(job)

    async def GetImportJob(
        self, request: pb.GetImportJobRequest, context: Context[pb.GetImportJobRequest, pb.ImportJob]
    ) -> pb.ImportJob:
        return job_pb(await self.workbooks.job(current_caller(), request.id))

    async def GetImportErrorReport(
        self, request: pb.GetImportJobRequest, context: Context[pb.GetImportJobRequest, pb.FileChunk]
    ) -> None:
        await _send(context, await self.workbooks.error_report(current_caller(), request.id))

    async def ExportTeachers(
        self, request: pb.ExportTeachersRequest, context: Context[pb.ExportTeachersRequest, pb.FileChunk]
    ) -> None:
        await _send(context, await self.workbooks.export(current_caller(), request.org_code, request.status))

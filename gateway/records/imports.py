"""Excel in the public API: the template URL, importWorkbook (a job, see gateway/jobs.py),
exportTeachers. The files themselves are plain GETs (gateway/files.py) with short-lived
download tokens; the records service checks scope again on every call."""
from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.file_uploads import Upload

from gateway.context import Info
from gateway.errors import UserError, attempt, refusal, require
from gateway.files import download_url
from gateway.identity.types import SchoolType
from gateway.jobs import ImportJob, ImportJobPayload
from gateway.review.types import RecordStatus
from tmis.errors import DomainError, ErrorCode
from tmis.proto.records.v1 import records_pb2 as pb


@strawberry.enum(description="导入方式 for sub-table rows: 不删除已有数据追加 / 删除已有数据再追加. The main table (基本信息) is always insert-or-update, never deleted by an import.")
class ImportMode(Enum):
    APPEND = "APPEND"
    REPLACE = "REPLACE"


@strawberry.type
class ExportPayload:
    url: str | None
    user_errors: list[UserError]


def template_path(school_type: str) -> str:
    return f"/files/templates/{school_type}.xlsx"


def error_report_path(job_id: str) -> str:
    return f"/files/imports/{job_id}/errors.xlsx"


def export_path(org_code: str, status: str) -> str:
    return f"/files/exports/{org_code}/{status or 'ALL'}.xlsx"


def _job(info: Info, job: pb.ImportJob) -> ImportJob:
    caller = info.context.caller
    url = download_url(info.context.request, info.context.signer, caller, error_report_path(job.id)) if job.has_error_report and caller else None
    return ImportJob.of(job, url)


async def import_job(info: Info, job_id: str) -> ImportJob | None:
    require(info.context.caller)
    try:
        job = await info.context.clients.records.GetImportJob(pb.GetImportJobRequest(id=job_id), token=info.context.token)
    except DomainError as err:
        if err.code == ErrorCode.NOT_FOUND:
            return None
        raise
    return _job(info, job)



@strawberry.type
class ImportQuery:
    @strawberry.field(description="Download URL of the import template (.xlsx) for a school type.")
    def import_template_url(self, info: Info, school_type: SchoolType) -> str:
        caller = require(info.context.caller)
        return download_url(info.context.request, info.context.signer, caller, template_path(school_type.value))


@strawberry.type
class ImportMutation:
    @strawberry.mutation
    async def import_workbook(
        self, info: Info, school_code: str, file: Upload, mode: ImportMode | None = ImportMode.APPEND, dry_run: bool | None = False
    ) -> ImportJobPayload:
        if errors := refusal(info.context.caller, "DATA_ENTRY"):
            return ImportJobPayload(user_errors=errors)
        content = await file.read()  # type: ignore[attr-defined]
        request = pb.StartImportRequest(
            school_code=school_code.strip(), filename=str(getattr(file, "filename", "") or ""), content=content,
            mode=(mode or ImportMode.APPEND).value, dry_run=bool(dry_run),
        )
        job, errors = await attempt(info.context.clients.records.StartImport(request, token=info.context.token, timeout=60))
        return ImportJobPayload(job=_job(info, job) if job else None, user_errors=errors)

    @strawberry.mutation
    async def export_teachers(self, info: Info, org_code: str, status: RecordStatus | None = None) -> ExportPayload:
        caller = info.context.caller
        if errors := refusal(caller, "DATA_ENTRY", "REVIEWER", "QUERY", "SYSTEM_ADMIN"):
            return ExportPayload(url=None, user_errors=errors)
        org = await info.context.loaders.org_by_code.load(org_code.strip())
        if org is None or caller is None or not caller.reaches(tuple(org.path)):
            return ExportPayload(url=None, user_errors=[UserError(code="FORBIDDEN", message="单位不存在，或不在您的管理范围内", field="orgCode")])
        url = download_url(info.context.request, info.context.signer, caller, export_path(org.code, status.value if status else ""))
        return ExportPayload(url=url, user_errors=[])

from __future__ import annotations

import enum
import json
from enum import Enum

import strawberry

from gateway.context import Info
from gateway.enums import DescribedEnum
from gateway.errors import UserError
from gateway.files import download_url
from gateway.jobs import ImportJob
from gateway.records.within import FieldWithin
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.registry import Default, Field, Registry


@strawberry.type
class Code:
    code: str
    name: str
    parent: str | None

    @classmethod
    def of(cls, code: pb.Code) -> Code:
        return cls(code=code.code, name=code.name, parent=code.parent or None)


@strawberry.enum(
    description=(
        "信息集. Every set is a list of entries except BASIC (the main table, read through "
        "Teacher.basic) and CONTACT (at most one entry)."
    )
)
class InfoSet(DescribedEnum):
    BASIC = strawberry.enum_value(
        "BASIC", description="基本信息: the main table. Valid for fieldDefinitions (and templates); not an entry set."
    )
    EDUCATION = strawberry.enum_value("EDUCATION", description="学习经历")
    WORK = strawberry.enum_value("WORK", description="工作经历")
    POST_APPOINTMENT = strawberry.enum_value("POST_APPOINTMENT", description="岗位聘任")
    TITLE_APPOINTMENT = strawberry.enum_value("TITLE_APPOINTMENT", description="专业技术职务聘任")
    SALARY = strawberry.enum_value("SALARY", description="基本待遇 (school-entered)")
    ASSESSMENT = strawberry.enum_value("ASSESSMENT", description="年度考核 (school-entered)")
    QUALIFICATION = strawberry.enum_value("QUALIFICATION", description="教师资格")
    ETHICS = strawberry.enum_value("ETHICS", description="师德信息")
    TEACHING = strawberry.enum_value("TEACHING", description="教育教学")
    RESEARCH = strawberry.enum_value("RESEARCH", description="教学科研成果及获奖")
    TALENT_PROGRAM = strawberry.enum_value("TALENT_PROGRAM", description="入选人才项目")
    TRAINING = strawberry.enum_value("TRAINING", description="国内培训")
    OVERSEAS_STUDY = strawberry.enum_value("OVERSEAS_STUDY", description="海外研修(访学)")
    SKILL = strawberry.enum_value("SKILL", description="技能及证书")
    EXCHANGE = strawberry.enum_value("EXCHANGE", description="交流轮岗")
    CONTACT = strawberry.enum_value("CONTACT", description="联系方式")


def info_set_enum(registry: Registry) -> type[enum.Enum]:
    """`InfoSet` with the sets the deployment's plugins add (described by their labels)."""
    local = [s for s in registry.sets.values() if s.plugin]
    if not local:
        return InfoSet
    definition = InfoSet.__strawberry_definition__  # type: ignore[attr-defined]
    members = {
        m.name: strawberry.enum_value(m.value, description=d.description)
        for m, d in zip(InfoSet, definition.values, strict=True)
    }
    members |= {s.key: strawberry.enum_value(s.key, description=f"{s.label} ({s.plugin})") for s in local}
    described = enum.Enum("InfoSet", members)  # type: ignore[misc]
    return strawberry.enum(described, description=definition.description)


@strawberry.type
class FieldDefinition:
    key: str
    label: str = strawberry.field(description="Chinese label as on the national forms and templates.")
    type: str = strawberry.field(description="text, code, codes (multi), date, month, year, int, decimal, bool")
    required: bool
    code_table: str | None
    plugin: str | None = strawberry.field(
        description="Set by a plugin for a local (province) field; null for national fields."
    )
    derived: bool = strawberry.field(description="Computed from the sub-tables (引自…信息表); read-only.")
    default_value: str | None = strawberry.field(
        description=(
            "JSON of the value a field left empty gets when the record is saved (国籍/地区 156, 身份证件类型 1): "
            "a form shows it filled in. Null when there is none or it is known only at save time (the school's name)."
        )
    )
    within: FieldWithin | None = strawberry.field(
        default=None, description="The codes that fit each value of another field; null when any code fits."
    )

    @classmethod
    def of(cls, field: Field, school_type: str, within: FieldWithin | None = None) -> FieldDefinition:
        given = field.default
        shown = None if given is None or isinstance(given, Default) else given
        return cls(
            default_value=None if shown is None else json.dumps(list(shown) if isinstance(shown, tuple) else shown),
            key=field.key,
            label=field.label_for(school_type),
            type=field.type,
            required=field.required_for(school_type),
            code_table=field.table_for(school_type),
            plugin=field.plugin,
            derived=field.derived,
            within=within,
        )


@strawberry.type
class Completeness:
    complete: bool
    missing: list[str] = strawberry.field(description="Required sets or fields still missing, as dotted paths.")
    missing_labels: list[str] = strawberry.field(
        description="The Chinese labels of `missing`, in order (学习经历, 姓名)."
    )


@strawberry.type
class TeacherChange:
    at: str
    actor: str
    path: str = strawberry.field(
        description="basic.<field>, entry.<set>[<entry id>] or entry.<set>[<entry id>].<field>"
    )
    old_value: str | None = strawberry.field(description="JSON; null when absent.")
    new_value: str | None = strawberry.field(description="JSON; null when absent.")

    @classmethod
    def of(cls, change: pb.Change) -> TeacherChange:
        return cls(
            at=change.at,
            actor=change.actor,
            path=change.path,
            old_value=change.old_value or None,
            new_value=change.new_value or None,
        )


@strawberry.enum(
    description=(
        "导入方式 for sub-table rows: 不删除已有数据追加 / 删除已有数据再追加. The main table (基本信息) is always "
        "insert-or-update, never deleted by an import."
    )
)
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


def import_job_of(info: Info, job: pb.ImportJob) -> ImportJob:
    """An import job as the API shows it, with the link to its error report when there is one."""
    caller = info.context.caller
    if not (job.has_error_report and caller):
        return ImportJob.of(job, None)
    url = download_url(info.context.request, info.context.signer, caller, error_report_path(job.id))
    return ImportJob.of(job, url)

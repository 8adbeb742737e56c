"""Every TMIS hook, in one module. Each docstring is the hook's documentation.

Hook names carry the `tmis_` prefix. pluggy is synchronous: a hook that needs I/O returns
an awaitable and the caller awaits it; no async hook is `firstresult`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pluggy

from tmis.codes import CodeTable
from tmis.registry import Field, InfoSet

hookspec = pluggy.HookspecMarker("tmis")
hookimpl = pluggy.HookimplMarker("tmis")

__all__ = [
    "hookspec",
    "hookimpl",
    "Finding",
    "ReviewRecord",
    "Reviewer",
    "IdentityCheck",
    "LEVELS",
    "tmis_photo_standard",
    "tmis_review_school",
    "tmis_review_district",
    "tmis_review_city",
    "tmis_review_province",
    "tmis_after_approval",
    "MovementInfo",
    "tmis_review_movement",
    "tmis_after_final_approval",
    "tmis_verify_identity",
    "tmis_key_fields",
    "tmis_fields",
    "tmis_info_sets",
    "tmis_code_tables",
    "tmis_validate",
]


@hookspec(firstresult=True)
def tmis_photo_standard(standard: dict[str, Any]) -> dict[str, Any] | None:
    """Override the photo standard of this deployment.

    :param standard: the configured standard: ``width_cm``, ``height_cm``, ``dpi``,
        ``max_bytes``, ``formats`` (list of accepted input formats), ``min_width_px`` and
        ``min_height_px`` (smallest accepted crop of the source; 0 = the output size),
        ``max_source_pixels`` (larger images are refused before decoding).
    :return: a complete replacement dict with the same keys, or ``None`` to keep it.
        The first plugin that answers wins.

    Example (a province that wants 26 × 32 mm at 300 dpi)::

        @hookimpl
        def tmis_photo_standard(standard):
            return {**standard, "width_cm": 2.6, "height_cm": 3.2, "dpi": 300}
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


# review (services/review): one hook per administrative level, plus after-approval hooks

LEVELS = ("SCHOOL", "DISTRICT", "CITY", "PROVINCE")


@dataclass(frozen=True)
class Finding:
    """What a review check found. ``blocking`` stops the approval with ``message``."""

    code: str
    message: str
    field: str = ""
    blocking: bool = False


@dataclass(frozen=True)
class ReviewRecord:
    """A teacher record as the review hooks see it (read-only)."""

    teacher_id: str
    school_code: str
    school_type: str
    org_path: tuple[str, ...]
    basic: Mapping[str, Any]
    # entries by set key (EDUCATION, WORK, ...), each a list of field dicts
    entries: Mapping[str, list[Mapping[str, Any]]]
    # required paths still missing (completeness), and the stored data-quality warnings
    missing: tuple[str, ...] = ()
    warnings: tuple[Finding, ...] = ()
    personal_code: str = ""
    # what the review concerns: FIRST_ENTRY, CHANGE or KEY_CHANGE (信息变更 of an approved record)
    kind: str = "FIRST_ENTRY"
    # a change: the dotted paths changed since the last approval (basic.name, entry.EDUCATION...)
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reviewer:
    username: str
    org_code: str
    level: str


@dataclass(frozen=True)
class IdentityCheck:
    """The answer of an identity verification. ``source`` says who answered (``local`` for the
    built-in checks, which do not reach the national population database)."""

    verified: bool
    source: str
    message: str


@hookspec
def tmis_review_school(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    """Checks before a SCHOOL reviewer's approval.

    :param record: the record as submitted.
    :param reviewer: who approves, at which org.
    :return: findings; any ``blocking`` one stops the approval with its message.

    Example::

        @hookimpl
        def tmis_review_school(record, reviewer):
            if not record.entries.get("ASSESSMENT"):
                return [Finding("NO_ASSESSMENT", "缺少年度考核", "entry.assessment", blocking=True)]
            return []
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def tmis_review_district(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    """Checks before a DISTRICT (区县) reviewer's approval; as ``tmis_review_school``."""
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def tmis_review_city(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    """Checks before a CITY (地市) reviewer's approval; as ``tmis_review_school``."""
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def tmis_review_province(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    """Checks before a PROVINCE (省) reviewer's approval; as ``tmis_review_school``."""
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@dataclass(frozen=True)
class MovementInfo:
    """A movement (调动, 减员, 重新入职) as the movement hook sees it (read-only)."""

    id: str
    kind: str  # TRANSFER, LEAVE, RETURN
    teacher_id: str
    teacher_name: str
    from_school: str  # TRANSFER, LEAVE
    to_school: str  # TRANSFER, RETURN
    reason_code: str  # LEAVE: a code of leave_reason
    effective_date: str  # YYYY-MM-DD
    final: bool  # this approval is the last one


@hookspec
def tmis_review_movement(movement: MovementInfo, reviewer: Reviewer) -> list[Finding]:
    """Checks before a reviewer approves a movement (each approval of a TRANSFER's two districts,
    the district's approval of a LEAVE or RETURN).

    :param movement: the movement being approved.
    :param reviewer: who approves, at which org and level.
    :return: findings; any ``blocking`` one stops the approval with its message.

    Example (a province that approves no 退休 before the age of 50)::

        @hookimpl
        def tmis_review_movement(movement, reviewer):
            if movement.kind == "LEAVE" and movement.reason_code == "01" and too_young(movement):
                return [Finding("TOO_YOUNG", "未到退休年龄", "reasonCode", blocking=True)]
            return []
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def tmis_after_approval(record: ReviewRecord, reviewer: Reviewer, final: bool) -> None:
    """Called after each approval (``final``: the last level of the chain approved).

    Runs after the state is stored; an exception is logged and does not undo the approval.

    Example::

        @hookimpl
        def tmis_after_approval(record, reviewer, final):
            if final:
                notify_hr_system(record.teacher_id)
    """


@hookspec
def tmis_after_final_approval(record: ReviewRecord) -> None:
    """Called once after the last level approved, after the 个人标识码 was assigned (it is in
    ``record.personal_code``); retried after a crash, so it must be idempotent."""


@hookspec(firstresult=True)
def tmis_verify_identity(record: ReviewRecord) -> IdentityCheck | None:
    """Verify the person against the national population database (身份认证), an external system.

    :return: the check; the first plugin that answers wins. The built-in answer performs the
        local checks only (checksum, birth date and gender agree with the number) and says so
        with ``source="local"`` and ``verified=False``: only a real verification makes the
        个人标识码 formal.

    Example::

        @hookimpl
        def tmis_verify_identity(record):
            ok = population_db.verify(record.basic["name"], record.basic["idNumber"])
            return IdentityCheck(ok, "national", "国家人口基础信息库认证通过" if ok else "认证未通过")
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def tmis_key_fields() -> Sequence[str]:
    """Add 关键数据项: 基本信息 field keys whose change makes a 信息变更 a ``KEY_CHANGE``.

    A KEY_CHANGE goes through the chain of ``TMIS_KEY_CHANGE_LEVELS`` (every level by default)
    instead of ``TMIS_CHANGE_LEVELS`` (the school), and runs 查重 when it is submitted. The
    national key fields (姓名, 性别, 出生日期, 身份证件类型, 身份证件号, 国籍/地区) are always key.

    :return: field keys of 基本信息 (national or the plugin's own).

    Example (a province for which the 民族 is key data)::

        @hookimpl
        def tmis_key_fields():
            return ["ethnicity"]
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


# the record (every service builds its registry and code tables from these at start)


@hookspec
def tmis_fields() -> Mapping[str, Sequence[Field]]:
    """Local fields to add to existing info sets, by set key (``BASIC``, ``EDUCATION``, ...).

    They are stored, validated, typed in the GraphQL schema (``BasicInfo.<key>`` and its input,
    or the entry data of the set), listed by ``fieldDefinitions`` with the plugin's name, and
    carried by templates, import, export, completeness and the reviewer's diff, like national
    fields. Keys are camelCase and must not clash with a national field or another plugin's
    (start fails naming the plugin). Removing the plugin hides the stored values; it does not
    delete them.

    Example::

        @hookimpl
        def tmis_fields():
            return {"BASIC": [Field("gsRuralTeacher", "是否乡村教师", "code", "gs_rural_teacher", required=True)]}
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def tmis_info_sets() -> Sequence[InfoSet]:
    """Whole new info sets (e.g. a provincial talent programme), keyed in UPPER_CASE.

    Example::

        @hookimpl
        def tmis_info_sets():
            return [InfoSet("GS_TALENT", "陇原人才项目", (Field("project", "项目名称", "text", required=True),))]
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def tmis_code_tables() -> Sequence[CodeTable]:
    """Code tables to add, or to replace a national one of the same name.

    Example::

        @hookimpl
        def tmis_code_tables():
            return [CodeTable("gs_rural_teacher", "是否乡村教师", (Code("0", "否"), Code("1", "是")))]
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def tmis_validate(set_key: str, data: Mapping[str, Any], school_type: str) -> list[Finding]:
    """A data rule on one set's values (normalised, after the national checks passed), run on
    every save, import row and completeness check.

    :param set_key: ``BASIC`` or the entry's set.
    :param data: the values by field key.
    :param school_type: ``PRIMARY_SECONDARY``, ``VOCATIONAL``, ``SPECIAL_EDUCATION`` or ``KINDERGARTEN``.
    :return: findings; ``field`` is a key of the set. A blocking finding refuses the save with
        its message; a warning is kept with the record.

    Example::

        @hookimpl
        def tmis_validate(set_key, data, school_type):
            if set_key == "BASIC" and data.get("gsRuralTeacher") == "0" and data.get("gsRuralAllowance"):
                return [Finding("GS_ALLOWANCE", "非乡村教师不享受乡村教师生活补助", "gsRuralAllowance", blocking=True)]
            return []
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations

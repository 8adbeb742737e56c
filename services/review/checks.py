"""The built-in review checks, registered as a plugin like any province's.

- Completeness blocks an approval at every level (a record cannot become incomplete while
  under review, but a registry change or a plugin's new required field can make it so).
- The record's data-quality warnings (SPEC §2.3, computed by records on every save) are
  shown to the reviewer with the record, never blocking.
- Identity verification: only the local checks; the national population database is an
  external system a deployment connects through its own `tmis_verify_identity`.
"""

from __future__ import annotations

from tmis import idcard
from tmis.hookspecs import Finding, IdentityCheck, Reviewer, ReviewRecord, hookimpl


def findings(record: ReviewRecord) -> list[Finding]:
    missing = [Finding("INCOMPLETE", f"信息不完整：缺少 {path}", path, blocking=True) for path in record.missing]
    return missing + list(record.warnings)


@hookimpl
def tmis_review_school(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    return findings(record)


@hookimpl
def tmis_review_district(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    return findings(record)


@hookimpl
def tmis_review_city(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    return findings(record)


@hookimpl
def tmis_review_province(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    return findings(record)


@hookimpl(trylast=True)
def tmis_verify_identity(record: ReviewRecord) -> IdentityCheck:
    basic = record.basic
    if basic.get("idType") != "1":
        return IdentityCheck(False, "local", "非居民身份证，需人工核验身份")
    try:
        _, birth, gender = idcard.parse(str(basic.get("idNumber", "")))
    except idcard.IdCardError as err:
        return IdentityCheck(False, "local", str(err))
    if birth.isoformat() != basic.get("birthDate") or gender != basic.get("gender"):
        return IdentityCheck(False, "local", "身份证件号与出生日期或性别不一致")
    return IdentityCheck(False, "local", "本地校验通过（未连接国家人口基础信息库，个人标识码保持临时）")

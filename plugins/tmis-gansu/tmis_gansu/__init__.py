"""甘肃省 (Gansu) local fields, code tables, a data rule and a district review check.

Enable with ``TMIS_PLUGINS=gansu`` once the package is installed (``pip install -e
plugins/tmis-gansu``; ``make`` installs it). Every hook here is documented in docs/plugins.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from tmis.codes import Code, CodeTable
from tmis.hookspecs import Finding, Reviewer, ReviewRecord, hookimpl
from tmis.registry import Condition, Field, InfoSet

MAX_ALLOWANCE = Decimal("2000")  # 元/月: above any tier of the province's 乡村教师生活补助


@hookimpl
def tmis_code_tables() -> Sequence[CodeTable]:
    return [
        CodeTable(
            "gs_rural_teacher",
            "是否乡村教师",
            (Code("0", "否"), Code("1", "是，乡村学校任教"), Code("2", "是，教学点任教")),
        ),
        CodeTable(
            "gs_talent_program",
            "陇原人才项目",
            (
                Code("01", "陇原青年英才"),
                Code("02", "甘肃省领军人才"),
                Code("03", "陇原名师"),
                Code("04", "甘肃省骨干教师"),
                Code("99", "其他"),
            ),
        ),
    ]


@hookimpl
def tmis_fields() -> Mapping[str, Sequence[Field]]:
    return {
        "BASIC": [
            Field("gsRuralTeacher", "是否乡村教师", "code", "gs_rural_teacher", required=True, default="0"),
            Field(
                "gsRuralAllowance",
                "乡村教师生活补助标准（元/月）",
                "decimal",
                when=Condition("gsRuralTeacher", ("1", "2")),
            ),
        ],
    }


@hookimpl
def tmis_info_sets() -> Sequence[InfoSet]:
    return [
        InfoSet(
            "GS_TALENT",
            "陇原人才项目",
            (
                Field("program", "人才项目", "code", "gs_talent_program", required=True),
                Field("selectedYear", "入选年份", "year", required=True),
                Field("remarks", "备注", "text", max_length=200),
            ),
            writer="school",
        )
    ]


@hookimpl
def tmis_validate(set_key: str, data: Mapping[str, Any], school_type: str) -> list[Finding]:
    """乡村教师生活补助 is between 0 and 2000 元/月."""
    if set_key != "BASIC" or data.get("gsRuralAllowance") is None:
        return []
    try:
        amount = Decimal(str(data["gsRuralAllowance"]))
    except InvalidOperation:
        return []  # the national checks already refused it
    if not Decimal(0) <= amount <= MAX_ALLOWANCE:
        return [
            Finding(
                "GS_ALLOWANCE_RANGE",
                f"乡村教师生活补助标准应在0至{MAX_ALLOWANCE}元/月之间",
                "gsRuralAllowance",
                blocking=True,
            )
        ]
    return []


@hookimpl
def tmis_review_district(record: ReviewRecord, reviewer: Reviewer) -> list[Finding]:
    """区县 checks 乡村教师 before approving: the allowance must be filled (it drives the budget)."""
    if record.basic.get("gsRuralTeacher") in ("1", "2") and record.basic.get("gsRuralAllowance") is None:
        return [
            Finding(
                "GS_RURAL_ALLOWANCE",
                "乡村教师须填写乡村教师生活补助标准后方可由区县审核通过",
                "basic.gsRuralAllowance",
                blocking=True,
            )
        ]
    return []

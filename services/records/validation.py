"""Validation of one info set's data against the field registry (SPEC §2).

`validate` normalises what it can (defaults, trimmed text, codes as strings, dependants of a
"无" value cleared) and returns every problem at once, each with a stable code, a Chinese
message and the dotted path of the field, so nothing is stored unless all of it is right.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tmis import idcard
from tmis.codes import CodeTable
from tmis.hookspecs import Finding
from tmis.registry import SCHOOL_TYPE_NAMES, Default, Field, InfoSet
from tmis.text import text_problem

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_DECIMAL = Decimal("99999999.99")
MAX_INT = 100_000


# (set key, data, school type) -> findings: the province plugins' data rules (tmis.plugins.local_rules)
LocalRules = Callable[[str, Mapping[str, Any], str], Sequence[Finding]]


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str
    warning: bool = False


class _Check:
    """The problems of one validation run, with the path prefix of the set ("basic", "entry.education")."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.problems: list[Problem] = []

    def add(self, key: str, code: str, message: str, warning: bool = False) -> None:
        self.problems.append(Problem(code, message, f"{self.prefix}.{key}", warning))


def _month_of(value: str) -> str:
    return value[:7]


def _parse(
    field: Field, value: Any, tables: Mapping[str, CodeTable], school_type: str, today: dt.date, check: _Check
) -> Any:
    """The value in its stored form, or None after recording why it is wrong."""
    label = field.label_for(school_type)
    kind = field.type
    if kind == "bool":
        if isinstance(value, bool):
            return value
        check.add(field.key, "INVALID_VALUE", f"{label}应为是或否")
        return None
    if kind in ("int", "year", "decimal"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            check.add(field.key, "INVALID_VALUE", f"{label}应为数字")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            check.add(field.key, "INVALID_VALUE", f"{label}应为数字")
            return None
        if not number.is_finite() or number < 0:
            check.add(field.key, "INVALID_VALUE", f"{label}不能为负数")
            return None
        if kind == "decimal":
            if number > MAX_DECIMAL or number != number.quantize(Decimal("0.01")):
                check.add(field.key, "INVALID_VALUE", f"{label}应在0至99,999,999之间，最多两位小数")
                return None
            return float(number)
        if number != number.to_integral_value():
            check.add(field.key, "INVALID_VALUE", f"{label}应为整数")
            return None
        if kind == "year" and not 1900 <= number <= today.year:
            check.add(field.key, "INVALID_DATE", f"{label}应为1900年至今年之间的年份")
            return None
        if kind == "int" and number > MAX_INT:
            check.add(field.key, "INVALID_VALUE", f"{label}过大")
            return None
        return int(number)
    if not isinstance(value, str) and kind != "codes":
        check.add(field.key, "INVALID_VALUE", f"{label}应为文字")
        return None
    if kind == "text":
        text = value.strip()
        if problem := text_problem(text):
            check.add(field.key, "INVALID_VALUE", f"{label}{problem}")
            return None
        if field.max_length and len(text) > field.max_length:
            check.add(field.key, "TOO_LONG", f"{label}不能超过{field.max_length}个字")
            return None
        return text
    if kind in ("date", "month"):
        return _parse_date(field, label, value.strip(), today, check)
    table = tables.get(field.table_for(school_type) or "")
    if kind == "code":
        return _parse_code(field, label, value.strip(), table, check)
    values = value if isinstance(value, (list, tuple)) else None
    if values is None or not all(isinstance(v, str) for v in values):
        check.add(field.key, "INVALID_VALUE", f"{label}应为代码列表")
        return None
    codes = [c for c in dict.fromkeys(v.strip() for v in values) if c]
    if any(_parse_code(field, label, c, table, check) is None for c in codes):
        return None
    if table and len(codes) > 1 and set(codes) & table.exclusive:
        names = "、".join(e.name for e in table.entries if e.code in table.exclusive)
        check.add(field.key, "EXCLUSIVE_CODE", f"{label}选了“{names}”时不能再选其他项")
        return None
    return codes


def _parse_code(field: Field, label: str, code: str, table: CodeTable | None, check: _Check) -> str | None:
    if table is None or table.get(code) is None:
        check.add(field.key, "INVALID_CODE", f"{label}的代码“{code[:20]}”不在代码表中")
        return None
    return code


def _parse_date(field: Field, label: str, value: str, today: dt.date, check: _Check) -> str | None:
    try:
        if field.type == "month":
            match = _MONTH.match(value)
            if not match:
                raise ValueError
            day = dt.date(int(match[1]), int(match[2]), 1)
        else:
            if not _DATE.match(value):
                raise ValueError
            day = dt.date.fromisoformat(value)
    except ValueError:
        shape = "YYYY-MM" if field.type == "month" else "YYYY-MM-DD"
        check.add(field.key, "INVALID_DATE", f"{label}应为有效日期，格式 {shape}")
        return None
    if day > today or day.year < 1900:
        check.add(field.key, "INVALID_DATE", f"{label}不能晚于今天，也不能早于1900年")
        return None
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _order(info_set: InfoSet, out: Mapping[str, Any], school_type: str, check: _Check) -> None:
    """not_before (>=) and after (>) between dates and months, compared at the coarser of the two."""
    for field in info_set.fields:
        if not field.not_before and not field.after:
            continue
        for other_key, strict in ((field.not_before, False), (field.after, True)):
            if not other_key or _empty(out.get(field.key)) or _empty(out.get(other_key)):
                continue
            mine, theirs = str(out[field.key]), str(out[other_key])
            if len(mine) != len(theirs):
                mine, theirs = _month_of(mine), _month_of(theirs)
            if mine < theirs or (strict and mine == theirs):
                label, other = field.label_for(school_type), info_set.field(other_key).label_for(school_type)
                check.add(field.key, "DATE_ORDER", f"{label}应晚于{other}" if strict else f"{label}不能早于{other}")


def _cascades(
    info_set: InfoSet, out: Mapping[str, Any], school_type: str, tables: Mapping[str, CodeTable], check: _Check
) -> None:
    """A code that lists the controlling values it goes with (岗位等级 within 岗位类别) must fit."""
    for field in info_set.fields:
        if field.cascade is None or _empty(out.get(field.key)) or _empty(out.get(field.cascade[0])):
            continue
        controlling, listed_in = field.cascade
        table = tables.get(field.table_for(school_type) or "")
        entry = table.get(str(out[field.key])) if table else None
        allowed = entry.extra.get(listed_in) if entry else None
        if allowed is not None and out[controlling] not in allowed:
            other = info_set.field(controlling).label_for(school_type)
            check.add(field.key, "CASCADE", f"{field.label_for(school_type)}与{other}不匹配")


def _root(table: CodeTable, code: str) -> str:
    entry = table.get(code)
    while entry is not None and entry.parent is not None and table.get(entry.parent) is not None:
        entry = table.get(entry.parent)
    return entry.code if entry else code


def _within(
    info_set: InfoSet, out: Mapping[str, Any], school_type: str, tables: Mapping[str, CodeTable], check: _Check
) -> None:
    """Tree codes under the value of another field (学位名称 within 学位层次), and codes that only
    some school types may use (教职工来源 301/302 幼儿园)."""
    for field in info_set.fields:
        value = out.get(field.key)
        if (not field.codes_only_in and field.within is None) or _empty(value):
            continue  # nothing to check (the common case, kept cheap: this runs for every imported row)
        label = field.label_for(school_type)
        codes = value if isinstance(value, list) else [str(value)]
        table = tables.get(field.table_for(school_type) or "")
        for code in codes:
            if code in field.codes_only_in and school_type not in field.codes_only_in[code]:
                where = "、".join(SCHOOL_TYPE_NAMES.get(t, t) for t in sorted(field.codes_only_in[code]))
                name = getattr(table.get(code) if table else None, "name", code)
                check.add(field.key, "NOT_FOR_SCHOOL_TYPE", f"{label}“{name}”只适用于{where}")
        if field.within is None or table is None or not codes or _empty(out.get(field.within[0])):
            continue
        controlling, roots = field.within
        chosen = out[controlling] if isinstance(out[controlling], list) else [out[controlling]]
        allowed = {root for c in chosen for root in roots.get(str(c), ())}
        wrong = [c for c in codes if _root(table, c) not in allowed]
        if wrong:
            other = info_set.field(controlling).label_for(school_type)
            names = "、".join(getattr(table.get(c), "name", c) for c in wrong)
            check.add(field.key, "CASCADE", f"{label}“{names}”与{other}不匹配")


Rule = Callable[[dict[str, Any], _Check, dt.date], None]


def _identity_document(data: dict[str, Any], check: _Check, today: dt.date) -> None:
    """居民身份证: GB 11643 number, birth date and gender agree (filled in when absent)."""
    number = data.get("idNumber")
    if not isinstance(number, str) or not number:
        return
    if data.get("idType") != "1":
        if len(number) > 30 or not re.fullmatch(r"[0-9A-Za-z()（）-]+", number):
            check.add("idNumber", "INVALID_ID_NUMBER", "身份证件号只能包含字母、数字和括号，不超过30个字符")
        return
    try:
        normalised, birth, gender = idcard.parse(number, today)
    except idcard.IdCardError as err:
        check.add("idNumber", "INVALID_ID_NUMBER", str(err))
        return
    data["idNumber"] = normalised
    if _empty(data.get("birthDate")):
        data["birthDate"] = birth.isoformat()
    elif data["birthDate"] != birth.isoformat():
        check.add("birthDate", "ID_MISMATCH", "出生日期与身份证件号中的出生日期不一致")
    if _empty(data.get("gender")):
        data["gender"] = gender
    elif data["gender"] != gender:
        check.add("gender", "ID_MISMATCH", "性别与身份证件号不一致（第17位奇数为男，偶数为女）")


def _contract_default(data: dict[str, Any], check: _Check, today: dt.date) -> None:
    """签订合同情况 defaults to 聘用合同 (1) for 在编 staff, else 劳动合同 (2) [CL S6]."""
    if _empty(data.get("contractType")) and isinstance(data.get("inEstablishment"), bool):
        data["contractType"] = "1" if data["inEstablishment"] else "2"


def _working_age(data: dict[str, Any], check: _Check, today: dt.date) -> None:
    birth, start = data.get("birthDate"), data.get("workStartMonth")
    if isinstance(birth, str) and isinstance(start, str) and len(birth) == 10 and len(start) == 7:
        if int(start[:4]) - int(birth[:4]) - (start[5:7] < birth[5:7]) < 16:
            check.add("workStartMonth", "UNDER_WORKING_AGE", "参加工作时未满16周岁，请核对参加工作年月", warning=True)


def _differs(key: str, other: str, message: str) -> Rule:
    def rule(data: dict[str, Any], check: _Check, today: dt.date) -> None:
        if not _empty(data.get(key)) and data.get(key) == data.get(other):
            check.add(key, "MUST_DIFFER", message)

    return rule


def _salary_year(data: dict[str, Any], check: _Check, today: dt.date) -> None:
    if isinstance(data.get("year"), int) and data["year"] >= today.year:
        check.add("year", "YEAR_NOT_OVER", "未满一年请下年度填报：基本待遇的年度应早于今年")


def _abroad(data: dict[str, Any], check: _Check, today: dt.date) -> None:
    if data.get("country") == "156":
        check.add("country", "INVALID_CODE", "海外研修的国家(地区)不能是中国")


def _teaching(data: dict[str, Any], check: _Check, today: dt.date) -> None:
    """学段 无 means 未任课; teaching at 小学/初中/高中 names its courses (SPEC §1.5 教育教学)."""
    stages = data.get("teachingStage") or []
    if stages == ["0"] and data.get("teachingStatus") not in (None, "10"):
        check.add("teachingStatus", "INCONSISTENT", "任教学段为“无”时，任课状况应为“未任课”")
    elif data.get("teachingStatus") == "20" and set(stages) & {"2", "3", "4"} and _empty(data.get("courses")):
        check.add("courses", "REQUIRED", "任课的小学、初中、高中教师请填写任教课程")


def _certificate_number(data: dict[str, Any], check: _Check, today: dt.date) -> None:
    """教师资格证号码: 17 digits, year first, 资格种类 at position 10 [C weak S11]: a warning."""
    number, kind, issued = data.get("certificateNumber"), data.get("qualificationType"), data.get("issueDate")
    if not isinstance(number, str) or not number:
        return
    if (
        not re.fullmatch(r"\d{17}", number)
        or number[9] != kind
        or (isinstance(issued, str) and number[:4] > issued[:4])
    ):
        check.add(
            "certificateNumber",
            "CERTIFICATE_NUMBER",
            "教师资格证号码通常为17位数字，前4位为年份，第10位为资格种类，请核对",
            warning=True,
        )


SET_RULES: dict[str, tuple[Rule, ...]] = {
    "BASIC": (_identity_document, _contract_default, _working_age),
    "POST_APPOINTMENT": (_differs("concurrentPostCategory", "postCategory", "兼任岗位类别不能与岗位类别相同"),),
    "EXCHANGE": (_differs("toEmployer", "fromEmployer", "交流轮岗单位不能与原单位相同"),),
    "SALARY": (_salary_year,),
    "OVERSEAS_STUDY": (_abroad,),
    "TEACHING": (_teaching,),
    "QUALIFICATION": (_certificate_number,),
}


def _default(default: Any, school_name: str, today: dt.date) -> Any:
    if default is Default.SCHOOL_NAME:
        return school_name or None
    if default is Default.THIS_YEAR:
        return today.year
    return list(default) if isinstance(default, tuple) else default


def _required(field: Field, out: Mapping[str, Any], school_type: str) -> bool:
    if field.required_when is not None and field.required_when.holds(out):
        return True
    return field.required and (field.required_in is None or school_type in field.required_in)


def validate(
    info_set: InfoSet,
    data: Mapping[str, Any],
    school_type: str,
    tables: Mapping[str, CodeTable],
    prefix: str,
    today: dt.date | None = None,
    rules: LocalRules | None = None,
    school_name: str = "",
) -> tuple[dict[str, Any], list[Problem]]:
    """(the normalised data, problems); warnings are problems with `warning` set. `rules`: the
    province plugins' data rules, run once the national checks found nothing blocking.
    `school_name` fills the defaults that are the school's name (考核单位名称)."""
    today = today or dt.date.today()
    check = _Check(prefix)
    fields = {f.key: f for f in info_set.for_school_type(school_type)}
    for key in data:
        if key not in fields:
            known = any(f.key == key for f in info_set.fields)
            label = info_set.field(key).label if known else str(key)[:50]
            kind = SCHOOL_TYPE_NAMES.get(school_type, school_type)
            message = f"{info_set.label}没有“{label}”这个字段"
            message = f"{kind}的{message}" if known else message
            check.add(str(key)[:50], "UNKNOWN_FIELD", message)
        elif fields[key].derived and not _empty(data[key]):
            check.add(key, "READ_ONLY", f"{fields[key].label_for(school_type)}由其他信息集自动生成，不能填写")
    out: dict[str, Any] = {}
    for key, field in fields.items():
        if field.derived:
            continue
        value = data.get(key)
        if _empty(value) and field.default is not None:
            value = _default(field.default, school_name, today)
        out[key] = None if _empty(value) else _parse(field, value, tables, school_type, today, check)
    for rule in SET_RULES.get(info_set.key, ()):
        rule(out, check, today)
    disabled = {f"{prefix}.{key}" for key, f in fields.items() if f.when is not None and not f.when.holds(out)}
    check.problems = [p for p in check.problems if p.field not in disabled]  # what is cleared cannot be wrong
    for key, field in fields.items():  # conditions read the normalised values
        if field.derived:
            continue
        if f"{prefix}.{key}" in disabled:
            out[key] = None  # disabled by its controlling field (e.g. a 无 value): cleared
        elif _empty(out.get(key)) and _required(field, out, school_type):
            if not any(p.field == f"{prefix}.{key}" for p in check.problems):
                check.add(key, "REQUIRED", f"请填写{field.label_for(school_type)}")
    _order(info_set, out, school_type, check)
    _cascades(info_set, out, school_type, tables, check)
    _within(info_set, out, school_type, tables, check)
    clean = {k: v for k, v in out.items() if v is not None}
    if rules is not None and not any(not p.warning for p in check.problems):
        for finding in rules(info_set.key, clean, school_type):
            check.add(finding.field or "", finding.code, finding.message, warning=not finding.blocking)
    return clean, check.problems

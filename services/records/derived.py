"""What is computed, never typed: the derived fields of 基本信息 (引自…信息表), completeness,
and the field-level changes between two versions of a record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from services.records.model import Change, Entry, Teacher
from services.records.validation import LocalRules, Problem, validate
from tmis.codes import CodeTable
from tmis.registry import BASIC, Field, InfoSet, Registry


def set_path(set_key: str) -> str:
    """EDUCATION -> education, POST_APPOINTMENT -> postAppointment (the contract's field paths)."""
    head, *rest = set_key.lower().split("_")
    return head + "".join(part.title() for part in rest)


# the fields of 基本信息 computed here (引自…信息表)
DERIVED = frozenset(f.key for f in BASIC.fields if f.derived)


def derive(basic: dict[str, Any], entries: tuple[Entry, ...]) -> dict[str, Any]:
    """引自学习经历: 最高学历 is the best 学历 (the lowest GB/T 4658 code, 0 无 aside), with its 院校;
    最高学位 the best 学位层次 (2 博士 first, 0 无 aside), with its 名称 and 院校. 引自聘任: 现任专业技术职务
    and 现任岗位类别/等级 come from the latest appointment still running (or else the latest)."""
    out = {k: v for k, v in basic.items() if k not in DERIVED}
    studies = [e.data for e in entries if e.set == "EDUCATION"]
    educated = sorted((d for d in studies if d.get("education") not in (None, "0")), key=lambda d: str(d["education"]))
    if educated:
        best = educated[0]
        out |= _present({"highestEducation": best["education"], "highestEducationInstitution": best.get("institution")})
    degrees = sorted((d for d in studies if d.get("degreeLevel") not in (None, "0")), key=lambda d: d["degreeLevel"])
    if degrees:
        best = degrees[0]
        out |= _present({"highestDegreeLevel": best["degreeLevel"], "highestDegree": best.get("degree")})
        out |= _present({"highestDegreeInstitution": best.get("degreeInstitution")})
    titles = _latest(entries, "TITLE_APPOINTMENT", "title")
    if titles:
        out["currentTitle"] = titles["title"]
    posts = _latest(entries, "POST_APPOINTMENT", "postCategory")
    if posts:
        out |= _present({"currentPostCategory": posts["postCategory"], "currentPostGrade": posts.get("postGrade")})
    return out


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _latest(entries: tuple[Entry, ...], set_key: str, key: str) -> dict[str, Any] | None:
    """The entry still running (no end), latest started; or else the latest started."""
    mine = [(i, e.data) for i, e in enumerate(entries) if e.set == set_key and e.data.get(key)]
    found = sorted((data.get("endMonth") is None, data.get("startMonth") or "", i) for i, data in mine)
    return entries[found[-1][2]].data if found else None


BELOW_HIGH_SCHOOL = ("7", "8")  # GB/T 4658 初级中学 and 小学 groups


def education_levels(entries: tuple[Entry, ...]) -> str | None:
    """学习经历从高中(中师/中专)填起，学历低于高中学历的，只填写最高学历 [C S0a]: a level below
    高中 may only stand alone. Returns the refusal, or None."""
    levels = [str(e.data.get("education", "")) for e in entries if e.set == "EDUCATION"]
    if len(levels) > 1 and any(level.startswith(BELOW_HIGH_SCHOOL) for level in levels):
        return "学习经历从高中(中师/中专)填起；学历低于高中的，只填写最高学历一条"
    return None


def one_per(
    info_set: InfoSet,
    data: Mapping[str, Any],
    others: list[Entry],
    tables: Mapping[str, CodeTable],
    school_type: str,
    path: str,
) -> Problem | None:
    """A second entry for the same 年度 (学年 and 学期, …) of a set that holds one each: refused,
    naming the entry that exists."""
    if not info_set.one_per or any(data.get(k) is None for k in info_set.one_per):
        return None
    if not any(all(e.data.get(k) == data.get(k) for k in info_set.one_per) for e in others):
        return None
    fields = [info_set.field(k) for k in info_set.one_per]
    which = "、".join(f"{f.label_for(school_type)}{_shown(f, data[f.key], tables, school_type)}" for f in fields)
    each = "、".join(f.label_for(school_type) for f in fields)
    message = f"{info_set.label}已有{which}的一条，每{each}只能有一条，请修改已有的那条"
    return Problem("DUPLICATE_ENTRY", message, f"{path}.{fields[0].key}")


def _shown(field: Field, value: Any, tables: Mapping[str, CodeTable], school_type: str) -> str:
    table = tables.get(field.table_for(school_type) or "")
    entry = table.get(str(value)) if table and field.type == "code" else None
    return f"“{entry.name}”" if entry else f"“{value}”"


def completeness(
    registry: Registry,
    teacher: Teacher,
    tables: Mapping[str, CodeTable],
    today: dt.date,
    rules: LocalRules | None = None,
    basic_problems: list[Problem] | None = None,
    entry_warnings: Sequence[tuple[str, str, str]] | None = None,
) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(missing paths, warnings) of a whole record: required fields of 基本信息 and required sets;
    the warnings of the national checks and of the plugins' rules. `basic_problems`: those of
    validating this very 基本信息 just before (not done again); `entry_warnings`: those of the
    entries when they are unchanged (not validated again)."""
    basic_set = registry.set("BASIC")
    missing, warnings = [], []
    if basic_set is not None:
        problems = basic_problems
        if problems is None:
            basic = {f.key: teacher.basic[f.key] for f in basic_set.fields if not f.derived and f.key in teacher.basic}
            _, problems = validate(basic_set, basic, teacher.school_type, tables, "basic", today, rules)
        missing += [p.field for p in problems if p.code == "REQUIRED"]
        warnings += [(p.code, p.message, p.field) for p in problems if p.warning]
    for info_set in registry.sets.values():
        if info_set.key != "BASIC" and info_set.required and not teacher.entries_of(info_set.key):
            missing.append(set_path(info_set.key))
    if entry_warnings is not None:
        return missing, [*warnings, *entry_warnings]
    for entry in teacher.entries:  # data-quality warnings of the entries (they never block a save)
        entry_set = registry.set(entry.set)
        if entry_set is not None:
            _, problems = validate(
                entry_set,
                entry.data,
                teacher.school_type,
                tables,
                f"entry.{set_path(entry.set)}[{entry.id}]",
                today,
                rules,
            )
            warnings += [(p.code, p.message, p.field) for p in problems if p.warning]
    return missing, warnings


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def diff(old: Teacher, new: Teacher, actor: str, at: dt.datetime) -> list[Change]:
    """Field-level changes: basic.<key>, entry.<set>[<id>] added or removed, entry.<set>[<id>].<key>."""
    changes = [
        Change(at, actor, f"basic.{key}", _json(old.basic.get(key)), _json(new.basic.get(key)))
        for key in sorted(set(old.basic) | set(new.basic))
        if old.basic.get(key) != new.basic.get(key)
    ]
    before, after = {e.id: e for e in old.entries}, {e.id: e for e in new.entries}
    for entry_id in sorted(set(before) | set(after)):
        a, b = before.get(entry_id), after.get(entry_id)
        path = f"entry.{set_path((a or after[entry_id]).set)}[{entry_id}]"  # (not in before: in after)
        if a is None or b is None:
            changes.append(Change(at, actor, path, _json(a.data if a else None), _json(b.data if b else None)))
            continue
        for key in sorted(set(a.data) | set(b.data)):
            if a.data.get(key) != b.data.get(key):
                changes.append(Change(at, actor, f"{path}.{key}", _json(a.data.get(key)), _json(b.data.get(key))))
    return changes

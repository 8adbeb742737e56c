"""The workbook layout, from the field registry alone: which sheets, which columns, how a header
text is recognised and how a cell becomes a value. Templates, import and export all use it, so
an exported workbook is a filled template and imports again unchanged.

A sheet per info set: 基本信息 (also recognised as the national template's 教师信息), and one per
sub-table whose rows are keyed by 身份证件类型 + 身份证件号 (+ 姓名, a cross-check).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tmis.codes import CodeTable
from tmis.registry import Field, InfoSet, Registry

BASIC_SHEET_ALIASES = ("教师信息",)
KEY_FIELDS = ("idType", "idNumber", "name")  # of 基本信息, leading every sub-table sheet
ERROR_HEADER = "错误信息"
SEPARATORS = re.compile(r"[、,，;；]")
_SPACES = re.compile(r"[\s\u3000*＊]+")
_HINT = re.compile(r"[(（][^()（）]*[)）]$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
FORMAT_HINT = {"date": "(yyyy-MM-dd)", "month": "(yyyy-MM)"}
BOOL_NAMES = {True: "是", False: "否"}


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is for the clerk."""


def normalise(header: str) -> str:
    """Header text as compared: no `*`, spaces or line breaks, ASCII parentheses."""
    return _SPACES.sub("", str(header)).replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class Column:
    field: Field
    header: str  # as a template writes it: `*`, label, format hint
    label: str
    key: bool = False  # an identity column of a sub-table sheet (taken from 基本信息)


@dataclass(frozen=True)
class SheetLayout:
    info_set: InfoSet
    name: str
    columns: tuple[Column, ...]

    @property
    def basic(self) -> bool:
        return self.info_set.key == "BASIC"

    def find(self, headers: list[Any]) -> tuple[dict[int, Column], list[str]]:
        """({position: column} of the headers recognised, headers not recognised)."""
        known: dict[str, Column] = {}
        for column in self.columns:
            for text in (column.label, column.field.label, *column.field.labels.values(), *column.field.aliases):
                known.setdefault(normalise(text), column)
        found: dict[int, Column] = {}
        extra = []
        for i, raw in enumerate(headers):
            text = normalise(raw) if raw not in (None, "") else ""
            col = known.get(text)
            while col is None and _HINT.search(text):
                text = _HINT.sub("", text)
                col = known.get(text)
            if col is not None and col not in found.values():
                found[i] = col
            elif text:
                extra.append(str(raw).strip())
        return found, extra


def header(field: Field, school_type: str, required: bool) -> str:
    hint = FORMAT_HINT.get(field.type)
    return ("*" if required else "") + field.label_for(school_type) + (f"\n{hint}" if hint else "")


def layouts(registry: Registry, school_type: str) -> list[SheetLayout]:
    """Every sheet of a school type's template, 基本信息 first ("": the columns of every
    school type, for an export spanning several)."""
    basic = registry.sets["BASIC"]
    out = []
    for info_set in registry.sets.values():
        fields = [
            f for f in (info_set.for_school_type(school_type) if school_type else info_set.fields) if not f.derived
        ]
        columns = [
            Column(f, header(f, school_type, f.required_for(school_type)), f.label_for(school_type)) for f in fields
        ]
        if info_set.key != "BASIC":
            keys = [basic.field(k) for k in KEY_FIELDS]
            columns = [
                Column(f, header(f, school_type, f.key == "idNumber"), f.label_for(school_type), key=True) for f in keys
            ] + columns
        out.append(SheetLayout(info_set, info_set.label, tuple(columns)))
    return out


# cells -> values (the form `validate` takes)

Reader = Callable[[Any], Any]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def _code_reader(label: str, table: CodeTable | None) -> Callable[[str], str]:
    """Accepts the code, the name or "code-name"; a wrong code with a name matching one entry
    takes that entry; a code typed as a number ("1" for "01") is padded when that is unique."""
    widths = sorted({len(e.code) for e in table.entries}) if table else []

    def read(text: str) -> str:
        if table is None:
            return text
        if table.get(text):
            return text
        named = table.by_name.get(text)
        if named and len(named) == 1:
            return named[0].code
        code, dash, name = text.partition("-")
        code, name = code.strip(), name.strip()
        entry, named = table.get(code), table.by_name.get(name) or []
        if dash and entry and (not name or entry.name == name or not named):
            return code
        if dash and entry is None and len(named) == 1:
            return named[0].code
        if dash and entry:
            raise CellError(f"{label}“{text[:30]}”的代码与名称不一致，请参照下拉框选择")
        if text.isdigit():
            padded = [text.zfill(w) for w in widths if w > len(text) and table.get(text.zfill(w))]
            if len(padded) == 1:
                return padded[0]
        raise CellError(f"{label}“{text[:30]}”名称错误，找不到对应的代码，请参照下拉框选择")

    return read


def _date_text(label: str, value: Any, month: bool) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[: 7 if month else 10]
    text = _text(value)
    match = _DATE.match(text) or _COMPACT.match(text)
    if not match or (not month and not match[3]):
        shape = "yyyy-MM" if month else "yyyy-MM-dd"
        raise CellError(f"{label}格式错误！日期应该形如：{shape}")
    year, mon, day = match[1], match[2].zfill(2), (match[3] or "").zfill(2)
    return f"{year}-{mon}" if month else f"{year}-{mon}-{day}"


def reader(field: Field, school_type: str, tables: Mapping[str, CodeTable]) -> Reader:
    """The cell -> value function of one column, built once per import."""
    label = field.label_for(school_type)
    kind = field.type
    if kind == "text":
        return _text
    if kind in ("date", "month"):
        return lambda v: _date_text(label, v, kind == "month")
    if kind == "bool":

        def read_bool(v: Any) -> bool:
            if isinstance(v, bool):
                return v
            text = _text(v)
            if text in ("1", "是", "1-是", "Y", "y", "true", "TRUE", "True"):
                return True
            if text in ("0", "否", "0-否", "N", "n", "false", "FALSE", "False"):
                return False
            raise CellError(f"{label}应填“是”或“否”")

        return read_bool
    if kind in ("int", "year", "decimal"):

        def read_number(v: Any) -> Any:
            if isinstance(v, float) and v.is_integer() and kind != "decimal":
                return int(v)
            return v if isinstance(v, (int, float)) and not isinstance(v, bool) else _text(v)

        return read_number
    code = _code_reader(label, tables.get(field.table_for(school_type) or ""))
    if kind == "code":
        return lambda v: code(_text(v))
    return lambda v: [code(part.strip()) for part in SEPARATORS.split(_text(v)) if part.strip()]


def shown(field: Field, school_type: str, value: Any, tables: Mapping[str, CodeTable]) -> Any:
    """A stored value as a template cell: codes as "code-name", several joined by 、."""
    if value is None:
        return None
    if field.type == "bool":
        return f"{int(value)}-{BOOL_NAMES[bool(value)]}"
    if field.type in ("code", "codes"):
        table = tables.get(field.table_for(school_type) or "")

        def one(code: str) -> str:
            entry = table.get(code) if table else None
            return f"{code}-{entry.name}" if entry else code

        return one(value) if field.type == "code" else "、".join(one(c) for c in value)
    return value


def code_choices(field: Field, school_type: str, tables: Mapping[str, CodeTable]) -> list[str]:
    """The dropdown of a coded column ("code-name"), also for yes/no columns; codes of other school
    types (教职工来源 301/302 幼儿园) left out."""
    if field.type == "bool":
        return ["1-是", "0-否"]
    table = tables.get(field.table_for(school_type) or "")
    entries = (
        [e for e in table.entries if not school_type or school_type in field.codes_only_in.get(e.code, (school_type,))]
        if table
        else []
    )
    return [f"{e.code}-{e.name}" for e in entries]

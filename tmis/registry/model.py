"""The field registry's vocabulary: a field and an info set, described once, as data.

Storage validation, the GraphQL types and inputs, `fieldDefinitions`, completeness, Excel
templates, import, export and statistics all read these descriptions; plugins add to them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SCHOOL_TYPES = ("PRIMARY_SECONDARY", "VOCATIONAL", "SPECIAL_EDUCATION", "KINDERGARTEN")
SCHOOL_TYPE_NAMES = {
    "PRIMARY_SECONDARY": "中小学",
    "VOCATIONAL": "中职",
    "SPECIAL_EDUCATION": "特教",
    "KINDERGARTEN": "幼儿园",
}
FieldType = Literal["text", "code", "codes", "date", "month", "year", "int", "decimal", "bool"]
FIELD_TYPES: tuple[str, ...] = ("text", "code", "codes", "date", "month", "year", "int", "decimal", "bool")
# teacher: the teacher and the school's DATA_ENTRY may write it; school: only the school
Writer = Literal["teacher", "school"]


@dataclass(frozen=True)
class Condition:
    """`field` holds one of `values` (or, negated, none of them)."""

    field: str
    values: tuple[Any, ...]
    negate: bool = False

    def holds(self, record: Mapping[str, Any]) -> bool:
        value = record.get(self.field)
        value = tuple(value) if isinstance(value, list) else value  # a multi-select: ("00",) is 无
        return (value in self.values) != self.negate


class Default(enum.Enum):
    """A default known only when a record is saved."""

    SCHOOL_NAME = "the school's name"
    THIS_YEAR = "the current year"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: FieldType
    code_table: str | None = None
    # must be filled (where it applies: its school types, and while `when` holds)
    required: bool = False
    # must be filled while this holds too (证书名称 when 语言证书名称 is 9 其他)
    required_when: Condition | None = None
    # only in these school-type variants (None: every variant)
    school_types: frozenset[str] | None = None
    # required only in these variants (None: wherever it applies)
    required_in: frozenset[str] | None = None
    # enabled only while this holds; cleared otherwise (e.g. 用人形式 only when not 在编)
    when: Condition | None = None
    # applied when the field is left empty; a `Default` is resolved at save time
    default: Any = None
    writer: Writer = "teacher"
    # computed from the sub-tables (引自…信息表), never written
    derived: bool = False
    # non-null in the GraphQL input, as the public contract has it
    input_required: bool = False
    max_length: int | None = None
    # date order: not earlier than (>=) / later than (>) another field of the set
    not_before: str | None = None
    after: str | None = None
    # cascade: (controlling field, key of the code entries listing the controlling values they go
    # with), e.g. 岗位等级 within 岗位类别: ("postCategory", "applies_to_post_category")
    cascade: tuple[str, str] | None = None
    # tree codes within another field: (controlling field, controlling value -> the top-level codes
    # allowed), e.g. 学位名称 within 学位层次, 任教课程 within 任教学段 (a multi-select: any chosen)
    within: tuple[str, Mapping[str, tuple[str, ...]]] | None = None
    # codes allowed only in some school types, e.g. 教职工来源 301/302 幼儿园 only
    codes_only_in: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # per-variant label and code table where they differ (进本园年月; 教职工类别 per school type)
    labels: Mapping[str, str] = field(default_factory=dict)
    code_tables: Mapping[str, str] = field(default_factory=dict)
    # the province plugin that added it; None for national fields
    plugin: str | None = None
    # other header texts real templates carry for this column (import finds the column by any)
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.key}: unknown type {self.type!r}")
        if self.type in ("code", "codes") and not (self.code_table or self.code_tables):
            raise ValueError(f"field {self.key}: a {self.type} field needs a code table")

    @property
    def always_present(self) -> bool:
        """Every stored record has it: required everywhere, unconditionally (non-null in GraphQL). Not a
        plugin's field: records stored before the plugin was enabled lack it."""
        return (
            self.required
            and self.when is None
            and self.school_types is None
            and self.required_in is None
            and not self.derived
            and self.plugin is None
        )

    def applies(self, school_type: str) -> bool:
        return self.school_types is None or school_type in self.school_types

    def required_for(self, school_type: str) -> bool:
        """Unconditionally required in this variant (conditional ones depend on the record)."""
        return (
            self.required
            and self.applies(school_type)
            and (self.required_in is None or school_type in self.required_in)
            and self.when is None
        )

    def label_for(self, school_type: str) -> str:
        return self.labels.get(school_type, self.label)

    def table_for(self, school_type: str) -> str | None:
        return self.code_tables.get(school_type, self.code_table)


@dataclass(frozen=True)
class InfoSet:
    key: str
    label: str
    fields: tuple[Field, ...]
    writer: Writer = "teacher"
    # BASIC is the main table; CONTACT holds at most one entry; the rest are lists
    single: bool = False
    # completeness asks for at least one entry
    required: bool = False
    # at most one entry for each value of these fields (one 年度考核 a year)
    one_per: tuple[str, ...] = ()
    # the province plugin that added the set; None for national sets
    plugin: str | None = None

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def for_school_type(self, school_type: str) -> list[Field]:
        return [f for f in self.fields if f.applies(school_type)]

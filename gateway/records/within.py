"""The codes a field offers within another field's value, as `FieldDefinition.within` shows them: the
registry's rules, so a form offers only what the records service would accept.

Two kinds, one shape: a tree field's `within` (学位名称 within 学位层次, 任教课程 within 任教学段)
lists the roots each value allows, any code under them fitting (`subtrees`); a cascade (岗位等级
within 岗位类别) is read from the field's code table, whose entries list the values they go with
(an entry listing none goes with every value).
"""

from __future__ import annotations

import strawberry

from gateway.loaders import CodeTableView
from tmis.registry import Field, InfoSet


@strawberry.type(description="The codes that fit one value of the deciding field.")
class WithinChoice:
    value: str
    codes: list[str]


@strawberry.type(
    description=(
        "The codes a field may take depend on another field of the set (岗位等级 within 岗位类别, 学位名称 within "
        "学位层次, 任教课程 within 任教学段); a save outside them is refused with CASCADE."
    )
)
class FieldWithin:
    field: str = strawberry.field(description="The key of the field whose value decides, e.g. postCategory.")
    subtrees: bool = strawberry.field(
        description=(
            "true: a code fits when it or one of its ancestors (Code.parent) is listed (the degree and course trees); "
            "false: only the codes listed fit."
        )
    )
    choices: list[WithinChoice] = strawberry.field(
        description=(
            "Per value of the deciding field, the codes that fit; a value not listed allows none. With several "
            "values chosen (a multi-select), a code fitting any of them fits. While the deciding field is empty, "
            "any code may be chosen."
        )
    )


def tables_needed(info_set: InfoSet, school_type: str) -> list[str]:
    """The code tables a cascade is read from: the field's own and the deciding field's."""
    names = []
    for field in info_set.for_school_type(school_type):
        if field.cascade is not None:
            names += [field.table_for(school_type) or "", info_set.field(field.cascade[0]).table_for(school_type) or ""]
    return [n for n in dict.fromkeys(names) if n]


def within_of(
    field: Field, info_set: InfoSet, school_type: str, tables: dict[str, CodeTableView | None]
) -> FieldWithin | None:
    if field.within is not None:
        deciding, roots = field.within
        choices = [WithinChoice(value=v, codes=list(codes)) for v, codes in roots.items()]
        return FieldWithin(field=deciding, subtrees=True, choices=choices)
    if field.cascade is None:
        return None
    deciding, listed_in = field.cascade
    own = tables.get(field.table_for(school_type) or "")
    values = tables.get(info_set.field(deciding).table_for(school_type) or "")
    if own is None or values is None:
        return None
    goes_with = {c.code: _listed(c.extra, listed_in) for c in own.table.entries}
    choices = [
        WithinChoice(value=v.code, codes=[c for c, listed in goes_with.items() if listed is None or v.code in listed])
        for v in values.table.entries
    ]
    return FieldWithin(field=deciding, subtrees=False, choices=choices)


def _listed(extra: object, key: str) -> set[str] | None:
    """The values an entry lists under `key` (a Struct's list), None when it lists none."""
    fields = getattr(extra, "fields", {})
    if key not in fields:
        return None
    return {str(v.string_value) for v in fields[key].list_value.values}

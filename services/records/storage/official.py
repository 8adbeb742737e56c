"""The official version (SPEC §5.4) as MongoDB reads it: a record under a 信息变更 counts as its
last approved version. The rule is `model.UNDER_CHANGE` (its Python form is `Teacher.official`);
both forms here are derived from it, field by field: a filter of `find` and an expression of an
aggregation. (Part of the storage package.)"""

from __future__ import annotations

from typing import Any

from services.records.model import UNDER_CHANGE


def _filter(values: tuple[Any, ...]) -> Any:
    return values[0] if len(values) == 1 else {"$in": list(values)}


def _expression(name: str, values: tuple[Any, ...]) -> dict[str, Any]:
    if len(values) == 1:
        return {"$eq": [f"${name}", values[0]]}
    return {"$in": [f"${name}", list(values)]}


# a `find` filter matching the records under a change
UNDER_CHANGE_FILTER: dict[str, Any] = {name: _filter(values) for name, values in UNDER_CHANGE.items()}
# an aggregation expression, true for a record under a change
UNDER_CHANGE_EXPRESSION: dict[str, Any] = {"$and": [_expression(n, v) for n, v in UNDER_CHANGE.items()]}

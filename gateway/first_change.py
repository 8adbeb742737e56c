"""Before the first password change a token opens `me` and `changePassword` only.

One guard on every other root field of the built schema, so a field added later is covered
without a thought: a query answers PASSWORD_CHANGE_REQUIRED as an error, a mutation as its
payload's `userErrors`. The fields open to visitors stay open. The services refuse such a
token as well, each in its auth interceptor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo, default_field_resolver, get_named_type
from strawberry.types.base import StrawberryList, StrawberryObjectDefinition, StrawberryOptional

from gateway.errors import UserError
from tmis.errors import DomainError, ErrorCode

__all__ = ["OPEN", "BEFORE_CHANGE", "guard_first_change"]

OPEN = frozenset({"health", "plugins", "login", "retrieveInitialPassword", "searchSchools"})
BEFORE_CHANGE = frozenset({"me", "changePassword"})
_SCALARS: dict[Any, Any] = {int: 0, float: 0.0, bool: False, str: ""}


def guard_first_change(schema: strawberry.Schema) -> None:
    """Wraps every root field but OPEN and BEFORE_CHANGE in the guard."""
    core = schema._schema
    for root, as_payload in ((core.query_type, False), (core.mutation_type, True)):
        for name, field in (root.fields if root else {}).items():
            if name not in OPEN | BEFORE_CHANGE:
                payload = get_named_type(field.type).extensions["strawberry-definition"] if as_payload else None
                field.resolve = _guarded(field.resolve or default_field_resolver, payload)


def _guarded(resolve: Callable[..., Any], payload: StrawberryObjectDefinition | None) -> Callable[..., Any]:
    def guarded(source: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        caller = info.context.caller
        if caller is None or not caller.must_change_password:
            return resolve(source, info, **kwargs)
        refusal = DomainError(ErrorCode.PASSWORD_CHANGE_REQUIRED, "请先修改初始密码")
        if payload is None:
            raise refusal
        return _refused_payload(payload, UserError.of(refusal))

    return guarded


def _empty(kind: Any) -> Any:
    if isinstance(kind, StrawberryOptional):
        return None
    return [] if isinstance(kind, StrawberryList) else _SCALARS[kind]


def _refused_payload(payload: StrawberryObjectDefinition, error: UserError) -> Any:
    """The mutation's payload with only `userErrors` set (nothing else was done)."""
    values: dict[str, Any] = {}
    for f in payload.fields:
        if f.base_resolver is None:
            values[f.python_name] = _empty(f.type)
    return payload.origin(**{**values, "user_errors": [error]})

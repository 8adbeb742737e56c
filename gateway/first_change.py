"""Before the first password change a token opens `me` and `changePassword` only.

One guard on every other root field of the built schema, so a field added later is covered
without a thought: a query answers PASSWORD_CHANGE_REQUIRED as an error, a mutation as its
payload's `userErrors`. The fields open to visitors stay open. The services refuse such a
token as well, each in its auth interceptor.
"""
from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLNamedType, GraphQLObjectType, GraphQLResolveInfo, get_named_type
from strawberry.types.base import StrawberryList, StrawberryOptional

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
                field.resolve = _guarded(field, get_named_type(field.type) if as_payload else None)


def _guarded(field: GraphQLField, payload: GraphQLNamedType | None) -> Any:
    resolve = field.resolve
    assert resolve is not None, "every root field has a resolver"

    def guarded(source: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        caller = info.context.caller
        if caller is None or not caller.must_change_password:
            return resolve(source, info, **kwargs)
        refusal = DomainError(ErrorCode.PASSWORD_CHANGE_REQUIRED, "请先修改初始密码")
        if payload is None:
            raise refusal
        return _refused_payload(payload, UserError.of(refusal))

    return guarded


def _refused_payload(payload: GraphQLNamedType, error: UserError) -> Any:
    """The mutation's payload with only `userErrors` set (nothing else was done)."""
    assert isinstance(payload, GraphQLObjectType)
    definition = payload.extensions["strawberry-definition"]
    values: dict[str, Any] = {}
    for f in definition.fields:
        if f.base_resolver is not None:
            continue
        kind = f.type
        values[f.python_name] = None if isinstance(kind, StrawberryOptional) else [] if isinstance(kind, StrawberryList) else _SCALARS[kind]
    return definition.origin(**{**values, "user_errors": [error]})

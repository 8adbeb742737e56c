"""Errors as the API shows them: `userErrors` for expected failures, masked GraphQL errors otherwise."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Iterator
from typing import TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from tmis import log
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

logger = logging.getLogger("tmis.gateway")
T = TypeVar("T")


@strawberry.type
class UserError:
    code: str
    message: str
    field: str | None = None

    @classmethod
    def of(cls, err: DomainError) -> UserError:
        return cls(code=str(err.code), message=err.message, field=err.field)


def require(caller: Caller | None, *roles: str, before_change: bool = False) -> Caller:
    """The gateway's one permission check, before calling a service (which checks again, with the
    target's reach): signed in, and holding one of `roles` (any role when none is named). Unless
    `before_change`, an account whose initial password is unchanged is refused too. A refusal is a
    DomainError: a query answers it as a GraphQL error with its code, a mutation as userErrors
    (`refusal`)."""
    if caller is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "请先登录")
    if not before_change:
        caller.require(*roles)
    return caller


def refusal(caller: Caller | None, *roles: str, before_change: bool = False) -> list[UserError]:
    """`require` for a mutation: its refusal as the payload's userErrors, none when allowed."""
    try:
        require(caller, *roles, before_change=before_change)
    except DomainError as err:
        return [UserError.of(err)]
    return []


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Await a service call; a DomainError becomes the payload's userErrors."""
    try:
        return await call, []
    except DomainError as err:
        return None, [UserError.of(err)]


class ErrorMasking(MaskErrors):
    """Errors as clients see them. What the client got wrong keeps its message, with the code
    Apollo clients know: GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, or BAD_USER_INPUT for
    variables that do not fit their types (no resolver ran: the error has no path). DomainErrors
    keep their Chinese message and code. Anything unexpected is logged once and masked."""

    def __init__(self) -> None:
        super().__init__()
        self.invalid = False

    def on_validate(self) -> Iterator[None]:
        yield
        self.invalid = bool(self.execution_context.pre_execution_errors)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        parsed = self.execution_context.graphql_document is not None
        if isinstance(original, DomainError):
            message, extensions = original.message, {"code": str(original.code), "field": original.field}
        elif not parsed and original is None:
            message, extensions = error.message, {"code": "GRAPHQL_PARSE_FAILED"}
        elif self.invalid:
            message, extensions = error.message, {"code": "GRAPHQL_VALIDATION_FAILED"}
        elif error.path is None and (original is None or isinstance(original, GraphQLError)):
            message, extensions = error.message, {"code": "BAD_USER_INPUT"}
        else:
            logger.error("unexpected error in %s", ".".join(map(str, error.path or ())), exc_info=original)
            message, extensions = (
                "服务内部错误，请稍后重试",
                {"code": "INTERNAL_SERVER_ERROR", "requestId": log.request_id.get()},
            )
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=extensions,
        )

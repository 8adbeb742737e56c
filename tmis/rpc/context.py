"""Per-call context: who is calling, with which token (forwarded on onward calls)."""

from __future__ import annotations

import contextvars

from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

_caller: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("caller", default=None)
token: contextvars.ContextVar[str] = contextvars.ContextVar("token", default="")
# the end user's address as the gateway saw it, forwarded on every onward call (audit, rate limits)
client_addr: contextvars.ContextVar[str] = contextvars.ContextVar("client_addr", default="")


def current_caller() -> Caller:
    """The verified caller of the current RPC; UNAUTHENTICATED when there is none."""
    caller = _caller.get()
    if caller is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "请先登录")
    return caller


def current_token() -> str:
    return token.get()


def set_caller(caller: Caller | None) -> contextvars.Token[Caller | None]:
    return _caller.set(caller)


def reset_caller(tok: contextvars.Token[Caller | None]) -> None:
    _caller.reset(tok)

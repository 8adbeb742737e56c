"""Keyset paging shared by every connection: opaque cursors around a sort key."""
from __future__ import annotations

import base64

import strawberry

from tmis.errors import DomainError, ErrorCode

MAX_PAGE = 200


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str:
    if not cursor:
        return ""
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "分页游标无效", "after") from None


def page_size(first: int | None, default: int = 50) -> int:
    if first is None:
        return default
    if first < 1 or first > MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每页条数应为1至{MAX_PAGE}", "first")
    return first

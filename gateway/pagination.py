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
    """The sort key of a cursor that `encode_cursor` made; anything else is refused (never read as
    the first page: base64 decoding alone skips characters outside its alphabet)."""
    if not cursor:  # none, or empty: the first page
        return ""
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:
        key = ""
    if not key or encode_cursor(key) != cursor:
        raise DomainError(ErrorCode.INVALID_INPUT, "分页游标无效，请从第一页重新查询", "after")
    return key


def page_size(first: int | None, default: int = 50) -> int:
    if first is None:
        return default
    if first < 1 or first > MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每页条数应为1至{MAX_PAGE}", "first")
    return first

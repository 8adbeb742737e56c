"""Keyset paging in the services: a cursor is `<ISO time>|<id>` of the last item of a page,
and a page size is clamped to 1..200 (the gateway refuses out-of-range sizes before that)."""

from __future__ import annotations

import datetime as dt

from tmis.errors import DomainError, ErrorCode

MAX_PAGE = 200


def page_size(first: int) -> int:
    return max(1, min(first or 50, MAX_PAGE))


def after_key(after: str) -> tuple[dt.datetime, str] | None:
    """The (time, id) a page starts after; None for the first page."""
    if not after:
        return None
    at, _, last = after.partition("|")
    try:
        return dt.datetime.fromisoformat(at), last
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "分页游标无效", "after") from None


def cursor(at: dt.datetime, item_id: str) -> str:
    return f"{at.isoformat()}|{item_id}"

"""Keyset paging in the services: a cursor is `<ISO time>|<id>` of the last item of a page (a
records cursor adds `|<seq>`, the item's place among those of the same time), and a page size is
clamped to 1..200 (the gateway refuses out-of-range sizes before that)."""

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


def after_position(after: str) -> tuple[dt.datetime, str, int | None] | None:
    """`after_key`'s (time, id) and the sequence number after them (None when the cursor has none)."""
    key = after_key(after)
    if key is None:
        return None
    last, _, seq = key[1].partition("|")
    if seq and not seq.isdigit():
        raise DomainError(ErrorCode.INVALID_INPUT, "分页游标无效", "after")
    return key[0], last, int(seq) if seq else None


def cursor(at: dt.datetime, item_id: str, seq: int | None = None) -> str:
    return f"{at.isoformat()}|{item_id}" + (f"|{seq}" if seq is not None else "")

"""What the review chain and the movements share: batches, their per-item outcome, the clock,
and the refusal of a reviewer whose org is not the one an item waits for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from services.review import access
from services.review.model import LEVEL_NAMES
from services.review.ports import Orgs
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

MAX_BATCH = 500
MAX_COMMENT = 500
CHINA = dt.timezone(dt.timedelta(hours=8))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> str:
    """Today in China (UTC+8), YYYY-MM-DD: the day a flow counts on."""
    return dt.datetime.now(CHINA).date().isoformat()


class Failed(DomainError):
    """One item of a batch (a record, a movement) was refused; `field` is its id."""


def batch_ids(ids: list[str], what: str, field: str) -> list[str]:
    """The distinct ids of a batch of `what` (教师记录, 变动申请), at least one and at most MAX_BATCH."""
    ids = list(dict.fromkeys(i for i in ids if i))
    if not ids:
        raise DomainError(ErrorCode.INVALID_INPUT, f"请选择要处理的{what}", field)
    if len(ids) > MAX_BATCH:
        raise DomainError(ErrorCode.INVALID_INPUT, f"一次最多处理 {MAX_BATCH} 条{what}", field)
    return ids


async def each(ids: list[str], act: Callable[[str], Awaitable[None]]) -> tuple[list[str], list[Failed]]:
    """A batch's outcome: the ids acted on, and one error per id refused."""
    done, failed = [], []
    for i in ids:
        try:
            await act(i)
            done.append(i)
        except DomainError as err:
            failed.append(Failed(err.code, err.message, i))
    return done, failed


async def pending_at_caller(
    caller: Caller, what: str, submitted: bool, pending: tuple[str, str], orgs: Orgs
) -> tuple[str, str]:
    """The (level, org) a submitted `what` (记录, 变动) waits for, when the caller reviews there;
    else WRONG_STATE (not submitted) or FORBIDDEN naming who it waits for."""
    level, org = pending
    if not submitted or not org:
        raise DomainError(ErrorCode.WRONG_STATE, f"该{what}不在待审核状态（可能已被他人处理或撤回）")
    if not access.reviews_at(caller, org):
        found = await orgs.org(org)
        who = f"{LEVEL_NAMES.get(level, level)}（{found.name if found else org}）"
        raise DomainError(ErrorCode.FORBIDDEN, f"该{what}正等待{who}审核，您无权审核")
    return level, org

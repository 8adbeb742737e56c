"""What makes a signed token stop working before it expires, in every process.

Tokens are verified locally (no call to identity per request). Identity records two kinds of
change: an account's `not_before` (disable, reset, password change, delete: tokens issued
earlier are void) and a school's teacher login window (closed: TEACHER-only tokens of that
school are refused). Each process polls identity's feed every second or so and checks each
verified caller against what it has; a token is refused within seconds of the change.
Until the first poll succeeds (identity not yet up), only the signature and expiry count.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tmis.auth import Caller, TokenSigner
from tmis.errors import DomainError, ErrorCode

logger = logging.getLogger("tmis.revocations")
OVERLAP_MS = 5_000  # re-read a little of the past each poll: writes may land out of order
START_GRACE_SECONDS = 10.0


@dataclass
class Feed:
    accounts: dict[str, int] = field(default_factory=dict)  # account id -> not_before (ms)
    closed_schools: dict[str, bool] = field(default_factory=dict)  # school code -> closed now
    until_ms: int = 0


Fetch = Callable[[int], Awaitable[Feed]]


async def _not_connected(since_ms: int) -> Feed:
    raise ConnectionError("the revocation feed is not connected yet")


class Revocations:
    def __init__(self, fetch: Fetch = _not_connected, interval_seconds: float = 1.0) -> None:
        self.fetch = fetch
        self.interval = interval_seconds
        self.not_before: dict[str, int] = {}
        self.closed: set[str] = set()
        self.since = 0
        self.synced = False
        self._task: asyncio.Task[None] | None = None

    def apply(self, feed: Feed) -> None:
        for account_id, not_before in feed.accounts.items():
            self.not_before[account_id] = max(not_before, self.not_before.get(account_id, 0))
        for code, closed in feed.closed_schools.items():
            (self.closed.add if closed else self.closed.discard)(code)
        self.since = max(0, feed.until_ms - OVERLAP_MS)
        self.synced = True

    def check(self, caller: Caller) -> None:
        if caller.service:
            return
        if caller.issued_at < self.not_before.get(caller.account_id, 0):
            raise DomainError(ErrorCode.UNAUTHENTICATED, "登录已失效，请重新登录")
        if caller.teacher_only and caller.org_code in self.closed:
            raise DomainError(ErrorCode.FORBIDDEN, "本校教师信息采集已关闭，暂不能登录或修改，请联系学校管理员")

    def verify_access(self, signer: TokenSigner, raw: str) -> Caller:
        """An access token's caller: signature, expiry, not a download token, not revoked."""
        caller = signer.verify(raw)
        if caller.scope:  # a download token opens one URL at the gateway, nothing else
            raise DomainError(ErrorCode.UNAUTHENTICATED, "登录已失效，请重新登录")
        self.check(caller)
        return caller

    async def refresh(self) -> None:
        self.apply(await self.fetch(self.since))

    async def _run(self) -> None:
        started, warned = time.monotonic(), False
        while True:
            try:
                await self.refresh()
                if warned:
                    logger.info("revocation feed reachable again")
                warned = False
            except Exception as err:  # identity down or restarting: keep what we have, say so once
                # identity may start after this process: quiet for a few seconds at first
                quiet = warned or (not self.synced and time.monotonic() - started < START_GRACE_SECONDS)
                (logger.debug if quiet else logger.warning)("revocation feed unavailable: %s", err)
                warned = warned or not quiet
            await asyncio.sleep(self.interval)

    def start(self, fetch: Fetch | None = None) -> None:
        """Polls the feed until `stop`. `fetch`, when given, replaces the one given at construction:
        the gateway's goes through its identity client, made in its lifespan (in the running loop)."""
        self.fetch = fetch or self.fetch
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="revocations")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

"""The lockout: a username's login attempts, each given a place before its password is verified.

A username, known or not (no enumeration), has `lockout_threshold` places (5). Every attempt takes
one before its password is verified. A wrong password keeps its place as a failure. A right one
frees its place and clears the failures, so only consecutive failures count. An attempt refused
before its password is verified frees its place. When every place is a failure, the username is
locked for `lockout_minutes` (30); the lock's end, an unlock, a reset or a password change clears
the failures too. So however many attempts arrive at once, at most 5 passwords are verified wrong
between two clears (a lock window), and exactly 5 in a row lock the username.

An attempt that finds every place held, some still being verified, waits for one to be freed: right
passwords arriving together all sign in, 5 at a time. Its wait counts in the hasher's budget
(`argon2_max_wait_ms` for the place and the hash queue together); beyond it the answer is
RATE_LIMITED and nothing is counted.

Each step is one atomic update of the username's document (storage.py), so the rule holds for any
interleaving of steps, across processes. A place whose process died before resolving it is freed
after the budget plus a minute (no live attempt holds one that long).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from services.identity.audit import now
from services.identity.config import IdentityConfig
from services.identity.passwords import BUSY
from services.identity.storage import Storage
from tmis.errors import DomainError, ErrorCode

POLL = 0.1  # seconds: how soon a waiter sees a place freed by another process (this one wakes it at once)
FORGET = dt.timedelta(days=1)  # failures are forgotten a day after the username's last attempt (its lock's end)


@dataclass(frozen=True)
class Lock:
    until: dt.datetime
    started: bool  # by this call (audited once)


class Attempts:
    def __init__(self, storage: Storage, config: IdentityConfig) -> None:
        self.storage = storage
        self.threshold = config.lockout_threshold
        self.lock_for = dt.timedelta(minutes=config.lockout_minutes)
        self.stale = dt.timedelta(milliseconds=config.argon2_max_wait_ms, minutes=1)
        # this process's attempts waiting for a place, per username, first come first; each one's
        # event is set when a place may have been freed
        self._waiting: dict[str, deque[asyncio.Event]] = {}

    async def reserve(self, username: str, attempt: str, deadline: float) -> Lock | None:
        """None once `attempt` holds a place; the lock when the username is locked. With every place
        held, waits for one until `deadline` (time.monotonic()), then RATE_LIMITED."""
        while True:
            if time.monotonic() > deadline:
                raise DomainError(ErrorCode.RATE_LIMITED, BUSY)
            at = now()
            if await self.storage.reserve_attempt(username, attempt, self.threshold, at, at + FORGET):
                return None
            with self._watch(username) as freed:  # from before the state is read: no freeing is missed
                state = await self.storage.login_attempts(username)
                if state is None or (state.locked_until is None and state.held < self.threshold):
                    continue  # changed meanwhile
                if state.locked_until is not None:
                    if state.locked_until > at:
                        return Lock(state.locked_until, started=False)
                    await self.storage.end_lock(username, state.locked_until)
                elif state.pending == 0:  # failures only, unlocked: the last one died (or is about to lock)
                    if lock := await self._lock(username):
                        return lock
                elif state.oldest_pending is not None and state.oldest_pending < at - self.stale:
                    await self.storage.reap_attempts(username, at - self.stale)
                else:
                    await self._wait(freed, deadline)

    async def succeeded(self, username: str, attempt: str) -> None:
        """A right password: its place freed and the username's failures cleared, in one update."""
        await self.storage.clear_failures(username, attempt)
        self._wake(username)

    async def failed(self, username: str, attempt: str) -> tuple[int, Lock | None]:
        """A wrong password: (its place among the consecutive failures, 0 when not counted because the
        username was cleared meanwhile; the lock when it completed them)."""
        state = await self.storage.fail_attempt(username, attempt)
        if state is None:
            return 0, None
        if state.pending or state.held < self.threshold:
            return state.failed, None  # its place stays held: nobody to wake
        lock = await self._lock(username)
        self._wake(username, everyone=True)  # to answer with the lock (or take places a clear freed meanwhile)
        return state.failed, lock

    async def abandoned(self, username: str, attempt: str) -> None:
        """Refused or interrupted before its password was verified: its place freed, nothing counted."""
        await self.storage.release_attempt(username, attempt)
        self._wake(username)

    async def _lock(self, username: str) -> Lock | None:
        until = now() + self.lock_for
        if await self.storage.lock(username, self.threshold, until, until + FORGET):
            return Lock(until, started=True)
        state = await self.storage.login_attempts(username)  # locked by another, or cleared meanwhile
        return Lock(state.locked_until, started=False) if state and state.locked_until else None

    @contextlib.contextmanager
    def _watch(self, username: str) -> Iterator[asyncio.Event]:
        """This attempt in the line of this process's attempts waiting for a place of `username`."""
        freed = asyncio.Event()
        line = self._waiting.setdefault(username, deque())
        line.append(freed)
        try:
            yield freed
        finally:
            with contextlib.suppress(ValueError):  # woken: already out of the line
                line.remove(freed)
            if not line and self._waiting.get(username) is line:
                del self._waiting[username]

    def _wake(self, username: str, everyone: bool = False) -> None:
        """The first waiters, as many as places may have been freed (a success clears up to all)."""
        line = self._waiting.get(username, deque())
        for _ in range(len(line) if everyone else min(self.threshold, len(line))):
            line.popleft().set()

    @staticmethod
    async def _wait(freed: asyncio.Event, deadline: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(freed.wait(), max(0.0, min(POLL, deadline - time.monotonic())))

"""The lockout's places on the real database, step by step (services/identity/attempts.py): what
a clear, the end of a lock and a process dying between two steps leave behind."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from services.identity.attempts import Attempts
from services.identity.audit import now
from services.identity.config import IdentityConfig
from services.identity.storage import Storage
from tmis.errors import DomainError, ErrorCode
from tmis.settings import Settings

USER = "gs_clerk"


@pytest.fixture
async def storage(settings: Settings) -> AsyncIterator[Storage]:
    storage = await Storage.open(settings)
    yield storage
    await storage.close()


async def _held_by_the_dead(storage: Storage, count: int, failed: bool) -> None:
    """Places taken an hour ago by a process that died before resolving them (or before locking)."""
    long_ago = now() - dt.timedelta(hours=1)
    for i in range(count):
        assert await storage.reserve_attempt(USER, f"dead{i}", 5, long_ago, now() + dt.timedelta(days=1))
        if failed:
            await storage.fail_attempt(USER, f"dead{i}")


async def test_an_unlock_keeps_the_places_of_attempts_being_verified(storage: Storage) -> None:
    """5 attempts are being verified when an admin unlocks: a 6th still waits (no 6th verification
    in the window), and the 5, all wrong, are counted and lock the username."""
    attempts = Attempts(storage, IdentityConfig())
    for i in range(5):
        assert await attempts.reserve(USER, f"a{i}", time.monotonic() + 5) is None
    await storage.clear_failures(USER)  # an unlock meanwhile
    with pytest.raises(DomainError) as waited:
        await attempts.reserve(USER, "a5", time.monotonic() + 0.3)
    assert waited.value.code == ErrorCode.RATE_LIMITED
    outcomes = [await attempts.failed(USER, f"a{i}") for i in range(5)]
    assert [place for place, _ in outcomes] == [1, 2, 3, 4, 5]
    assert [lock is not None and lock.started for _, lock in outcomes] == [False] * 4 + [True]


async def test_a_waiting_attempt_takes_the_place_a_right_password_frees(storage: Storage) -> None:
    attempts = Attempts(storage, IdentityConfig())
    for i in range(5):
        assert await attempts.reserve(USER, f"a{i}", time.monotonic() + 5) is None
    waiting = asyncio.ensure_future(attempts.reserve(USER, "a5", time.monotonic() + 5))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await attempts.failed(USER, "a0")
    await attempts.succeeded(USER, "a1")  # frees its place and a0's failure
    assert await waiting is None
    state = await storage.login_attempts(USER)
    assert state is not None and (state.failed, state.pending) == (0, 4)


async def test_the_end_of_a_lock_starts_a_new_window(storage: Storage) -> None:
    attempts = Attempts(storage, replace(IdentityConfig(), lockout_minutes=0))  # over as soon as it starts
    for i in range(5):
        assert await attempts.reserve(USER, f"a{i}", time.monotonic() + 5) is None
    locks = [(await attempts.failed(USER, f"a{i}"))[1] for i in range(5)]
    assert locks[-1] is not None and locks[-1].started
    assert await attempts.reserve(USER, "after", time.monotonic() + 5) is None
    state = await storage.login_attempts(USER)
    assert state is not None and (state.locked_until, state.failed, state.pending) == (None, 0, 1)


async def test_places_of_a_process_that_died_are_freed(storage: Storage) -> None:
    await _held_by_the_dead(storage, 5, failed=False)
    attempts = Attempts(storage, IdentityConfig())
    assert await attempts.reserve(USER, "alive", time.monotonic() + 5) is None
    state = await storage.login_attempts(USER)
    assert state is not None and (state.failed, state.pending) == (0, 1)


async def test_five_failures_left_unlocked_by_a_process_that_died_lock(storage: Storage) -> None:
    await _held_by_the_dead(storage, 5, failed=True)
    lock = await Attempts(storage, IdentityConfig()).reserve(USER, "next", time.monotonic() + 5)
    assert lock is not None and lock.started and lock.until > now()

"""argon2id never holds identity's event loop, and runs at most `argon2_workers` at once."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from services.identity.config import IdentityConfig
from services.identity.passwords import Hasher
from tmis.errors import DomainError, ErrorCode


async def test_hashes_run_beside_the_loop_and_at_most_the_workers_at_once() -> None:
    hasher = Hasher(IdentityConfig(argon2_memory_kib=8192, argon2_time_cost=1, argon2_workers=1))
    stored = await hasher.hash("Secret#2026")
    running, most, lock = 0, 0, threading.Lock()
    real = hasher.hasher.verify

    def counted(*args: str) -> bool:  # the real argon2, counted
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)  # long enough for the others to overlap, were they allowed to
            return real(*args)
        finally:
            with lock:
                running -= 1

    class Counted:  # the real PasswordHasher (its attributes are read-only), its verify counted
        def __getattr__(self, name: str) -> object:
            return getattr(real.__self__, name)

        verify = staticmethod(counted)

    hasher.hasher = Counted()  # type: ignore[assignment]
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    beat = asyncio.create_task(ticker())
    results = await asyncio.gather(*(hasher.verify(stored, p) for p in ["Secret#2026", "wrong", "Secret#2026", "x"]))
    beat.cancel()
    assert results == [True, False, True, False]
    assert most == 1 and ticks >= 20  # one at a time (0.2 s at least), and the loop kept turning meanwhile


async def test_a_login_that_would_wait_too_long_is_refused_at_once() -> None:
    config = IdentityConfig(argon2_memory_kib=8192, argon2_time_cost=1, argon2_workers=1, argon2_max_wait_ms=1)
    hasher = Hasher(config)
    stored = await hasher.hash("Secret#2026")
    hasher.admit()  # nothing queued: admitted
    queued = [asyncio.ensure_future(hasher.verify(stored, "Secret#2026")) for _ in range(3)]
    await asyncio.sleep(0)  # submitted: one running, two waiting for the only worker
    with pytest.raises(DomainError) as refused:
        hasher.admit()
    assert refused.value.code == ErrorCode.RATE_LIMITED and "稍后再试" in refused.value.message
    assert await asyncio.gather(*queued) == [True] * 3  # those already queued are served
    hasher.admit()  # and once they are done, the next login is admitted again

"""Waiting for a state, never for a fixed time: `eventually()` polls until a predicate holds."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T] | T], what: str = "the condition", timeout: float = 30.0, every: float = 0.05
) -> T:
    """Polls `check` (a function of no argument, async or not) until it returns a truthy value, which
    it returns; after `timeout` seconds it fails naming `what` was awaited and the last value seen.
    The timeout only bounds a broken run: on a loaded machine a state may take seconds to arrive."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}; last seen: {value!r}")
        await asyncio.sleep(every)


def wait_for(check: Callable[[], T], what: str = "the condition", timeout: float = 30.0, every: float = 0.2) -> T:
    """`eventually` for synchronous tests (the browser tests drive playwright's sync API)."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}; last seen: {value!r}")
        time.sleep(every)
    return value

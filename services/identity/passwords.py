"""Passwords: the policy, argon2id hashing off the event loop, generated and sealed initial passwords."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import os
import secrets
import string
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.identity.config import IdentityConfig
from tmis.errors import DomainError, ErrorCode

SPECIAL = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SPECIAL)
# Generated passwords leave out characters that are easily misread from a printed sheet (0/O/o,
# 1/l/I) or hard to type on a phone or a Chinese input method (brackets, quotes, `^`, `=`, `/`...).
CONFUSABLE = "0Oo1lI"
T = TypeVar("T")
BUSY = "登录人数较多，请稍后再试"
_GENERATED = ["".join(c for c in cls if c not in CONFUSABLE) for cls in CLASSES[:3]] + ["!#$%&*+-?@_"]


class PasswordPolicy:
    def __init__(self, config: IdentityConfig) -> None:
        self.min = config.password_min_length
        self.max = config.password_max_length
        self.classes = config.password_min_classes
        self.history = config.password_history

    def check(self, password: str, username: str, field: str = "newPassword") -> None:
        """Raises INVALID_INPUT naming the first rule the password breaks."""

        def refuse(message: str) -> DomainError:
            return DomainError(ErrorCode.INVALID_INPUT, message, field)

        if not self.min <= len(password) <= self.max:
            raise refuse(f"密码长度应为{self.min}至{self.max}个字符")
        if any(c not in string.ascii_letters + string.digits + SPECIAL for c in password):
            raise refuse("密码只能包含英文字母、数字和英文特殊字符，不能有空格或中文")
        if sum(any(c in cls for c in password) for cls in CLASSES) < self.classes:
            raise refuse(f"密码须包含大写字母、小写字母、数字、特殊字符中的至少{self.classes}类")
        if username and username.lower() in password.lower():
            raise refuse("密码不能与用户名相同，也不能包含用户名")

    def generate(self) -> str:
        """A random password with every character class, as long as the policy allows up to 12."""
        length = max(self.min, min(12, self.max))
        chars = [secrets.choice(cls) for cls in _GENERATED]
        pool = "".join(_GENERATED)
        chars += [secrets.choice(pool) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        return "".join(chars)


def _lower_priority() -> None:
    """A worker thread's start: nice 10 (Linux: a thread's own priority), so a login storm yields
    the cores to reads and saves."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


class Hasher:
    """argon2id in worker threads of their own, never on the event loop: at most
    `argon2_workers` at once (argon2 releases the GIL, so they run beside the loop), at lower
    priority; logins beyond them wait in the executor's queue, first come first served.

    The queue is bounded by time: a login whose hash would start later than `argon2_max_wait_ms`
    (the hashes ahead of it per worker times the mean hash time, measured as they run) is refused at
    once (`admit`), before anything is counted against the account. Without it, a storm larger than
    the cores can hash would make every login wait past the gateway's deadline, and each would still
    be hashed after its caller had given up."""

    def __init__(self, config: IdentityConfig) -> None:
        self.hasher = PasswordHasher(
            time_cost=config.argon2_time_cost,
            memory_cost=config.argon2_memory_kib,
            parallelism=config.argon2_parallelism,
            type=Type.ID,
        )
        self._workers = config.argon2_workers or os.cpu_count() or 2
        self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="argon2", initializer=_lower_priority)
        self.max_wait = config.argon2_max_wait_ms / 1000  # seconds
        self._pending = 0  # submitted and not finished: running or queued
        started = time.perf_counter()
        # Verified against when there is no hash to check, so every path takes the same time.
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        self._seconds = time.perf_counter() - started  # a hash's time, a moving mean of those run since

    def admit(self, waited: float = 0.0) -> None:
        """Refuses at once (RATE_LIMITED) when a hash asked for now, by a login that has already
        waited `waited` seconds (for a place of its username), would wait longer than allowed in all."""
        if waited + (self._pending // self._workers) * self._seconds > self.max_wait:
            raise DomainError(ErrorCode.RATE_LIMITED, BUSY)

    def _timed(self, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return work()
        finally:
            self._seconds = 0.8 * self._seconds + 0.2 * (time.perf_counter() - started)

    async def _run(self, work: Callable[[], T]) -> T:
        self._pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, self._timed, work)
        finally:
            self._pending -= 1

    async def hash(self, password: str) -> str:
        return await self._run(lambda: self.hasher.hash(password))

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await self._run(lambda: self._verify(password_hash, password))

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)


class Sealer:
    """AES-256-GCM for initial passwords; the key is derived from the suite secret (HKDF-SHA256)
    and each ciphertext is bound to its account id."""

    def __init__(self, secret: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tmis identity initial passwords").derive(
            secret.encode()
        )
        self._aead = AESGCM(key)

    def seal(self, plaintext: str, account_id: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), account_id.encode())

    def open(self, sealed: bytes | None, account_id: str) -> str | None:
        """The plaintext, or None when absent or undecryptable (e.g. after a change of secret)."""
        if not sealed:
            return None
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], account_id.encode()).decode()
        except (InvalidTag, ValueError):
            return None


def same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())

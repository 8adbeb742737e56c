"""argon2id hashing and generated passwords.

argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4) are above the
OWASP minimum (m=19 MiB, t=2, p=1); `needs_rehash` lets login upgrade old hashes.
"""
from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_SPECIAL = "!@#$%^&*-_=+?"
_CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits, _SPECIAL)
# Letters that are easy to mistype from a printed sheet are left out of generated passwords.
_UNAMBIGUOUS = [c.translate(str.maketrans("", "", "Il1O0o")) for c in _CLASSES]


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        # Verified against when the username is unknown, so both paths take the same time.
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)

    @staticmethod
    def generate(length: int = 12) -> str:
        """A random password with all four character classes."""
        chars = [secrets.choice(cls) for cls in _UNAMBIGUOUS]
        pool = "".join(_UNAMBIGUOUS)
        chars += [secrets.choice(pool) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        return "".join(chars)

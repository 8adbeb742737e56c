"""Caller identity and signed tokens.

Identity issues a token at login; every process verifies it locally with the shared
secret (HMAC-SHA256), so no service trusts the gateway blindly and none needs a call
to identity per request. The token carries the caller's org path (nation → … → org),
which is all a service needs to check that a target lies in the caller's subtree.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from tmis.errors import DomainError, ErrorCode

__all__ = ["Caller", "TokenSigner", "SYSTEM", "bearer_token"]

ROLES = ("SYSTEM_ADMIN", "DATA_ENTRY", "REVIEWER", "QUERY", "TEACHER")


@dataclass(frozen=True)
class Caller:
    account_id: str
    username: str
    org_code: str
    org_path: tuple[str, ...]
    roles: tuple[str, ...]
    must_change_password: bool = False
    service: bool = False
    # when the token was issued (ms since the epoch): revocations apply to tokens issued before them
    issued_at: int = 0
    # empty for an access token; a download token names the one URL path it opens
    scope: str = ""
    # seconds since the epoch; set by `TokenSigner.verify`
    expires_at: int = 0
    # a TEACHER account's own record
    teacher_id: str = ""
    # a long job acting for this account (its id): the account's own identity and reach, checked at
    # every write; the history says the write came through the job
    via: str = ""

    def reaches(self, target_org_path: Sequence[str]) -> bool:
        """True when the target org (given by its path from the nation) is in the caller's subtree."""
        return self.org_code in target_org_path

    def has_role(self, *roles: str) -> bool:
        return self.service or any(r in self.roles for r in roles)

    @property
    def teacher_only(self) -> bool:
        return self.roles == ("TEACHER",)

    def require(self, *roles: str) -> None:
        """Refuses callers that must change their password first, and callers with none of `roles`."""
        if self.must_change_password and not self.service:
            raise DomainError(ErrorCode.PASSWORD_CHANGE_REQUIRED, "请先修改初始密码")
        if roles and not self.has_role(*roles):
            raise DomainError(ErrorCode.FORBIDDEN, "没有执行此操作的权限")


# The suite's own processes (demo seeding, service-to-service calls) act as SYSTEM.
SYSTEM = Caller("system", "system", "", (), ("SYSTEM_ADMIN",), service=True)


def bearer_token(header: str) -> str:
    """The token of an `Authorization: Bearer <token>` header value; empty when there is none."""
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Signs and verifies `v1.<payload>.<mac>` tokens."""

    def __init__(self, secret: str, ttl_seconds: int = 3600) -> None:
        if len(secret) < 32:
            raise ValueError("token secret must be at least 32 characters")
        self._key = secret.encode()
        self.ttl_seconds = ttl_seconds

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def sign(self, caller: Caller, now: float | None = None, ttl_seconds: int | None = None) -> str:
        """A token for `caller`; `issued_at` is kept when set (a token minted for a download), else now."""
        now = time.time() if now is None else now
        payload = asdict(caller)
        if not caller.via:  # (kept out of ordinary tokens: a process of the previous release reads them)
            del payload["via"]
        payload["issued_at"] = caller.issued_at or int(now * 1000)
        payload["expires_at"] = int(now + (self.ttl_seconds if ttl_seconds is None else ttl_seconds))
        body = "v1." + _b64(json.dumps(payload, separators=(",", ":")).encode())
        return body + "." + self._mac(body)

    def verify(self, token: str, now: float | None = None) -> Caller:
        invalid = DomainError(ErrorCode.UNAUTHENTICATED, "登录已失效，请重新登录")
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != "v1":
            raise invalid
        body = parts[0] + "." + parts[1]
        if not hmac.compare_digest(self._mac(body), parts[2]):
            raise invalid
        try:
            data = json.loads(_unb64(parts[1]))
            if data["expires_at"] < (time.time() if now is None else now):
                raise invalid
            data["org_path"] = tuple(data["org_path"])
            data["roles"] = tuple(data["roles"])
            return Caller(**data)
        except (ValueError, KeyError, TypeError):
            raise invalid from None

    def renewal(self, caller: Caller, session_max_seconds: int, now: float | None = None) -> str | None:
        """A fresh token for a caller past half its token's life, keeping the login's issue time
        (so revocations still apply), until the session's maximum age; else None."""
        now = time.time() if now is None else now
        if caller.scope or caller.service or caller.expires_at - now > self.ttl_seconds / 2:
            return None
        if now - caller.issued_at / 1000 > session_max_seconds:
            return None
        return self.sign(caller, now=now)

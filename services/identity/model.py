"""Identity's domain types (no gRPC, no Mongo)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LEVELS = ("NATION", "PROVINCE", "CITY", "DISTRICT", "SCHOOL")
SCHOOL_TYPES = ("PRIMARY_SECONDARY", "VOCATIONAL", "SPECIAL_EDUCATION", "KINDERGARTEN")
ROLES = ("SYSTEM_ADMIN", "DATA_ENTRY", "REVIEWER", "QUERY", "TEACHER")

NATION_CODE = "100000"
NATION_NAME = "全国"


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    level: str
    parent_code: str
    school_type: str
    path: tuple[str, ...]
    teacher_login_enabled: bool = True


@dataclass(frozen=True)
class LoginAttempts:
    """A username's places (services/identity/attempts.py): failures, and attempts being verified."""

    locked_until: dt.datetime | None
    failed: int
    pending: int  # attempts being verified
    oldest_pending: dt.datetime | None  # when the oldest of them took its place

    @property
    def held(self) -> int:
        return self.failed + self.pending


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    display_name: str
    org_code: str
    org_path: tuple[str, ...]
    roles: tuple[str, ...]
    enabled: bool = True
    must_change_password: bool = False
    # argon2id hash of the chosen password; None while only the initial password exists
    password_hash: str | None = None
    # the initial password, sealed (authenticated encryption); erased at the first change
    initial_password: bytes | None = None
    # hashes of the last passwords (newest first), for the no-reuse rule
    password_history: tuple[str, ...] = ()
    teacher_id: str = ""
    id_type: str = ""
    version: int = 1
    locked_until: dt.datetime | None = None

    @property
    def is_admin(self) -> bool:
        return "SYSTEM_ADMIN" in self.roles

    @property
    def teacher_only(self) -> bool:
        return self.roles == ("TEACHER",)


@dataclass(frozen=True)
class AuditEvent:
    id: str
    at: dt.datetime
    event: str
    result: str
    actor: str
    target: str
    org_code: str
    client_addr: str
    detail: str

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
class Account:
    id: str
    username: str
    display_name: str
    org_code: str
    org_path: tuple[str, ...]
    roles: tuple[str, ...]
    enabled: bool
    must_change_password: bool
    password_hash: str
    locked_until: dt.datetime | None = None

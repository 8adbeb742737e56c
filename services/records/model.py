"""Records' domain types (no gRPC, no Mongo)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Teacher:
    id: str
    version: int
    school_code: str
    org_path: tuple[str, ...]
    basic: dict[str, Any]

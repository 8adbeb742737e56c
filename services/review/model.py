"""Review's domain types (no gRPC, no Mongo)."""
from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("DRAFT", "SUBMITTED", "REJECTED", "APPROVED")


@dataclass(frozen=True)
class ReviewState:
    teacher_id: str
    status: str
    pending_level: str = ""
    pending_org_code: str = ""
    org_path: tuple[str, ...] = ()

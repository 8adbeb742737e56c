"""Records' domain types (no gRPC, no Mongo)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

EDITABLE = ("DRAFT", "REJECTED", "CHANGING")
# The official version (SPEC §5.4): a record under a 信息变更 counts as its last approved version.
# Under a change = each of these stored fields holds one of its values: approved at the end of the
# chain once, and in a state of the change. Written once, as data: `Teacher.official` reads it in
# Python, the storage derives its query and its aggregation expression from it
# (storage/official.py), so the three cannot drift apart.
UNDER_CHANGE: dict[str, tuple[Any, ...]] = {
    "status": ("CHANGING", "SUBMITTED", "REJECTED"),
    "once_approved": (True,),
}


@dataclass(frozen=True)
class OrgRef:
    code: str
    level: str
    path: tuple[str, ...]
    school_type: str
    name: str = ""


@dataclass(frozen=True)
class Entry:
    id: str
    set: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Teacher:
    id: str
    version: int
    school_code: str
    school_type: str
    org_path: tuple[str, ...]
    status: str
    basic: dict[str, Any]
    entries: tuple[Entry, ...] = ()
    missing: tuple[str, ...] = ()
    warnings: tuple[tuple[str, str, str], ...] = ()  # (code, message, field)
    updated_at: dt.datetime | None = None
    # the media service's photo: {id, width, height, bytes, dpi, report}; None when none
    photo: dict[str, Any] | None = None
    personal_code: str = ""
    personal_code_formal: bool = False
    # what the personal code was issued for (身份证件类型:号:出生日期); a key change altering it renews the code
    personal_code_key: str = ""
    # the record as it was last approved (the base of "changes since approval"): at any level for a first
    # entry; once approved at the end of the chain, only a final approval replaces it (the official version)
    approved: Teacher | None = None
    once_approved: bool = False
    # the number its last write gave it (storage's `seq`): its place among records changed at the same time
    seq: int | None = None

    @property
    def under_change(self) -> bool:
        """A 信息变更 is open (`UNDER_CHANGE`)."""
        return all(getattr(self, name) in values for name, values in UNDER_CHANGE.items())

    def official(self) -> Teacher:
        """The version that counts (statistics, exports): the last approved one while a change is open."""
        if self.under_change and self.approved is not None:
            return dataclasses.replace(self.approved, status="APPROVED")
        return self

    def entries_of(self, set_key: str) -> list[Entry]:
        return [e for e in self.entries if e.set == set_key]


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    actor: str
    path: str
    old: Any = None
    new: Any = None
    via: str = ""  # the job the writer acted through (an import, a photo archive), if any


@dataclass
class Page:
    teachers: list[Teacher] = field(default_factory=list)
    has_next: bool = False
    total: int = 0
    end_cursor: str = ""

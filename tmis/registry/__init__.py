"""The one field registry: every info set described once, as data (see model.py)."""

from __future__ import annotations

from tmis.registry.basic import BASIC
from tmis.registry.model import FIELD_TYPES, SCHOOL_TYPE_NAMES, SCHOOL_TYPES, Condition, Default, Field, InfoSet
from tmis.registry.sets import SUB_TABLES

__all__ = [
    "BASIC",
    "FIELD_TYPES",
    "SCHOOL_TYPE_NAMES",
    "SCHOOL_TYPES",
    "SUB_TABLES",
    "Condition",
    "Default",
    "Field",
    "InfoSet",
    "Registry",
]


class Registry:
    """The info sets of a deployment: the national ones, then what plugins add."""

    def __init__(self, sets: tuple[InfoSet, ...] = (BASIC, *SUB_TABLES)) -> None:
        self.sets = {s.key: s for s in sets}

    def set(self, key: str) -> InfoSet | None:
        return self.sets.get(key)

    def entry_sets(self) -> list[str]:
        """Every set but 基本信息 (the main table)."""
        return [key for key in self.sets if key != "BASIC"]

    def label_of(self, path: str, school_type: str = "") -> str:
        """A completeness path as a clerk reads it: `education` -> 学习经历, `basic.name` -> 姓名;
        an unknown path is returned as it is."""
        head, _, key = path.partition(".")
        if head == "basic":
            found = next((f for f in self.sets["BASIC"].fields if f.key == key), None)
            return found.label_for(school_type) if found else path
        found_set = next((s for s in self.sets.values() if s.key.replace("_", "").lower() == head.lower()), None)
        return found_set.label if found_set else path

"""The one field registry: every info set described once, as data (see model.py)."""
from __future__ import annotations

from tmis.registry.basic import BASIC
from tmis.registry.model import FIELD_TYPES, SCHOOL_TYPES, Condition, Field, InfoSet
from tmis.registry.sets import SUB_TABLES

__all__ = ["BASIC", "FIELD_TYPES", "SCHOOL_TYPES", "SUB_TABLES", "Condition", "Field", "InfoSet", "Registry"]


class Registry:
    """The info sets of a deployment: the national ones, then what plugins add."""

    def __init__(self, sets: tuple[InfoSet, ...] = (BASIC, *SUB_TABLES)) -> None:
        self.sets = {s.key: s for s in sets}

    def set(self, key: str) -> InfoSet | None:
        return self.sets.get(key)

    def entry_sets(self) -> list[str]:
        """Every set but 基本信息 (the main table)."""
        return [key for key in self.sets if key != "BASIC"]

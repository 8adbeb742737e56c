"""The base of the enums whose members are declared with `strawberry.enum_value` (for their descriptions)."""

from __future__ import annotations

import enum


class DescribedEnum(enum.Enum):
    """strawberry.enum replaces each member's value, an EnumValueDefinition, with the string it holds:
    declared here, once, so that mypy sees `.value` as the string it is at run time."""

    _value_: str

    @property
    def value(self) -> str:
        return self._value_

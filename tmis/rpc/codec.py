"""Record data (a record's 基本信息, an entry's values) crosses gRPC as JSON bytes: one object of
field key -> value, UTF-8. `encode` writes it (the records service for every Teacher it answers
with, the gateway for what a client writes); `decode` reads it, once, on the other side.

JSON keeps what the registry's types need: texts, codes and ISO dates and months as strings,
multi-select codes as lists, yes/no as booleans, absent values as null. Its one ambiguity is
numbers (2020 and 2020.0), so `decode` gives each field the Python type of its registry type:
whole numbers (int, year) as int, decimals as float. A value of another shape is left as sent,
for validation to refuse with a message naming the field; so is every value of a set the registry
does not know (a removed plugin's).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from tmis.registry import InfoSet

__all__ = ["decode", "encode"]


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _real(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _as_sent(value: Any) -> Any:
    return value


# Per registry field type (tmis.registry.FIELD_TYPES): what JSON gives back, typed.
DECODERS: dict[str, Callable[[Any], Any]] = {
    "text": _as_sent,
    "code": _as_sent,
    "codes": _as_sent,
    "date": _as_sent,
    "month": _as_sent,
    "bool": _as_sent,
    "year": _whole,
    "int": _whole,
    "decimal": _real,
}


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECODER = json.JSONDecoder()


def encode(values: Mapping[str, Any]) -> bytes:
    """The values as a JSON object; only JSON values (a date is its ISO text already)."""
    return _ENCODER.encode(values).encode()


def decode(raw: bytes, info_set: InfoSet | None) -> dict[str, Any]:
    """The values of one set by field key, typed by `info_set` (None: as sent). Empty bytes are no
    values; bytes that are not a JSON object (or not UTF-8) raise ValueError."""
    values = _DECODER.decode(raw.decode()) if raw else {}
    if not isinstance(values, dict):
        raise ValueError("record data must be a JSON object")
    for field in info_set.fields if info_set else ():
        typed = DECODERS[field.type]
        if typed is not _as_sent and field.key in values:
            values[field.key] = typed(values[field.key])
    return values

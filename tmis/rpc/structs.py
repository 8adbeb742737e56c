"""Field data (a record's 基本信息, an entry) crosses gRPC as a google.protobuf.Struct.

A Struct knows only doubles: `record_data` gives integer fields back as ints, by the registry's
types, in this one place (the gateway's types, records and review all read through it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2

from tmis.registry import InfoSet

__all__ = ["from_struct", "record_data", "to_struct"]

WHOLE_TYPES = frozenset({"int", "year"})


def to_struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(data)
    return out


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """As sent: every number a float (use `record_data` for the values of a set)."""
    return json_format.MessageToDict(struct)


def record_data(struct: struct_pb2.Struct, info_set: InfoSet | None) -> dict[str, Any]:
    """The values of one set by field key, the whole-number fields (int, year) as ints.

    `info_set` is None when the set is not known here (a removed plugin's): values stay as sent.
    """
    data = from_struct(struct)
    if info_set is None:
        return data
    whole = {f.key for f in info_set.fields if f.type in WHOLE_TYPES}
    return {key: _whole(value) if key in whole else value for key, value in data.items()}


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value

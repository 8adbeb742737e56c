"""Field data (a record's 基本信息, an entry) crosses gRPC as a google.protobuf.Struct."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2


def to_struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(data)
    return out


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Numbers come back as floats: the field registry's types say which are integers."""
    return json_format.MessageToDict(struct)

from __future__ import annotations

import strawberry

from tmis.proto.records.v1 import records_pb2 as pb


@strawberry.type
class Code:
    code: str
    name: str
    parent: str | None

    @classmethod
    def of(cls, code: pb.Code) -> Code:
        return cls(code=code.code, name=code.name, parent=code.parent or None)

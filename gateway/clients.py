"""The gateway's gRPC clients, one per service, created once in the app's lifespan."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tmis.proto.identity.v1 import identity_pb2_grpc
from tmis.proto.media.v1 import media_pb2_grpc
from tmis.proto.records.v1 import records_pb2_grpc
from tmis.proto.review.v1 import review_pb2_grpc
from tmis.rpc import ServiceClient
from tmis.settings import Settings, SettingsError


class TtlCache:
    """A few values that change rarely (code tables), kept for `ttl` seconds per process."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        item = self._items.get(key)
        return item[1] if item and item[0] > time.monotonic() else None

    def put(self, key: str, value: Any) -> None:
        self._items[key] = (time.monotonic() + self.ttl, value)


@dataclass
class Clients:
    identity: ServiceClient
    records: ServiceClient
    review: ServiceClient
    media: ServiceClient
    # code tables are configuration of the records service: read again after a minute
    code_tables: TtlCache = field(default_factory=lambda: TtlCache(60.0))

    @classmethod
    def from_settings(cls, settings: Settings) -> Clients:
        missing = [name for name, addr in settings.addrs.items() if not addr]
        if missing:
            raise SettingsError("address not set: " + ", ".join(f"TMIS_{n.upper()}_ADDR" for n in missing))
        a = settings.addrs
        return cls(
            identity=ServiceClient("identity", a["identity"], identity_pb2_grpc.IdentityServiceStub),
            records=ServiceClient("records", a["records"], records_pb2_grpc.RecordsServiceStub),
            review=ServiceClient("review", a["review"], review_pb2_grpc.ReviewServiceStub),
            media=ServiceClient("media", a["media"], media_pb2_grpc.MediaServiceStub),
        )

    def all(self) -> list[ServiceClient]:
        return [self.identity, self.records, self.review, self.media]

    async def close(self) -> None:
        for client in self.all():
            await client.close()

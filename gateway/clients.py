"""The gateway's gRPC clients, one per service, created once in the app's lifespan."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tmis.proto.identity.v1 import identity_client
from tmis.proto.identity.v1.identity_client import IdentityServiceClient
from tmis.proto.media.v1 import media_client
from tmis.proto.media.v1.media_client import MediaServiceClient
from tmis.proto.records.v1 import records_client
from tmis.proto.records.v1.records_client import RecordsServiceClient
from tmis.proto.review.v1 import review_client
from tmis.proto.review.v1.review_client import ReviewServiceClient
from tmis.rpc.client import Client
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
    identity: IdentityServiceClient
    records: RecordsServiceClient
    review: ReviewServiceClient
    media: MediaServiceClient
    # code tables are configuration of the records service: read again after a minute
    code_tables: TtlCache = field(default_factory=lambda: TtlCache(60.0))

    @classmethod
    def from_settings(cls, settings: Settings) -> Clients:
        missing = [name for name, addr in settings.addrs.items() if not addr]
        if missing:
            raise SettingsError("address not set: " + ", ".join(f"TMIS_{n.upper()}_ADDR" for n in missing))
        a = settings.addrs
        return cls(
            identity=identity_client.connect(a["identity"]),
            records=records_client.connect(a["records"]),
            review=review_client.connect(a["review"]),
            media=media_client.connect(a["media"]),
        )

    def all(self) -> list[Client]:
        return [self.identity, self.records, self.review, self.media]

    async def close(self) -> None:
        for client in self.all():
            await client.close()

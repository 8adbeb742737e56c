"""The gateway's gRPC clients, one per service, created once in the app's lifespan."""
from __future__ import annotations

from dataclasses import dataclass

from tmis.proto.identity.v1 import identity_pb2_grpc
from tmis.proto.media.v1 import media_pb2_grpc
from tmis.proto.records.v1 import records_pb2_grpc
from tmis.proto.review.v1 import review_pb2_grpc
from tmis.rpc import ServiceClient
from tmis.settings import Settings, SettingsError


@dataclass
class Clients:
    identity: ServiceClient
    records: ServiceClient
    review: ServiceClient
    media: ServiceClient

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

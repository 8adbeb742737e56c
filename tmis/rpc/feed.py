"""The revocation feed as every process but identity reads it: from identity's ListRevocations."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from tmis.auth import SYSTEM, TokenSigner
from tmis.proto.identity.v1 import identity_pb2, identity_pb2_grpc
from tmis.revocations import Feed, Revocations
from tmis.rpc.client import ServiceClient
from tmis.settings import Settings


def via_identity(settings: Settings, interval_seconds: float = 1.0) -> tuple[Revocations, Callable[[], Awaitable[None]]]:
    """A Revocations fed by the identity service; returns it and its closer."""
    client = ServiceClient("identity", settings.addrs["identity"], identity_pb2_grpc.IdentityServiceStub, timeout=3.0)
    signer = TokenSigner(settings.require_secret())

    async def fetch(since_ms: int) -> Feed:
        reply = await client.ListRevocations(identity_pb2.ListRevocationsRequest(since_ms=since_ms), token=signer.sign(SYSTEM))
        return Feed(dict(reply.accounts), dict(reply.closed_schools), reply.until_ms)

    revocations = Revocations(fetch, interval_seconds)

    async def close() -> None:
        await revocations.stop()
        await client.close()

    return revocations, close

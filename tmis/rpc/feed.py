"""The revocation feed as every process but identity reads it: from identity's ListRevocations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tmis.auth import SYSTEM, TokenSigner
from tmis.proto.identity.v1 import identity_pb2
from tmis.revocations import Feed, Fetch, Revocations
from tmis.settings import Settings

if TYPE_CHECKING:  # the typed client imports tmis.rpc, which imports this module
    from tmis.proto.identity.v1.identity_client import IdentityServiceClient

FEED_TIMEOUT = 3.0
Closer = Callable[[], Awaitable[None]]


def identity_fetch(identity: IdentityServiceClient, secret: str) -> Fetch:
    """Reads the feed through `identity`, as the suite itself."""
    signer = TokenSigner(secret)

    async def fetch(since_ms: int) -> Feed:
        request = identity_pb2.ListRevocationsRequest(since_ms=since_ms)
        reply = await identity.ListRevocations(request, token=signer.sign(SYSTEM), timeout=FEED_TIMEOUT)
        return Feed(dict(reply.accounts), dict(reply.closed_schools), reply.until_ms)

    return fetch


def via_identity(settings: Settings, interval_seconds: float = 1.0) -> tuple[Revocations, Closer]:
    """A Revocations fed by the identity service, and its closer. Its channel belongs to the running
    event loop: call this inside it (a service's `create_server`)."""
    from tmis.proto.identity.v1 import identity_client

    client = identity_client.connect(settings.addrs["identity"])
    revocations = Revocations(identity_fetch(client, settings.require_secret()), interval_seconds)

    async def close() -> None:
        await revocations.stop()
        await client.close()

    return revocations, close

"""The identity service's server factory."""
from __future__ import annotations

import grpc

from services.identity.accounts import Accounts
from services.identity.orgs import Orgs
from services.identity.passwords import Passwords
from services.identity.servicer import PUBLIC_METHODS, IdentityServicer
from services.identity.storage import Storage
from tmis.auth import TokenSigner
from tmis.proto.identity.v1 import identity_pb2, identity_pb2_grpc
from tmis.rpc import ServerHandle, build_server
from tmis.settings import Settings

SERVICE_NAME = identity_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


async def create_server(settings: Settings, *, port: int | None = None) -> ServerHandle:
    storage = await Storage.open(settings)
    signer = TokenSigner(settings.require_secret(), settings.token_ttl_seconds)
    servicer = IdentityServicer(Orgs(storage), Accounts(storage, signer, Passwords()))

    def register(server: grpc.aio.Server) -> list[str]:
        identity_pb2_grpc.add_IdentityServiceServicer_to_server(servicer, server)
        return [SERVICE_NAME]

    handle = await build_server("identity", settings, register, port=port, public_methods=PUBLIC_METHODS)
    handle.on_stop.append(storage.close)
    return handle

"""The identity service's server factory."""

from __future__ import annotations

import datetime as dt
import time

import grpc

from services.identity.accounts import Accounts
from services.identity.audit import Audit
from services.identity.config import IdentityConfig
from services.identity.login import Login
from services.identity.orgs import Orgs
from services.identity.passwords import Hasher, PasswordPolicy, Sealer
from services.identity.servicer import BEFORE_CHANGE_METHODS, PUBLIC_METHODS, IdentityServicer
from services.identity.storage import Storage
from services.identity.teacher_accounts import RosterEntry, TeacherAccounts
from tmis.auth import TokenSigner
from tmis.proto.identity.v1 import identity_pb2, identity_pb2_grpc
from tmis.proto.records.v1 import records_client, records_pb2
from tmis.revocations import Feed, Revocations
from tmis.rpc import ServerHandle, build_server
from tmis.rpc.server import poll_seconds
from tmis.settings import Settings

SERVICE_NAME = identity_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


async def create_server(settings: Settings, *, port: int | None = None) -> ServerHandle:
    config = IdentityConfig.from_settings(settings)
    storage = await Storage.open(settings)
    signer = TokenSigner(settings.require_secret(), settings.token_ttl_seconds)
    records = records_client.connect(settings.addrs["records"])

    async def roster_of(school_code: str) -> list[RosterEntry]:
        reply = await records.ListSchoolRoster(records_pb2.ListSchoolRosterRequest(school_code=school_code), timeout=60)
        return [RosterEntry(t.teacher_id, t.name, t.id_type, t.id_number) for t in reply.teachers]

    async def feed(since_ms: int) -> Feed:
        until = int(time.time() * 1000)
        accounts, schools = await storage.revocation_feed(since_ms)
        return Feed(accounts, schools, until)

    revocations = Revocations(feed, poll_seconds(settings))
    audit = Audit(storage)
    policy, hasher, sealer = PasswordPolicy(config), Hasher(config), Sealer(settings.require_secret())
    servicer = IdentityServicer(
        Orgs(storage, audit),
        Login(storage, config, signer, hasher, sealer, audit, dt.timedelta(seconds=settings.session_max_seconds)),
        Accounts(storage, policy, hasher, sealer, audit, dt.timedelta(seconds=settings.session_max_seconds)),
        TeacherAccounts(storage, policy, sealer, audit, roster_of),
        audit,
        revocations,
    )

    def register(server: grpc.aio.Server) -> list[str]:
        identity_pb2_grpc.add_IdentityServiceServicer_to_server(servicer, server)  # type: ignore[no-untyped-call]  # grpcio-tools generates _pb2_grpc without annotations
        return [SERVICE_NAME]

    handle = await build_server(
        "identity",
        settings,
        register,
        port=port,
        public_methods=PUBLIC_METHODS,
        before_change_methods=BEFORE_CHANGE_METHODS,
        revocations=revocations,
        database=storage.answers,
    )
    handle.on_stop += [storage.close, records.close]
    return handle

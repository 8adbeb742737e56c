"""The suite under test: the four services on free ports and the gateway app in-process (httpx
over ASGI), talking over real channels to a real database."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import httpx
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.clients import Clients
from services.identity.server import create_server as identity_server
from services.media.server import create_server as media_server
from services.records.server import create_server as records_server
from services.review.server import create_server as review_server
from tmis.auth import SYSTEM, TokenSigner
from tmis.proto.identity.v1 import identity_pb2
from tmis.rpc import ServerHandle
from tmis.run.procs import free_port
from tmis.settings import SERVICES, Settings

ADMIN_PASSWORD = "Tmis#Root2026"
# argon2id at its cheapest in the suites under test (64 KiB, 1 pass: still argon2id, 0.04 ms a verify): what
# they check is who may sign in, not the hash's cost (tests/unit/identity/test_hash_parameters.py pins the
# national defaults; bench/login.py measures them)
CHEAP_HASHES = {"TMIS_IDENTITY_ARGON2_MEMORY_KIB": "64", "TMIS_IDENTITY_ARGON2_TIME_COST": "1"}
# the gateway and each service read identity's revocation feed this often (the default): a revoked
# token is refused within about a second (tests wait for it with `eventually`). The session's suite
# idles through the whole run on every worker: at 500 ms its five polls cost 0.038 of a core (itself
# and its database), at 1000 ms 0.021 (measured: an idle suite for 40 s, with and without the polls)
REVOCATION_POLL = {"TMIS_REVOCATION_POLL_MS": "1000"}


def suite_settings(mongo_uri: str, **raw: str) -> Settings:
    """Settings of a suite with databases of its own (a fresh prefix) and a fresh token secret."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    base = Settings.from_env({**REVOCATION_POLL, **CHEAP_HASHES, **raw})
    return replace(
        base,
        mongodb_uri=mongo_uri,
        token_secret=secrets.token_urlsafe(40),
        databases={s: f"{prefix}_{s}" for s in SERVICES},
    )


@dataclass
class Suite:
    settings: Settings
    servers: dict[str, ServerHandle]
    clients: Clients
    http: httpx.AsyncClient
    signer: TokenSigner
    app: Starlette

    @property
    def system_token(self) -> str:
        return self.signer.sign(SYSTEM)

    async def graphql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        reply = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert reply.status_code == 200, reply.text
        return reply.json()

    async def login_admin(self) -> str:
        result = await self.graphql(
            'mutation($p: String!) { login(username: "admin", password: $p) { token userErrors { code } } }',
            {"p": ADMIN_PASSWORD},
        )
        return result["data"]["login"]["token"]


@contextlib.asynccontextmanager
async def running_suite(settings: Settings) -> AsyncIterator[Suite]:
    """The four services on free ports and the gateway app, stopped on exit."""
    async with contextlib.AsyncExitStack() as stack:
        servers: dict[str, ServerHandle] = {}

        async def start(name: str, factory, settings: Settings) -> None:  # noqa: ANN001
            servers[name] = await factory(settings)
            stack.push_async_callback(servers[name].stop, 0)

        # identity and records call each other: reserve identity's peers' ports first
        ports = {name: free_port() for name in SERVICES}
        settings = replace(settings, addrs={n: f"127.0.0.1:{p}" for n, p in ports.items()})
        for name, factory in (
            ("identity", identity_server),
            ("records", records_server),
            ("review", review_server),
            ("media", media_server),
        ):
            await start(name, factory, replace(settings, ports={name: ports[name]}))
        clients = Clients.from_settings(settings)
        stack.push_async_callback(clients.close)
        app = create_app(settings, clients=clients)
        await stack.enter_async_context(app.router.lifespan_context(app))
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")
        )
        suite = Suite(settings, servers, clients, http, TokenSigner(settings.token_secret), app)
        await clients.identity.EnsureAdmin(
            identity_pb2.EnsureAdminRequest(password=ADMIN_PASSWORD), token=suite.system_token
        )
        yield suite

"""The gateway applies the revocation feed itself: a revoked token opens no download and is
never renewed, even with every service-side check turned off."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import replace

import httpx
from starlette.applications import Starlette

from gateway.app import create_app
from services.identity.server import create_server as identity_server
from services.media.server import create_server as media_server
from services.records.server import create_server as records_server
from services.review.server import create_server as review_server
from tests.support.polling import eventually
from tests.support.suite import ADMIN_PASSWORD
from tmis.auth import SYSTEM, TokenSigner
from tmis.proto.identity.v1 import identity_pb2
from tmis.run.procs import free_port
from tmis.settings import SERVICES, Settings

SERVERS = (
    ("identity", identity_server),
    ("records", records_server),
    ("review", review_server),
    ("media", media_server),
)
LOGIN = 'mutation($p: String!) { login(username: "admin", password: $p) { token } }'
CHANGE = """mutation($o: String!, $n: String!) {
  changePassword(oldPassword: $o, newPassword: $n) { userErrors { code } } }"""
TEMPLATE = "{ importTemplateUrl(schoolType: PRIMARY_SECONDARY) }"


def test_the_gateway_refuses_a_revoked_token_itself(settings: Settings) -> None:
    """The services read the feed once, at their start (a poll an hour): only the gateway, polling
    every second (tests/support/suite.py), can know of the revocation. The app is made outside the
    event loop and the loop started after, as `python -m gateway` does."""
    ports = {name: free_port() for name in SERVICES}
    settings = replace(settings, addrs={n: f"127.0.0.1:{p}" for n, p in ports.items()})
    app = create_app(settings)
    services = replace(settings, raw={**settings.raw, "TMIS_REVOCATION_POLL_MS": str(3600 * 1000)})
    asyncio.run(_revoke_and_try(app, services, ports))


async def _revoke_and_try(app: Starlette, settings: Settings, ports: dict[str, int]) -> None:
    async with contextlib.AsyncExitStack() as stack:
        for name, factory in SERVERS:
            server = await factory(replace(settings, ports={name: ports[name]}))
            stack.push_async_callback(server.stop, 0)
        await stack.enter_async_context(app.router.lifespan_context(app))
        transport = httpx.ASGITransport(app=app)
        http = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://gateway"))

        async def gql(query: str, variables: dict | None = None, token: str = "") -> httpx.Response:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            return await http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

        signer = TokenSigner(settings.token_secret, settings.token_ttl_seconds)
        request = identity_pb2.EnsureAdminRequest(password=ADMIN_PASSWORD)
        await app.state.clients.identity.EnsureAdmin(request, token=signer.sign(SYSTEM))
        token = (await gql(LOGIN, {"p": ADMIN_PASSWORD})).json()["data"]["login"]["token"]
        url = (await gql(TEMPLATE, token=token)).json()["data"]["importTemplateUrl"]
        assert (await http.get(url)).status_code == 200
        # the same login 2000 s later: past half its life, so the gateway renews it while it is good
        aged = signer.sign(signer.verify(token), now=time.time() - 2000)
        assert (await gql("{ me { username } }", token=aged)).headers.get("x-tmis-token")

        changed = await gql(CHANGE, {"o": ADMIN_PASSWORD, "n": "Chosen#Pass9"}, token)  # voids older tokens
        assert changed.json()["data"]["changePassword"]["userErrors"] == []

        async def download_refused() -> bool:
            return (await http.get(url)).status_code == 401

        await eventually(download_refused)
        assert (await http.get(url.split("?")[0], headers={"authorization": f"Bearer {token}"})).status_code == 401
        for query in ("{ me { username } }", "{ health { ok } }"):
            reply = await gql(query, token=aged)
            assert reply.status_code == 200 and "x-tmis-token" not in reply.headers

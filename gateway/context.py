"""The typed per-request context: caller, token, clients, DataLoaders."""

from __future__ import annotations

import pluggy
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from gateway.clients import Clients
from gateway.loaders import Loaders
from tmis.auth import Caller, TokenSigner
from tmis.registry import Registry


class Context:
    """What every resolver of one request reads. `caller` and `token` say the same and change
    together, by `sign_in` only: the token is forwarded to every service (which verifies it again),
    the caller is what the gateway checks."""

    def __init__(
        self,
        request: Request,
        response: Response | None,
        clients: Clients,
        plugins: pluggy.PluginManager,
        caller: Caller | None,
        signer: TokenSigner,
        registry: Registry,
        token: str = "",
    ) -> None:
        self.request = request
        self.response = response
        self.clients = clients
        self.plugins = plugins
        self.signer = signer
        self.registry = registry
        self._caller = caller
        self._token = token
        self.loaders = Loaders(clients, registry, lambda: self._token)

    @property
    def caller(self) -> Caller | None:
        return self._caller

    @property
    def token(self) -> str:
        return self._token

    def sign_in(self, token: str) -> None:
        """The rest of the request acts as the holder of `token`, just issued by identity (`login`,
        `changePassword`): its caller, and loaders that forget what they read with the old token."""
        self._caller = self.signer.verify(token)
        self._token = token
        self.loaders.clear()


Info = _Info[Context, None]

"""The typed per-request context: caller, token, clients, DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field

import pluggy
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from gateway.clients import Clients
from gateway.loaders import Loaders
from tmis.auth import Caller, TokenSigner
from tmis.registry import Registry


@dataclass
class Context:
    request: Request
    response: Response | None
    clients: Clients
    plugins: pluggy.PluginManager
    caller: Caller | None
    signer: TokenSigner
    registry: Registry
    # Forwarded to every service, which verifies it again; replaced by `login` for the rest of the request.
    token: str = ""
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self)


Info = _Info[Context, None]

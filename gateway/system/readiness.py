"""What is down behind the gateway: each service, and each service's database (its gRPC health
follows a ping of it). Answered by `health` and by `/readyz`, which load balancers and Kubernetes
readiness follow (`/healthz` is liveness only: the gateway process answers)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from gateway.clients import Clients

DEADLINE_SECONDS = 1.0


@dataclass(frozen=True)
class Checked:
    name: str
    down: str  # "" (it serves), the service's name, or `<name>.database`
    latency_ms: float


async def check(clients: Clients) -> list[Checked]:
    every = clients.all()
    found = await asyncio.gather(*(c.down(DEADLINE_SECONDS) for c in every))
    return [Checked(c.name, down, ms) for c, (down, ms) in zip(every, found, strict=True)]


async def readyz(request: Request) -> Response:
    """200 when every service and its database answer, else 503 naming what is down."""
    down = [c.down for c in await check(request.app.state.clients) if c.down]
    body = json.dumps({"ready": not down, "down": down}) + "\n"
    return Response(body, 503 if down else 200, media_type="application/json", headers={"cache-control": "no-store"})

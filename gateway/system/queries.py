from __future__ import annotations

import asyncio

import strawberry

from gateway.context import Info
from gateway.system.types import Health, PluginInfo, ServiceHealth
from tmis.plugins import plugin_infos

HEALTH_DEADLINE_SECONDS = 1.0


@strawberry.type
class SystemQuery:
    @strawberry.field(description="Liveness of the gateway and every service behind it.")
    async def health(self, info: Info) -> Health:
        clients = info.context.clients.all()
        results = await asyncio.gather(*(c.check_health(HEALTH_DEADLINE_SECONDS) for c in clients))
        services = [
            ServiceHealth(name=c.name, ok=ok, latency_ms=ms) for c, (ok, ms) in zip(clients, results, strict=True)
        ]
        return Health(ok=all(s.ok for s in services), services=services)

    @strawberry.field(description="Plugins loaded in this deployment.")
    def plugins(self, info: Info) -> list[PluginInfo]:
        return [
            PluginInfo(name=p.name, version=p.version, hooks=list(p.hooks)) for p in plugin_infos(info.context.plugins)
        ]

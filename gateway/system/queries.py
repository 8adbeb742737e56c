from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.system.readiness import check
from gateway.system.types import Health, PluginInfo, ServiceHealth
from tmis.plugins import plugin_infos


@strawberry.type
class SystemQuery:
    @strawberry.field(description="Whether every service behind the gateway, and its database, answers.")
    async def health(self, info: Info) -> Health:
        checked = await check(info.context.clients)
        services = [ServiceHealth(name=c.name, ok=not c.down, latency_ms=c.latency_ms) for c in checked]
        return Health(ok=all(s.ok for s in services), services=services, down=[c.down for c in checked if c.down])

    @strawberry.field(description="Plugins loaded in this deployment.")
    def plugins(self, info: Info) -> list[PluginInfo]:
        return [
            PluginInfo(name=p.name, version=p.version, hooks=list(p.hooks)) for p in plugin_infos(info.context.plugins)
        ]

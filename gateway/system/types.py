from __future__ import annotations

import strawberry


@strawberry.type
class ServiceHealth:
    name: str
    ok: bool
    latency_ms: float | None = None


@strawberry.type
class Health:
    ok: bool
    services: list[ServiceHealth]
    down: list[str] = strawberry.field(
        description="What is down: a service (`records`) or a service's database (`records.database`)."
    )


@strawberry.type
class PluginInfo:
    name: str
    version: str
    hooks: list[str]

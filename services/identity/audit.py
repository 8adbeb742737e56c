"""The security audit: who did what to whom, when, from where, with what result."""

from __future__ import annotations

import datetime as dt

from services.identity.model import AuditEvent
from services.identity.storage import Storage
from tmis.rpc.context import client_addr


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Audit:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def record(
        self, event: str, *, actor: str, target: str, org_path: tuple[str, ...], result: str = "OK", detail: str = ""
    ) -> None:
        """`org_path` is the target's org path: the event is visible to admins of every org on it."""
        await self.storage.add_audit(
            {
                "at": now(),
                "event": event,
                "result": result,
                "actor": actor,
                "target": target,
                "org_code": org_path[-1] if org_path else "",
                "org_path": list(org_path),
                "client_addr": client_addr.get(),
                "detail": detail,
            }
        )

    async def list(self, org_code: str, after: str, first: int) -> tuple[list[AuditEvent], bool]:
        first = max(1, min(first or 50, 200))
        events = await self.storage.list_audit(org_code, after, first + 1)
        return events[:first], len(events) > first

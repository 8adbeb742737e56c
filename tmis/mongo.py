"""The one way a service's storage module opens MongoDB, and what "acknowledged" means there.

Every write waits for the journal of a majority (`w: "majority", j: true`), and reads see only
majority-committed data (`readConcernLevel: majority`), so what the API acknowledged survives the
death of any process, the database's included, and a write rolled back after a failover is never
read. The connection string may set `w`, `journal` or `readConcernLevel`
itself, each on its own; then it wins (README: "What acknowledged means").
"""

from __future__ import annotations

from typing import Any, TypeAlias

import pymongo
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError
from pymongo.uri_parser import parse_uri

from tmis.metrics import for_service
from tmis.settings import Settings, SettingsError

# documents as PyMongo returns them by default (document_class=dict)
Client: TypeAlias = AsyncMongoClient[dict[str, Any]]

DEFAULTS = {"w": "majority", "journal": True, "readConcernLevel": "majority"}


def durable_options(uri: str) -> dict[str, Any]:
    """The write and read concerns a TMIS client uses unless the connection string says otherwise."""
    given = {k.lower() for k in parse_uri(uri, validate=False)["options"]}
    return {k: v for k, v in DEFAULTS.items() if k.lower() not in given}


def connect(settings: Settings, app_name: str) -> Client:
    if not settings.mongodb_uri:
        raise SettingsError("TMIS_MONGODB_URI is not set (make run starts the embedded database and sets it)")
    return AsyncMongoClient(
        settings.mongodb_uri,
        tz_aware=True,
        appname=f"tmis-{app_name}",
        serverSelectionTimeoutMS=5000,
        event_listeners=[for_service(app_name).db_listener],
        **durable_options(settings.mongodb_uri),
    )


async def answers(client: Client, timeout: float = 2.0) -> bool:
    """Whether the database answers a ping within `timeout` seconds (the services' health follows it)."""
    try:
        # PyMongo's own deadline, not a cancellation: a server selection cancelled from outside can
        # keep its client's topology lock on Python 3.11 (see tmis/rpc/interceptors.py)
        with pymongo.timeout(timeout):
            await client.admin.command("ping")
    except PyMongoError:
        return False
    return True

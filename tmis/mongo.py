"""The one way a service's storage module opens MongoDB."""

from __future__ import annotations

from typing import Any, TypeAlias

from pymongo import AsyncMongoClient

from tmis.metrics import for_service
from tmis.settings import Settings, SettingsError

# documents as PyMongo returns them by default (document_class=dict)
Client: TypeAlias = AsyncMongoClient[dict[str, Any]]


def connect(settings: Settings, app_name: str) -> Client:
    if not settings.mongodb_uri:
        raise SettingsError("TMIS_MONGODB_URI is not set (make run starts the embedded database and sets it)")
    return AsyncMongoClient(
        settings.mongodb_uri,
        tz_aware=True,
        appname=f"tmis-{app_name}",
        serverSelectionTimeoutMS=5000,
        event_listeners=[for_service(app_name).db_listener],
    )

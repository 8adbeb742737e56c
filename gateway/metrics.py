"""The gateway's Prometheus metrics, served at /metrics: GraphQL operations by name and outcome,
their latency, userErrors by code, documents refused by code (gateway/persisted.py), uploads in
flight. One registry per app, made in create_app.

Jobs in flight are the services' `tmis_jobs` gauge: a job lives in its service's database, so
any gateway may have started it and no gateway's own count would be right.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from tmis.heap import gc_gauges

__all__ = ["GatewayMetrics", "UploadsInFlight", "user_error_codes"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_NAMES = 500  # operation names come from clients: past this many, "other"
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def user_error_codes(data: Any) -> Iterator[str]:
    """The `code` of every userErrors entry anywhere in a result's data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "userErrors" and isinstance(value, list):
                yield from (str(e["code"]) for e in value if isinstance(e, dict) and e.get("code"))
            else:
                yield from user_error_codes(value)
    elif isinstance(data, list):
        for item in data:
            yield from user_error_codes(item)


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "tmis_graphql_requests",
            "GraphQL operations, by operation name and outcome (ok, user_error, error)",
            ["operation", "outcome"],
            registry=r,
        )
        self.seconds = Histogram(
            "tmis_graphql_request_duration_seconds",
            "GraphQL operation latency, by operation name",
            ["operation"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.user_errors = Counter("tmis_graphql_user_errors", "userErrors returned, by code", ["code"], registry=r)
        self.uploads = Gauge("tmis_http_uploads_in_flight", "Multipart uploads being received or passed on", registry=r)
        self.refused_documents = Counter(
            "tmis_graphql_documents_refused",
            "Operations refused before running: not in the trusted manifests (production), an unknown or wrong hash",
            ["code"],
            registry=r,
        )
        gc_gauges(r)
        self._names: set[str] = set()

    def operation(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not _NAME.match(name):
            return "other"
        if name not in self._names and len(self._names) >= MAX_OPERATION_NAMES:
            return "other"
        self._names.add(name)
        return name

    def extension(self) -> SchemaExtension:
        """A fresh schema extension (one per operation) recording into these metrics."""
        return _MetricsExtension(self)

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class UploadsInFlight:
    """Counts the multipart (upload) requests in progress in a gauge."""

    def __init__(self, app: ASGIApp, gauge: Gauge) -> None:
        self.app = app
        self.gauge = gauge

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and dict(scope["headers"]).get(b"content-type", b"").startswith(b"multipart/")
        if not upload:
            await self.app(scope, receive, send)
            return
        with self.gauge.track_inprogress():
            await self.app(scope, receive, send)


def _mutation(ctx: ExecutionContext) -> bool:
    try:
        return ctx.operation_type is OperationType.MUTATION
    except RuntimeError:  # no document, or no operation of that name: nothing ran
        return False


class _MetricsExtension(SchemaExtension):
    def __init__(self, metrics: GatewayMetrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        name = self.metrics.operation(ctx.operation_name)
        result = ctx.result
        # userErrors are in mutation payloads only: a query's answer (a page of records) is not walked
        codes = list(user_error_codes(getattr(result, "data", None))) if _mutation(ctx) else []
        outcome = "error" if getattr(result, "errors", None) else "user_error" if codes else "ok"
        self.metrics.seconds.labels(name).observe(time.perf_counter() - started)
        self.metrics.requests.labels(name, outcome).inc()
        for code in codes:
            self.metrics.user_errors.labels(code).inc()

"""Prometheus metrics of a service process: its own registry, served on its own port
(`TMIS_<SERVICE>_METRICS_PORT`) by `tmis.rpc.build_server`.

A service's registry is made on first use (`for_service`), never at import time; instances of
one service in one process (the tests) share it. Names follow Prometheus' conventions: a
`tmis_` prefix, base units (seconds), `_total` on counters (prometheus-client adds it).
"""

from __future__ import annotations

import threading
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from pymongo import monitoring

from tmis.heap import gc_gauges

__all__ = ["JOBS_GAUGE_SECONDS", "JOB_STATUSES", "ServiceMetrics", "for_service"]

JOB_STATUSES = ("QUEUED", "RUNNING")
JOBS_GAUGE_SECONDS = 5.0  # how often a service recounts its unfinished jobs
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _DbListener(monitoring.CommandListener):
    """Times every database command (pymongo's command monitoring)."""

    def __init__(self, histogram: Histogram) -> None:
        self.histogram = histogram

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.histogram.labels(event.command_name, "ok").observe(event.duration_micros / 1e6)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self.histogram.labels(event.command_name, "error").observe(event.duration_micros / 1e6)


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        r = self.registry
        self.rpcs = Counter(
            "tmis_rpc_server_handled", "RPCs handled, by method and gRPC status code", ["method", "code"], registry=r
        )
        self.rpc_seconds = Histogram(
            "tmis_rpc_server_handling_seconds",
            "Time to handle an RPC, by method",
            ["method"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.db_seconds = Histogram(
            "tmis_db_command_duration_seconds",
            "Database command latency, by command and outcome",
            ["command", "outcome"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.jobs = Gauge(
            "tmis_jobs",
            "Long jobs not finished in the service's database (the queue), by status",
            ["status"],
            registry=r,
        )
        self.photos_normalised = Counter(
            "tmis_media_photos_normalised", "Photos normalised to the standard", registry=r
        )
        self.db_listener = _DbListener(self.db_seconds)
        gc_gauges(r)

    async def count_jobs(self, jobs: Any) -> None:
        """Sets the job gauge from a jobs collection (documents with a `status`); run periodically."""
        counts = {
            row["_id"]: row["n"]
            async for row in await jobs.aggregate(
                [{"$match": {"status": {"$in": list(JOB_STATUSES)}}}, {"$group": {"_id": "$status", "n": {"$sum": 1}}}]
            )
        }
        for status in JOB_STATUSES:
            self.jobs.labels(status).set(counts.get(status, 0))


_LOCK = threading.Lock()
_SERVICES: dict[str, ServiceMetrics] = {}


def for_service(service: str) -> ServiceMetrics:
    """The metrics of `service` in this process, made on first use."""
    with _LOCK:
        if service not in _SERVICES:
            _SERVICES[service] = ServiceMetrics(service)
        return _SERVICES[service]

"""OpenTelemetry traces: one trace per request, gateway → gRPC → MongoDB, with the official
instrumentations (starlette, grpc.aio server and client, pymongo). The gRPC instrumentation
carries the W3C `traceparent` in the calls' metadata.

Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set: then nothing is imported, patched or
recorded. On, spans go over OTLP (the exporter reads the standard `OTEL_EXPORTER_OTLP_*`
variables) in batches. Every span started while a request id is bound carries it
(`tmis.request_id`), and every log line written inside a span carries `trace_id` and `span_id`,
so a log line leads to its trace and a trace to its log lines.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tmis import log
from tmis.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from starlette.applications import Starlette

__all__ = ["instrument_app", "start", "step", "stop", "tag_request_id"]

_state: dict[str, Any] = {}
STOP_SECONDS = 2.0


class _TraceFields(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from opentelemetry import trace

        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.fields = {
                **(getattr(record, "fields", None) or {}),
                "trace_id": f"{context.trace_id:032x}",
                "span_id": f"{context.span_id:016x}",
            }
        return True


def start(process: str, settings: Settings, exporter: SpanExporter | None = None) -> TracerProvider | None:
    """Turns tracing on for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set, or when an
    exporter is given (the tests: the SDK's in-memory one). Call before any channel, server or
    database client is made."""
    if exporter is None and not settings.otel_endpoint:
        return None
    from opentelemetry.instrumentation.grpc import GrpcAioInstrumentorClient, GrpcAioInstrumentorServer, filters
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    class RequestIdProcessor(SpanProcessor):
        def on_start(self, span: Span, parent_context: Any = None) -> None:
            rid = log.request_id.get()
            if rid:
                span.set_attribute("tmis.request_id", rid)

    provider = TracerProvider(resource=Resource.create({"service.name": f"tmis-{process}"}))
    provider.add_span_processor(RequestIdProcessor())
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    quiet = filters.negate(filters.service_name("grpc.health.v1.Health"))  # probes every few seconds
    instrumentors: list[Any] = [
        GrpcAioInstrumentorServer(filter_=quiet),  # type: ignore[no-untyped-call]
        GrpcAioInstrumentorClient(filter_=quiet),  # type: ignore[no-untyped-call]
        PymongoInstrumentor(),
    ]
    for instrumentor in instrumentors:
        instrumentor.instrument(tracer_provider=provider)
    fields = _TraceFields()
    for handler in logging.getLogger().handlers:
        handler.addFilter(fields)
    _state.update(provider=provider, instrumentors=instrumentors, filter=fields)
    return provider


def tag_request_id(rid: str) -> None:
    """Puts the request id on the current span (a gRPC server's span starts before the id is bound)."""
    if _state:
        from opentelemetry import trace

        trace.get_current_span().set_attribute("tmis.request_id", rid)


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """A span of its own around a step of a request's work that no instrumentation sees (a photo's
    decoding, say), when tracing is on; nothing at all when it is off."""
    provider = _state.get("provider")
    if provider is None:
        yield
        return
    with provider.get_tracer("tmis").start_as_current_span(name):
        yield


def instrument_app(app: Starlette) -> None:
    """Traces the gateway's requests when tracing is on. Call it before the middleware that binds
    the request id is added (that one must be outside, so the request's span carries the id)."""
    provider = _state.get("provider")
    if provider is not None:
        from opentelemetry.instrumentation.starlette import StarletteInstrumentor

        StarletteInstrumentor.instrument_app(app, tracer_provider=provider)


def stop() -> None:
    """Exports what is left and undoes the instrumentation (the tests turn tracing off again)."""
    if not _state:
        return
    for instrumentor in _state["instrumentors"]:
        instrumentor.uninstrument()
    for handler in logging.getLogger().handlers:
        handler.removeFilter(_state["filter"])
    # exports what is batched, but never holds up a stop for long when the collector is away
    done = threading.Thread(target=_state["provider"].shutdown, daemon=True)
    done.start()
    done.join(STOP_SECONDS)
    _state.clear()

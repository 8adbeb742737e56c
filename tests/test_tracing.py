"""Traces: one saveBasicInfo through the gateway makes one trace with the gateway's request span,
its gRPC call, records' server span and the database commands under it. The services run in
this process (the suite fixture) on real ports and real channels, so the SDK's in-memory
exporter sees every span; the context crosses each gRPC hop only through the `traceparent`
metadata, as between processes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.support.suite import Suite
from tests.support.world import World
from tmis import tracing
from tmis.settings import Settings

SAVE = """mutation SaveBasic($t: ID!, $v: Int!, $b: BasicInfoInput!) {
  saveBasicInfo(teacherId: $t, expectedVersion: $v, basic: $b) {
  teacher { version } userErrors { code } } }"""


@pytest.fixture
def spans(settings: Settings) -> Iterator[InMemorySpanExporter]:
    """Tracing on, into memory, before the suite's servers, channels and database clients are made."""
    exporter = InMemorySpanExporter()
    tracing.start("test", settings, exporter)
    yield exporter
    tracing.stop()


@pytest.fixture
def suite(spans: InMemorySpanExporter, fresh_suite: Suite) -> Suite:
    """A suite of the test's own, made once tracing is on (its servers, channels and clients traced)."""
    return fresh_suite


def test_tracing_is_off_without_an_endpoint(settings: Settings) -> None:
    assert settings.otel_endpoint == ""
    assert tracing.start("test", settings) is None


async def test_one_save_is_one_trace_from_gateway_through_records_to_the_database(
    spans: InMemorySpanExporter, world: World
) -> None:
    made = await world.create(1)
    spans.clear()
    reply = await world.suite.http.post(
        "/graphql",
        json={
            "query": SAVE,
            "operationName": "SaveBasic",
            "variables": {"t": made.teacher.id, "v": made.teacher.version, "b": world.basic_input(1)},
        },
        headers={"authorization": f"Bearer {world.clerk}", "x-request-id": "req-trace-1"},
    )
    assert reply.json()["data"]["saveBasicInfo"]["userErrors"] == []
    finished = spans.get_finished_spans()
    ours = [s for s in finished if s.attributes.get("tmis.request_id") == "req-trace-1"]
    (trace_id,) = {s.context.trace_id for s in ours}
    trace = [s for s in finished if s.context.trace_id == trace_id]
    by_id = {s.context.span_id: s for s in trace}

    def chain(span: Any) -> list[Any]:
        seen = [span]
        while seen[-1].parent is not None:
            seen.append(by_id[seen[-1].parent.span_id])
        return seen

    (root,) = [s for s in trace if s.parent is None]
    assert root.kind == SpanKind.SERVER and root.attributes.get("http.route", root.name).endswith("/graphql")
    method = "/tmis.records.v1.RecordsService/SaveBasicInfo"
    (server,) = [s for s in trace if s.kind == SpanKind.SERVER and s.name == method]
    client = by_id[server.parent.span_id]
    assert client.kind == SpanKind.CLIENT and client.name == method, "records' span is the child of the gateway's call"
    assert chain(server)[-1] is root
    database = [
        s
        for s in trace
        if s.attributes.get("db.system") == "mongodb" or s.attributes.get("db.system.name") == "mongodb"
    ]
    under_records = [s for s in database if server in chain(s)]
    assert under_records, "the database commands of the save are in the trace, under records' span"
    records_db = world.suite.settings.databases["records"]
    # the record read, then written with its history in one transaction (committed on `admin`)
    assert {s.attributes["db.name"] for s in under_records} == {records_db, "admin"}
    assert {f"{records_db}.find", f"{records_db}.update", "admin.commitTransaction"} <= {s.name for s in under_records}
    assert all(s.attributes.get("tmis.request_id") == "req-trace-1" for s in under_records + [server])
    assert len({s.context.trace_id for s in finished if s.attributes.get("tmis.request_id") == "req-trace-1"}) == 1


async def test_the_trace_context_travels_in_grpc_metadata_as_w3c_traceparent(spans: InMemorySpanExporter) -> None:
    import grpc
    from opentelemetry import trace

    from tmis.rpc.client import make_channel

    seen: list[dict[str, Any]] = []

    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        seen.append(dict(context.invocation_metadata() or ()))
        return request

    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("t.Echo", {"Say": grpc.unary_unary_rpc_method_handler(echo)})]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = make_channel(f"127.0.0.1:{port}")
    try:
        with trace.get_tracer("test", tracer_provider=tracing._state["provider"]).start_as_current_span(
            "outer"
        ) as outer:
            assert await channel.unary_unary("/t.Echo/Say")(b"hi") == b"hi"
    finally:
        await channel.close()
        await server.stop(0)
    version, trace_id, parent_id, flags = seen[0]["traceparent"].split("-")
    assert version == "00" and int(flags, 16) & 1 and int(trace_id, 16) == outer.get_span_context().trace_id
    (client,) = [s for s in spans.get_finished_spans() if s.name == "/t.Echo/Say" and s.kind == trace.SpanKind.CLIENT]
    assert int(parent_id, 16) == client.context.span_id

"""Interceptors and clients over real channels: auth, error mapping, request ids in logs, and a
call's work run to its end."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import grpc
import pytest

from tests.conftest import Suite
from tmis import log
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.media.v1 import media_pb2 as media_pb
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.proto.review.v1 import review_pb2 as review_pb
from tmis.revocations import Revocations
from tmis.rpc import build_server
from tmis.rpc.codec import decode, encode
from tmis.run.demo import demo_basic


async def test_calls_without_a_token_are_refused(suite: Suite) -> None:
    calls = [
        suite.clients.identity.BatchGetOrgs(id_pb.BatchGetOrgsRequest(codes=["100000"]), token=""),
        suite.clients.records.BatchGetTeachers(rec_pb.BatchGetTeachersRequest(ids=["x"]), token=""),
        suite.clients.review.BatchGetReviewStates(review_pb.BatchGetReviewStatesRequest(teacher_ids=["x"]), token=""),
        suite.clients.media.GetPhotoStandard(media_pb.GetPhotoStandardRequest(), token=""),
    ]
    for call in calls:
        with pytest.raises(DomainError) as caught:
            await call
        assert caught.value.code == ErrorCode.UNAUTHENTICATED


async def test_a_token_signed_with_another_secret_is_refused(suite: Suite) -> None:
    from tmis.auth import SYSTEM, TokenSigner

    foreign = TokenSigner("another-secret-of-at-least-32-characters!").sign(SYSTEM)
    with pytest.raises(DomainError) as caught:
        await suite.clients.media.GetPhotoStandard(media_pb.GetPhotoStandardRequest(), token=foreign)
    assert caught.value.code == ErrorCode.UNAUTHENTICATED


async def test_services_check_scope_and_role_themselves(suite: Suite) -> None:
    """A valid token without the right role or reach is refused by the service, not only the gateway."""
    sys_token = suite.system_token
    await suite.clients.identity.CreateOrg(
        id_pb.CreateOrgRequest(code="620000", name="甘肃省", level="PROVINCE", parent_code="100000"), token=sys_token
    )
    await suite.clients.identity.CreateOrg(
        id_pb.CreateOrgRequest(
            code="3162000001", name="某校", level="SCHOOL", parent_code="620000", school_type="KINDERGARTEN"
        ),
        token=sys_token,
    )
    await suite.clients.identity.CreateOrg(
        id_pb.CreateOrgRequest(code="640000", name="宁夏", level="PROVINCE", parent_code="100000"), token=sys_token
    )
    clerk = suite.signer.sign(Caller("a1", "clerk", "640000", ("100000", "640000"), ("DATA_ENTRY",)))
    reader = suite.signer.sign(Caller("a2", "reader", "620000", ("100000", "620000"), ("QUERY",)))
    request = rec_pb.CreateTeacherRequest(
        school_code="3162000001", basic_json=encode(demo_basic(1, "620102", "KINDERGARTEN"))
    )
    for token in (clerk, reader):  # another province's clerk does not even learn that the school exists
        with pytest.raises(DomainError) as caught:
            await suite.clients.records.CreateTeacher(request, token=token)
        assert caught.value.code == ErrorCode.FORBIDDEN
    own = suite.signer.sign(Caller("a3", "own", "620000", ("100000", "620000"), ("DATA_ENTRY",)))  # the province's
    created = (await suite.clients.records.CreateTeacher(request, token=own)).teacher
    assert decode(created.basic_json, None)["gender"] == "2" and created.status == "DRAFT"
    seen = await suite.clients.records.BatchGetTeachers(
        rec_pb.BatchGetTeachersRequest(ids=[created.id, "not-an-id"]), token=reader
    )
    assert [t.id for t in seen.teachers] == [created.id]
    unseen = await suite.clients.records.BatchGetTeachers(rec_pb.BatchGetTeachersRequest(ids=[created.id]), token=clerk)
    assert list(unseen.teachers) == []
    again = await suite.clients.records.CreateTeacher(request, token=own)
    assert [(e.code, e.field) for e in again.errors] == [("DUPLICATE_PERSON", "basic.idNumber")]
    # and orgs outside the caller's reach are invisible
    orgs = await suite.clients.identity.BatchGetOrgs(
        id_pb.BatchGetOrgsRequest(codes=["640000", "620000", "100000"]), token=reader
    )
    assert [o.code for o in orgs.orgs] == ["620000", "100000"]


async def test_request_id_reaches_the_service_log(suite: Suite) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(log.JsonFormatter("test"))
    logger = logging.getLogger("tmis.rpc")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    token = log.request_id.set("req-42")
    try:
        await suite.clients.media.GetPhotoStandard(media_pb.GetPhotoStandardRequest(), token=suite.system_token)
    finally:
        log.request_id.reset(token)
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any(
        line.get("request_id") == "req-42" and line.get("rpc", "").endswith("GetPhotoStandard") for line in lines
    ), lines


async def test_unexpected_errors_are_masked(suite: Suite) -> None:
    orgs = suite.servers["identity"]

    async def broken(*args: object) -> list:
        raise RuntimeError("secret internal detail")

    from services.identity import storage

    original = storage.Storage.get_orgs
    storage.Storage.get_orgs = broken  # type: ignore[method-assign]
    try:
        with pytest.raises(DomainError) as caught:
            await suite.clients.identity.BatchGetOrgs(
                id_pb.BatchGetOrgsRequest(codes=["100000"]), token=suite.system_token
            )
    finally:
        storage.Storage.get_orgs = original  # type: ignore[method-assign]
    assert caught.value.code == ErrorCode.INTERNAL
    assert "secret" not in caught.value.message
    assert orgs.port > 0


async def test_health_goes_not_serving_on_graceful_stop(suite: Suite) -> None:
    client = suite.clients.media
    assert (await client.check_health())[0] is True
    await suite.servers["media"].stop(grace=0)
    assert (await client.check_health(0.3))[0] is False
    with pytest.raises(DomainError) as caught:
        await client.GetPhotoStandard(media_pb.GetPhotoStandardRequest(), token=suite.system_token, timeout=0.5)
    assert caught.value.code == ErrorCode.SERVICE_UNAVAILABLE
    assert grpc.StatusCode.UNAVAILABLE  # the status the client saw is mapped, not leaked


async def test_a_call_whose_caller_stops_waiting_still_runs_to_its_end(settings) -> None:  # noqa: ANN001
    """A unary call's work is not cut when its caller's deadline passes: a write is never left
    between two of its steps, and no database operation is cancelled halfway."""
    steps: list[str] = []

    async def slow(request: bytes, ctx: object) -> bytes:
        steps.append("first")
        await asyncio.sleep(0.5)
        steps.append("second")
        return b""

    def register(server: grpc.aio.Server) -> list[str]:
        method = grpc.unary_unary_rpc_method_handler(slow)
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Slow", {"Do": method}),))
        return ["test.Slow"]

    handle = await build_server("test", settings, register, port=0, public_methods={"/test.Slow/Do"},
                                revocations=Revocations())  # fmt: skip
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as channel:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await channel.unary_unary("/test.Slow/Do")(b"", timeout=0.2)
            assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED and steps == ["first"]
        await asyncio.sleep(0.6)
        assert steps == ["first", "second"]
    finally:
        await handle.stop(0)


@pytest.mark.parametrize("swallowed", [False, True])
async def test_a_stop_ends_a_round_whose_job_turns_the_cancel_into_an_error(settings, swallowed: bool) -> None:  # noqa: ANN001
    """A periodic job may turn the stop's cancellation into an error of its own, or swallow it (the
    database driver may, mid-operation): the stop still ends the round instead of sleeping until the
    next one."""
    started = asyncio.Event()

    async def job() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            if not swallowed:
                raise RuntimeError("interrupted") from None

    handle = await build_server("test", settings, lambda server: [], port=0, revocations=Revocations())
    handle.every(3600.0, job, "a long round", now=True)
    await started.wait()
    stopping = asyncio.create_task(handle.stop(0))
    try:
        await asyncio.wait({stopping}, timeout=10)
        assert stopping.done(), "the stop did not end the round"
    finally:
        stopping.cancel()

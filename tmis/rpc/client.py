"""Typed gRPC clients: deadlines, request id and caller token on every call, errors translated.

Each service's typed client (`tmis/proto/<name>/v1/<name>_client.py`, generated from its .proto)
is a Protocol naming every RPC with its request and reply types; `connect(addr)` there makes a
ServiceClient of that type. `await client.Login(request)` calls the stub's RPC with the current request id and the
current caller's token in metadata; a DomainError raised by the service comes back as
the same DomainError; an unreachable service becomes SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol, TypeVar, cast

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tmis import log
from tmis.errors import ERROR_METADATA_KEY, DomainError, ErrorCode
from tmis.rpc import context

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # uploads (photo archives, workbooks) pass through gRPC
# health names beside each service's own: its database answers; the process is alive (tmis/rpc/server.py)
DATABASE = "tmis.database"
LIVENESS = "tmis.liveness"
LABELS = {"identity": "账号", "records": "教师信息", "review": "审核", "media": "照片"}

# round_robin: a DNS name with several addresses (compose --scale media=N) spreads calls over all.
_SERVICE_CONFIG = json.dumps({"loadBalancingConfig": [{"round_robin": {}}]})


def make_channel(addr: str) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(
        addr,
        options=[
            ("grpc.service_config", _SERVICE_CONFIG),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.enable_retries", 1),
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2000),
        ],
    )


C = TypeVar("C", bound="Client")


class Client(Protocol):
    """What every service's client has beside its RPCs."""

    name: str
    addr: str
    channel: grpc.aio.Channel
    timeout: float

    def stream(
        self, rpc: str, request: Any, *, timeout: float = 600.0, token: str | None = None
    ) -> AsyncIterator[Any]: ...

    async def check_health(self, timeout: float = 1.0) -> tuple[bool, float]: ...

    async def down(self, timeout: float = 1.0) -> tuple[str, float]: ...

    async def close(self) -> None: ...


class ServiceClient:
    """One service's stub behind one channel, created once per process."""

    @classmethod
    def typed(
        cls,
        name: str,
        addr: str,
        stub_factory: Callable[[grpc.aio.Channel], Any],
        interface: type[C],
        timeout: float = 10.0,
    ) -> C:
        """A client seen as `interface` (the service's generated Protocol), its RPCs checked to be the stub's."""
        client = cls(name, addr, stub_factory, timeout)
        rpcs = {n for n, v in vars(interface).items() if callable(v) and not n.startswith("_")} - set(vars(Client))
        missing = sorted(r for r in rpcs if not hasattr(client._stub, r))
        if missing:
            raise TypeError(f"{interface.__name__}: the stub has no {', '.join(missing)}")
        return cast(C, client)

    def __init__(
        self, name: str, addr: str, stub_factory: Callable[[grpc.aio.Channel], Any], timeout: float = 10.0
    ) -> None:
        self.name = name
        self.addr = addr
        self.channel = make_channel(addr)
        self._stub = stub_factory(self.channel)
        # types-grpcio-health-checking declares HealthStub without its RPCs (the generated __init__ sets them)
        self._health_check: grpc.aio.UnaryUnaryMultiCallable[
            health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse
        ] = health_pb2_grpc.HealthStub(self.channel).Check  # type: ignore[attr-defined]
        self.timeout = timeout

    @staticmethod
    def _metadata(token: str | None) -> list[tuple[str, str]]:
        metadata = [("x-request-id", log.request_id.get() or log.new_request_id())]
        if context.client_addr.get():
            metadata.append(("x-client-addr", context.client_addr.get()))
        bearer = context.current_token() if token is None else token
        if bearer:
            metadata.append(("authorization", f"Bearer {bearer}"))
        return metadata

    def __getattr__(self, rpc: str) -> Callable[..., Any]:
        method = getattr(self._stub, rpc)
        if isinstance(method, grpc.aio.UnaryStreamMultiCallable):  # server-streaming: as `stream`

            def messages(request: Any, *, timeout: float = 600.0, token: str | None = None) -> AsyncIterator[Any]:
                return self.stream(rpc, request, timeout=timeout, token=token)

            return messages

        async def call(request: Any, *, timeout: float | None = None, token: str | None = None) -> Any:
            try:
                return await method(request, metadata=self._metadata(token), timeout=timeout or self.timeout)
            except grpc.aio.AioRpcError as err:
                raise self._translate(err) from None

        return call

    async def stream(
        self, rpc: str, request: Any, *, timeout: float = 600.0, token: str | None = None
    ) -> AsyncIterator[Any]:
        """The messages of a server-streaming RPC, errors translated like `call`'s."""
        try:
            async for message in getattr(self._stub, rpc)(request, metadata=self._metadata(token), timeout=timeout):
                yield message
        except grpc.aio.AioRpcError as err:
            raise self._translate(err) from None

    def _translate(self, err: grpc.aio.AioRpcError) -> Exception:
        for key, value in err.trailing_metadata() or ():
            if key == ERROR_METADATA_KEY:
                return DomainError.from_metadata(value)
        if err.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            label = LABELS.get(self.name, self.name)
            return DomainError(ErrorCode.SERVICE_UNAVAILABLE, f"{label}服务暂时不可用，请稍后重试")
        return err

    async def _serving(self, service: str, timeout: float) -> bool | None:
        """Whether `service` is SERVING; None when the process does not answer."""
        try:
            reply = await self._health_check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        except grpc.aio.AioRpcError:
            return None
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

    async def check_health(self, timeout: float = 1.0) -> tuple[bool, float]:
        """(serving?, latency in ms) of the standard gRPC health check."""
        started = time.perf_counter()
        ok = await self._serving("", timeout)
        return bool(ok), round((time.perf_counter() - started) * 1000, 2)

    async def down(self, timeout: float = 1.0) -> tuple[str, float]:
        """What is down behind this client ("" when nothing: it serves), and the check's latency in
        ms: `<name>.database` when the service answers but its database does not, else `<name>`."""
        started = time.perf_counter()
        down = ""
        if not await self._serving("", timeout):
            database, alive = await asyncio.gather(self._serving(DATABASE, timeout), self._serving(LIVENESS, timeout))
            down = f"{self.name}.database" if alive and database is False else self.name
        return down, round((time.perf_counter() - started) * 1000, 2)

    async def close(self) -> None:
        await self.channel.close()

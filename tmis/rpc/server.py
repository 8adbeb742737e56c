"""The gRPC server factory every service uses, and the process entry point.

`build_server` binds any port (0 = a free one, for tests) and returns a handle with the
bound port; `run_service` is a service's `__main__`: settings from the environment,
JSON logs, graceful stop on SIGTERM/SIGINT (health goes NOT_SERVING first).

Health (grpc.health.v1): the overall status `""` and each service's follow its database, pinged
every second: NOT_SERVING while it does not answer (readiness: send no calls here), SERVING again
once it does; `tmis.database` tells that cause apart, and `tmis.liveness` stays SERVING until the
process stops (a dead database is no reason to restart the service: it reconnects by itself).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from prometheus_client import CollectorRegistry, start_http_server

from tmis import heap, tracing
from tmis import metrics as process_metrics
from tmis.auth import TokenSigner
from tmis.log import setup_logging
from tmis.revocations import Revocations
from tmis.rpc.client import DATABASE, LIVENESS, MAX_MESSAGE_BYTES
from tmis.rpc.feed import via_identity
from tmis.rpc.interceptors import AuthInterceptor, CompletionInterceptor, ErrorInterceptor, RequestIdInterceptor
from tmis.rpc.metrics import MetricsInterceptor
from tmis.settings import Settings, settings_or_exit

logger = logging.getLogger("tmis.rpc")


@dataclass
class ServerHandle:
    name: str
    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    metrics_port: int = 0  # where its Prometheus metrics are served (0: not served)
    services: list[str] = field(default_factory=list)  # the health names that follow the database
    serving: bool = True

    async def set_serving(self, serving: bool) -> None:
        """Readiness: every service's health (and `tmis.database`) SERVING or NOT_SERVING."""
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ["", DATABASE, *self.services]:
            await self.health.set(name, status)
        if serving != self.serving:
            logger.log(
                logging.INFO if serving else logging.ERROR,
                "%s: database %s",
                self.name,
                "answers again: serving" if serving else "does not answer: not serving until it does",
            )
        self.serving = serving

    def follow(self, answers: Callable[[], Awaitable[bool]], seconds: float) -> None:
        """Readiness follows `answers()` (the database's ping), asked every `seconds`."""

        async def check() -> None:
            await self.set_serving(await answers())

        self.every(seconds, check, "checking the database", now=True)

    async def stop(self, grace: float = 5.0) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        for callback in self.on_stop:
            await callback()

    def every(self, seconds: float, job: Callable[[], Awaitable[object]], what: str, now: bool = False) -> None:
        """Runs `job` every `seconds` (and once at once, with `now`) until the server stops; a failed
        round is not fatal, and a run of failures (the database or a peer away) is logged once, with
        one line when it works again."""

        def stopping() -> bool:
            """The stop's cancel arrived during the job, which swallowed it or turned it into an error
            of its own (the database driver may): the round ends here, not after the next sleep."""
            current = asyncio.current_task()
            return current is not None and current.cancelling() > 0

        async def loop() -> None:
            if not now:
                await asyncio.sleep(seconds)
            failing = False
            while True:
                try:
                    await job()
                except Exception:  # noqa: BLE001 - the database or a peer may be briefly away
                    if stopping():
                        raise asyncio.CancelledError from None
                    if not failing:
                        logger.exception("%s: %s failed (retried every %gs)", self.name, what, seconds)
                    failing = True
                else:
                    if failing:
                        logger.info("%s: %s works again", self.name, what)
                    failing = False
                if stopping():
                    raise asyncio.CancelledError
                await asyncio.sleep(seconds)

        task = asyncio.create_task(loop())

        async def cancel() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        self.on_stop.insert(0, cancel)


async def build_server(
    name: str,
    settings: Settings,
    register: Callable[[grpc.aio.Server], Collection[str]],
    *,
    port: int | None = None,
    public_methods: Collection[str] = (),
    before_change_methods: Collection[str] = (),
    revocations: Revocations | None = None,
    database: Callable[[], Awaitable[bool]] | None = None,
) -> ServerHandle:
    """Create, bind and start a server. `register` adds the servicers and returns their full service names.
    `database`: whether the service's database answers; readiness follows it (TMIS_HEALTH_CHECK_MS).

    Tokens are checked against `revocations`, by default fed from the identity service. A token
    before its first password change opens `public_methods` and `before_change_methods` only.
    """
    signer = TokenSigner(settings.require_secret(), settings.token_ttl_seconds)
    metrics = process_metrics.for_service(name)
    on_stop: list[Callable[[], Awaitable[None]]] = []
    if revocations is None:
        revocations, close = via_identity(settings, poll_seconds(settings))
        on_stop.append(close)
    else:
        on_stop.append(revocations.stop)
    server = grpc.aio.server(
        interceptors=[
            MetricsInterceptor(metrics),
            RequestIdInterceptor(),
            ErrorInterceptor(),
            AuthInterceptor(signer, revocations, public_methods, before_change_methods),
            CompletionInterceptor(),
        ],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # a request of a few MB (a photo) arrives in one receive window, without waiting for the
            # window to grow (measured on loopback: 1.2 MB in ~0.5 ms instead of ~2.3)
            ("grpc.http2.lookahead_bytes", MAX_MESSAGE_BYTES // 4),
            # a port another process (or another of our servers) holds is an error, not a port
            # shared with it: with SO_REUSEPORT the kernel would spread calls over both
            ("grpc.so_reuseport", 0),
        ],
    )
    names = list(register(server))
    checker = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(checker, server)
    bind_port = settings.ports.get(name, 0) if port is None else port
    bound = server.add_insecure_port(f"{settings.grpc_host}:{bind_port}")
    if bound == 0:
        raise OSError(f"{name}: cannot bind {settings.grpc_host}:{bind_port}")
    await server.start()
    revocations.start()
    await checker.set(LIVENESS, health_pb2.HealthCheckResponse.SERVING)
    handle = ServerHandle(name, server, bound, checker, on_stop, services=names)
    await handle.set_serving(True)
    if database is not None:
        handle.follow(database, settings.int("TMIS_HEALTH_CHECK_MS", 1000) / 1000)
    metrics_port = settings.metrics_ports.get(name)
    if metrics_port is not None:
        handle.metrics_port = _serve_metrics(handle, metrics.registry, settings.grpc_host, metrics_port)
    return handle


def _serve_metrics(handle: ServerHandle, registry: CollectorRegistry, host: str, port: int) -> int:
    """Serves the registry at http://host:port/metrics (a thread) until the server stops."""
    httpd, thread = start_http_server(port, addr=host, registry=registry)

    async def stop() -> None:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)

    handle.on_stop.append(stop)
    return int(httpd.server_port)


def poll_seconds(settings: Settings) -> float:
    """How often each process reads the revocation feed (TMIS_REVOCATION_POLL_MS, default 1000)."""
    return settings.int("TMIS_REVOCATION_POLL_MS", 1000) / 1000


Factory = Callable[[Settings], Awaitable[ServerHandle]]


async def _serve(name: str, factory: Factory, settings: Settings) -> None:
    handle = await factory(settings)
    heap.settle()  # what the service built to start: out of the collector's way
    logger.info("%s serving on port %d", name, handle.port, extra={"fields": {"port": handle.port}})
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    logger.info("%s stopping", name)
    await handle.stop()


def run_service(name: str, factory: Factory) -> None:
    settings = settings_or_exit(name)
    setup_logging(name, settings.log_level, settings.log_format)
    tracing.start(name, settings)
    try:
        asyncio.run(_serve(name, factory, settings))
    finally:
        tracing.stop()

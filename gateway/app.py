"""The gateway's ASGI app: GraphQL at /graphql, liveness at /healthz, readiness at /readyz, the web client at /."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.formparsers import MultiPartParser
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.http.ides import GraphQL_IDE

from gateway.clients import Clients
from gateway.context import Context
from gateway.files import Downloads
from gateway.media.files import PhotoFiles
from gateway.metrics import GatewayMetrics, UploadsInFlight
from gateway.persisted import Documents, PersistedRequests
from gateway.schema import build_schema
from gateway.system.pages import plugins_page
from gateway.system.readiness import readyz
from gateway.web import web_app, web_dir
from tmis import log, tracing
from tmis.auth import TokenSigner, bearer_token
from tmis.errors import DomainError
from tmis.plugins import build_registry, make_plugin_manager
from tmis.revocations import Revocations
from tmis.rpc import context as rpc_context
from tmis.rpc.feed import identity_fetch
from tmis.rpc.server import poll_seconds
from tmis.settings import Settings

logger = logging.getLogger("tmis.gateway")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MB = 1024 * 1024
UPLOAD_IN_MEMORY_BYTES = 20 * MB


class RequestContextMiddleware:
    """Binds a request id to the request (from X-Request-ID when sane), echoes it, logs one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SAFE_REQUEST_ID.match(given) else log.new_request_id()
        token = log.request_id.set(rid)
        addr = rpc_context.client_addr.set(scope["client"][0] if scope.get("client") else "")
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            ms = round((time.perf_counter() - started) * 1000, 1)
            routine = scope["path"] in ("/healthz", "/readyz")  # health checks
            level = logging.DEBUG if routine else logging.INFO
            fields = {"status": status, "ms": ms}
            logger.log(level, "%s %s %d", scope["method"], scope["path"], status, extra={"fields": fields})
            rpc_context.client_addr.reset(addr)
            log.request_id.reset(token)


class BodyLimitMiddleware:
    """Refuses request bodies over the limit (413) before they are read into memory: uploads
    (multipart) get `upload_limit`, everything else `limit`."""

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.upload_limit if multipart else self.limit
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _too_large(send, limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"code":"PAYLOAD_TOO_LARGE","message":"请求内容超过{limit // (1024 * 1024)} MB 上限"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings, clients: Clients | None = None) -> Starlette:
    # a file part up to this stays in memory (a photo; a larger archive goes to a temporary file): the
    # resolver reads it whole anyway, and past starlette's 1 MB a 4 MB photo cost ~10 ms of disk writes
    # and thread hops (bench/photo_upload.py)
    MultiPartParser.spool_max_size = UPLOAD_IN_MEMORY_BYTES
    signer = TokenSigner(settings.require_secret(), settings.token_ttl_seconds)
    plugins = make_plugin_manager(settings.plugins)
    registry = build_registry(plugins)
    revocations = Revocations(interval_seconds=poll_seconds(settings))  # fed once the clients exist
    downloads = Downloads(signer, revocations)

    class TmisGraphQL(PersistedRequests):
        async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
            if not isinstance(request, Request) or not isinstance(response, Response):  # an HTTP route only
                raise TypeError("GraphQL is served over HTTP only (no subscriptions)")
            token = bearer_token(request.headers.get("authorization", ""))
            try:
                caller = revocations.verify_access(signer, token) if token else None
                if caller is not None:
                    renewed = signer.renewal(caller, settings.session_max_seconds)
                    if renewed:  # clients replace their token with it
                        response.headers["x-tmis-token"] = renewed
            except DomainError:
                caller = None
            return Context(
                request, response, request.app.state.clients, plugins, caller, signer, registry, token if caller else ""
            )

    # production: neither GraphiQL nor introspection
    metrics = GatewayMetrics()
    schema = build_schema(registry, introspection=settings.development)
    schema.extensions = (*schema.extensions, metrics.extension)
    ide: GraphQL_IDE | None = "graphiql" if settings.development else None
    graphql = TmisGraphQL(schema, graphql_ide=ide, multipart_uploads_enabled=True)
    graphql.documents = Documents.from_settings(settings, web_dir(settings), metrics.refused_documents)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # gRPC channels belong to the running event loop: made here, never in create_app
        app.state.clients = clients or Clients.from_settings(settings)
        revocations.start(identity_fetch(app.state.clients.identity, settings.require_secret()))
        yield
        await revocations.stop()
        if clients is None:
            await app.state.clients.close()

    routes = [
        # answers are JSON: ~1/6 on a county line; level 6 (zlib's default, not starlette's 9): a page of 50
        # teachers ~7% larger, compressed in a quarter of the time
        Route("/graphql", GZipMiddleware(graphql, minimum_size=1024, compresslevel=6)),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics.endpoint),
        Route("/-/plugins", plugins_page(plugins)),
        Route("/files/teacher-accounts/{school}.xlsx", downloads.teacher_accounts),
        Route("/files/photos/{teacher_id}.jpg", PhotoFiles(downloads).photo),
        Route("/files/templates/{school_type}.xlsx", downloads.template),
        Route("/files/imports/{job}/errors.xlsx", downloads.import_errors),
        Route("/files/exports/{org}/{status}.xlsx", downloads.export),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.router.default = web_app(settings)  # the browser client at / (and its client routes)
    app.add_middleware(
        BodyLimitMiddleware,
        limit=settings.int("TMIS_HTTP_MAX_BODY_BYTES", 2 * MB),
        upload_limit=settings.int("TMIS_HTTP_MAX_UPLOAD_BYTES", 64 * MB),
    )
    app.add_middleware(UploadsInFlight, gauge=metrics.uploads)
    tracing.instrument_app(app)  # inside RequestContextMiddleware: its spans carry the request id
    app.add_middleware(RequestContextMiddleware)
    return app

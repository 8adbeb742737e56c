"""Server interceptors: request id, auth, error mapping (with one access-log line per call), and
a unary call's work run to its end.

Each wraps the RPC's behaviour so that context variables set here are visible to the
servicer and to every log line it writes. Order in the server: request id (outermost),
errors, auth, completion.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from typing import Any, TypeAlias, cast

import grpc

from tmis import log, tracing
from tmis.auth import TokenSigner, bearer_token
from tmis.errors import ERROR_METADATA_KEY, DomainError, ErrorCode
from tmis.revocations import Revocations
from tmis.rpc import context

logger = logging.getLogger("tmis.rpc")

# Interceptors wrap every RPC of every service: the messages are any service's.
# (strings: grpc's classes are generic in its stubs only)
Context: TypeAlias = "grpc.aio.ServicerContext[Any, Any]"
Handler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"
Behavior: TypeAlias = Callable[[Any, Context], Any]
Wrapper = Callable[[Behavior, str], Behavior]
HEALTH_PREFIX = "/grpc.health.v1.Health/"
# what every process calls every second or so: logged at DEBUG, so an idle suite is quiet
ROUTINE_METHODS = ("/tmis.identity.v1.IdentityService/ListRevocations",)


def _metadata(ctx: Context) -> dict[str, str | bytes]:
    return {k: v for k, v in (ctx.invocation_metadata() or ())}


def _wrap_handler(handler: Handler, method: str, wrap: Wrapper) -> Handler:
    # grpc-stubs type a handler's behaviours for the sync server (grpc.ServicerContext); on a
    # grpc.aio server they are coroutine functions taking a grpc.aio.ServicerContext.
    if handler.unary_unary is not None:
        return grpc.unary_unary_rpc_method_handler(
            wrap(cast(Behavior, handler.unary_unary), method),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream is not None and not inspect.isasyncgenfunction(handler.unary_stream):
        # a download in chunks: a coroutine that awaits ctx.write(...) for each, so it runs
        # inside the wrappers (caller, request id, errors) like a unary call
        return grpc.unary_stream_rpc_method_handler(
            wrap(cast(Behavior, handler.unary_stream), method),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    # Other streaming RPCs (the health service's Watch, an async generator) pass through unwrapped.
    return handler


class _WrappingInterceptor(grpc.aio.ServerInterceptor):
    def wrap(self, behavior: Behavior, method: str) -> Behavior:
        raise NotImplementedError

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler | None]],
        details: grpc.HandlerCallDetails,
    ) -> Handler | None:
        handler = await continuation(details)
        if handler is None:
            return handler
        return _wrap_handler(handler, details.method, self.wrap)


class RequestIdInterceptor(_WrappingInterceptor):
    """Binds `x-request-id` (or a new one) and `x-client-addr` from the call's metadata to the call."""

    def wrap(self, behavior: Behavior, method: str) -> Behavior:
        async def call(request: Any, ctx: Context) -> Any:
            metadata = _metadata(ctx)
            rid = log.request_id.set(str(metadata.get("x-request-id") or log.new_request_id())[:64])
            tracing.tag_request_id(log.request_id.get())
            addr = context.client_addr.set(str(metadata.get("x-client-addr", ""))[:64])
            try:
                return await behavior(request, ctx)
            finally:
                context.client_addr.reset(addr)
                log.request_id.reset(rid)

        return call


class ErrorInterceptor(_WrappingInterceptor):
    """Maps DomainError to a status (code, message, field in trailing metadata); masks the rest."""

    def wrap(self, behavior: Behavior, method: str) -> Behavior:
        level = logging.DEBUG if method.startswith(HEALTH_PREFIX) or method in ROUTINE_METHODS else logging.INFO

        async def call(request: Any, ctx: Context) -> Any:
            started = time.perf_counter()
            outcome = "OK"
            try:
                return await behavior(request, ctx)
            except DomainError as err:
                outcome = str(err.code)
                await ctx.abort(err.status, err.message, trailing_metadata=((ERROR_METADATA_KEY, err.to_metadata()),))
            except Exception as err:
                if isinstance(err, grpc.aio.AbortError) or type(err).__name__ == "AbortError":
                    raise
                outcome = "INTERNAL"
                logger.exception("unexpected error in %s", method)
                masked = DomainError(ErrorCode.INTERNAL, "服务内部错误，请稍后重试")
                await ctx.abort(
                    grpc.StatusCode.INTERNAL,
                    masked.message,
                    trailing_metadata=((ERROR_METADATA_KEY, masked.to_metadata()),),
                )
            finally:
                ms = round((time.perf_counter() - started) * 1000, 1)
                fields = {"rpc": method, "outcome": outcome, "ms": ms}
                routine = level if outcome == "OK" else logging.INFO
                logger.log(routine, "rpc %s %s", method, outcome, extra={"fields": fields})

        return call


class AuthInterceptor(_WrappingInterceptor):
    """Verifies `authorization: Bearer <token>` (signature, expiry, revocations) and binds the caller;
    public methods may omit it. Before its first password change a token opens the public
    methods and `before_change_methods` only."""

    def __init__(
        self,
        signer: TokenSigner,
        revocations: Revocations,
        public_methods: Collection[str] = (),
        before_change_methods: Collection[str] = (),
    ) -> None:
        self.signer = signer
        self.revocations = revocations
        self.public = set(public_methods)
        self.before_change = set(before_change_methods)

    def wrap(self, behavior: Behavior, method: str) -> Behavior:
        public = method in self.public or method.startswith(HEALTH_PREFIX)
        before_change = public or method in self.before_change

        async def call(request: Any, ctx: Context) -> Any:
            raw = bearer_token(str(_metadata(ctx).get("authorization", "")))
            caller = self.revocations.verify_access(self.signer, raw) if raw else None
            if caller is None and not public:
                raise DomainError(ErrorCode.UNAUTHENTICATED, "请先登录")
            if caller is not None and not before_change:
                caller.require()  # PASSWORD_CHANGE_REQUIRED before the first change
            caller_tok = context.set_caller(caller)
            token_tok = context.token.set(raw)
            try:
                return await behavior(request, ctx)
            finally:
                context.token.reset(token_tok)
                context.reset_caller(caller_tok)

        return call


class CompletionInterceptor(grpc.aio.ServerInterceptor):
    """A unary call's work runs to its end even when its caller stops waiting (a deadline, a cancel,
    a connection gone): a write is never cut between two of its steps, and no database operation is
    cancelled halfway. (On Python 3.11 a PyMongo server selection cancelled at the wrong moment can
    keep its client's topology lock for good, through asyncio.wait_for's race fixed in 3.12: every
    later operation of that client then waits forever.) The caller gets no answer; a failure of the
    work is logged by the error interceptor's line, or here when nobody waits any more."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler | None]],
        details: grpc.HandlerCallDetails,
    ) -> Handler | None:
        handler = await continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler  # streams (downloads, the health service's Watch) only read: cancelling them is safe
        behavior, method = cast(Behavior, handler.unary_unary), details.method

        async def call(request: Any, ctx: Context) -> Any:
            work = asyncio.ensure_future(behavior(request, ctx))  # (in this context: caller, request id)
            work.add_done_callback(lambda done: _unawaited(done, method))
            return await asyncio.shield(work)

        return grpc.unary_unary_rpc_method_handler(
            call, request_deserializer=handler.request_deserializer, response_serializer=handler.response_serializer
        )


def _unawaited(work: asyncio.Future[Any], method: str) -> None:
    """The end of a call's work: its failure is read here (so that it is never "never retrieved"),
    and logged when nobody waited for it."""
    if work.cancelled() or work.exception() is None:
        return
    error = work.exception()
    if not isinstance(error, DomainError | grpc.aio.AbortError) and type(error).__name__ != "AbortError":
        logger.debug("%s ended with %r after its caller stopped waiting", method, error)

"""The server interceptor that counts and times every RPC by method and status code."""

from __future__ import annotations

import time
from typing import Any

import grpc

from tmis.metrics import ServiceMetrics
from tmis.rpc.interceptors import Behavior, Context, _WrappingInterceptor

__all__ = ["MetricsInterceptor"]


def _code(ctx: Context, failed: bool) -> str:
    code = ctx.code()  # set by abort() (the error interceptor maps every failure to one)
    if isinstance(code, grpc.StatusCode):
        return str(code.name)
    if isinstance(code, int):
        return next((c.name for c in grpc.StatusCode if c.value[0] == code), "UNKNOWN")
    return "UNKNOWN" if failed else "OK"


class MetricsInterceptor(_WrappingInterceptor):
    """Outermost: sees the status the call ends with."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.metrics = metrics

    def wrap(self, behavior: Behavior, method: str) -> Behavior:
        seconds = self.metrics.rpc_seconds.labels(method)

        async def call(request: Any, ctx: Context) -> Any:
            started = time.perf_counter()
            failed = True
            try:
                reply = await behavior(request, ctx)
                failed = False
                return reply
            finally:
                seconds.observe(time.perf_counter() - started)
                self.metrics.rpcs.labels(method, _code(ctx, failed)).inc()

        return call

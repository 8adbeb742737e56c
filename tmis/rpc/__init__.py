"""gRPC helpers shared by every process: server factory, interceptors, clients."""

from tmis.rpc.client import ServiceClient, make_channel
from tmis.rpc.context import current_caller, current_token
from tmis.rpc.server import ServerHandle, build_server, run_service

__all__ = [
    "ServiceClient",
    "make_channel",
    "current_caller",
    "current_token",
    "ServerHandle",
    "build_server",
    "run_service",
]

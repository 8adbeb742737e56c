"""The review service's server factory."""
from __future__ import annotations

import grpc

from services.review.servicer import ReviewServicer
from services.review.states import States
from services.review.storage import Storage
from tmis.proto.review.v1 import review_pb2, review_pb2_grpc
from tmis.rpc import ServerHandle, build_server
from tmis.settings import Settings

SERVICE_NAME = review_pb2.DESCRIPTOR.services_by_name["ReviewService"].full_name


async def create_server(settings: Settings, *, port: int | None = None) -> ServerHandle:
    storage = await Storage.open(settings)
    servicer = ReviewServicer(States(storage))

    def register(server: grpc.aio.Server) -> list[str]:
        review_pb2_grpc.add_ReviewServiceServicer_to_server(servicer, server)
        return [SERVICE_NAME]

    handle = await build_server("review", settings, register, port=port)
    handle.on_stop.append(storage.close)
    return handle

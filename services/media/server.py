"""The media service's server factory."""
from __future__ import annotations

import grpc

from services.media import standard
from services.media.servicer import MediaServicer
from services.media.storage import Storage
from tmis.plugins import make_plugin_manager
from tmis.proto.media.v1 import media_pb2, media_pb2_grpc
from tmis.rpc import ServerHandle, build_server
from tmis.settings import Settings

SERVICE_NAME = media_pb2.DESCRIPTOR.services_by_name["MediaService"].full_name


async def create_server(settings: Settings, *, port: int | None = None) -> ServerHandle:
    storage = await Storage.open(settings)
    servicer = MediaServicer(standard.resolve(make_plugin_manager(settings.plugins)))

    def register(server: grpc.aio.Server) -> list[str]:
        media_pb2_grpc.add_MediaServiceServicer_to_server(servicer, server)
        return [SERVICE_NAME]

    handle = await build_server("media", settings, register, port=port)
    handle.on_stop.append(storage.close)
    return handle

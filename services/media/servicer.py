"""gRPC adapter of the media service."""
from __future__ import annotations

import grpc

from services.media.standard import PhotoStandard
from tmis.proto.media.v1 import media_pb2 as pb
from tmis.proto.media.v1 import media_pb2_grpc
from tmis.rpc import current_caller


class MediaServicer(media_pb2_grpc.MediaServiceServicer):
    def __init__(self, standard: PhotoStandard) -> None:
        self.standard = standard

    async def GetPhotoStandard(self, request: pb.GetPhotoStandardRequest, context: grpc.aio.ServicerContext) -> pb.PhotoStandard:
        current_caller().require()
        s = self.standard
        return pb.PhotoStandard(
            width_cm=s.width_cm, height_cm=s.height_cm, dpi=s.dpi, width_px=s.width_px, height_px=s.height_px, max_bytes=s.max_bytes, formats=s.formats
        )

"""GET /files/photos/{teacher_id}.jpg: the teacher's photo, for callers who may see the teacher
(the media service asks records with the caller's token). Private caching only: the photo
is personal data, and a new upload changes it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.clients import Clients
from gateway.files import STATUS, Downloads
from tmis.errors import DomainError
from tmis.proto.media.v1 import media_pb2 as pb


class PhotoFiles:
    def __init__(self, downloads: Downloads) -> None:
        self.downloads = downloads

    async def photo(self, request: Request) -> Response:
        clients: Clients = request.app.state.clients
        try:
            token = self.downloads.access_token(request)
            reply = await clients.media.GetPhoto(
                pb.GetPhotoRequest(teacher_id=request.path_params["teacher_id"]), token=token
            )
        except DomainError as err:
            return JSONResponse({"code": str(err.code), "message": err.message}, status_code=STATUS.get(err.code, 400))
        headers = {
            "cache-control": "private, max-age=300",
            "etag": f'"{reply.id}"',
            "x-content-type-options": "nosniff",
        }
        return Response(reply.content, media_type=reply.content_type, headers=headers)

"""File downloads: plain GETs that honour the Authorization header or carry a short-lived
download token bound to their one path (for links a browser opens)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from gateway.clients import Clients
from tmis.auth import Caller, TokenSigner, bearer_token
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.proto.records.v1.records_client import RecordsServiceClient
from tmis.revocations import Revocations

DOWNLOAD_TTL_SECONDS = 300
# a server-streaming records RPC answering a file in chunks
Download = Callable[..., AsyncIterator[rec_pb.FileChunk]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# by code: DomainError.code is an ErrorCode (a str) or, from a newer service, any other str
STATUS: dict[str, int] = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PASSWORD_CHANGE_REQUIRED: 403,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}


def download_url(request: Request, signer: TokenSigner, caller: Caller, path: str) -> str:
    token = signer.sign(dataclasses.replace(caller, scope=path), ttl_seconds=DOWNLOAD_TTL_SECONDS)
    return f"{str(request.base_url).rstrip('/')}{quote(path)}?token={token}"


class Downloads:
    def __init__(self, signer: TokenSigner, revocations: Revocations) -> None:
        self.signer = signer
        self.revocations = revocations

    def access_token(self, request: Request) -> str:
        """An access token for the caller of this GET (a download token works for its own path only)."""
        raw = bearer_token(request.headers.get("authorization", "")) or request.query_params.get("token", "")
        if not raw:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "请先登录")
        caller = self.signer.verify(raw)
        if caller.scope and caller.scope != request.url.path:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "下载链接无效或已过期，请重新导出")
        self.revocations.check(caller)
        caller.require()  # PASSWORD_CHANGE_REQUIRED before the first change, as for every field
        # the services accept access tokens only: mint one that keeps the original issue time
        return self.signer.sign(dataclasses.replace(caller, scope=""), ttl_seconds=60) if caller.scope else raw

    async def teacher_accounts(self, request: Request) -> Response:
        call = id_pb.ExportTeacherAccountsRequest(school_code=request.path_params["school"])
        return await self._whole(
            request, lambda clients, token: clients.identity.ExportTeacherAccounts(call, token=token)
        )

    async def template(self, request: Request) -> Response:
        call = rec_pb.GetImportTemplateRequest(school_type=request.path_params["school_type"])
        return await self._whole(request, lambda clients, token: clients.records.GetImportTemplate(call, token=token))

    async def _whole(self, request: Request, fetch: Callable[[Clients, str], Awaitable[Any]]) -> Response:
        """A file answered in one message (filename, content_type, content)."""
        try:
            reply = await fetch(request.app.state.clients, self.access_token(request))
        except DomainError as err:
            return _refused(err)
        return Response(reply.content, media_type=reply.content_type, headers=_attachment(reply.filename))

    async def import_errors(self, request: Request) -> Response:
        job = request.path_params["job"]
        report = rec_pb.GetImportJobRequest(id=job)
        return await self._stream(request, lambda records: records.GetImportErrorReport, report, f"导入错误-{job}.xlsx")

    async def export(self, request: Request) -> Response:
        org, status = request.path_params["org"], request.path_params["status"]
        call = rec_pb.ExportTeachersRequest(org_code=org, status="" if status == "ALL" else status)
        return await self._stream(request, lambda records: records.ExportTeachers, call, f"教师信息-{org}.xlsx")

    async def _stream(
        self, request: Request, rpc: Callable[[RecordsServiceClient], Download], message: Any, filename: str
    ) -> Response:
        """A records download in chunks; a refusal (before the first chunk) as a JSON error."""
        clients: Clients = request.app.state.clients
        try:
            chunks = rpc(clients.records)(message, token=self.access_token(request))
            first = await anext(chunks, None)
        except DomainError as err:
            return _refused(err)

        async def body() -> AsyncIterator[bytes]:
            if first is not None:
                yield first.data
            async for chunk in chunks:
                yield chunk.data

        return StreamingResponse(body(), media_type=XLSX, headers=_attachment(filename))


def _refused(err: DomainError) -> Response:
    return JSONResponse({"code": str(err.code), "message": err.message}, status_code=STATUS.get(err.code, 400))


def _attachment(filename: str) -> dict[str, str]:
    return {"content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}", "cache-control": "no-store"}

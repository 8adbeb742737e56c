"""The HTTP body of a GraphQL request, read with bounds: nesting no deeper than MAX_JSON_DEPTH, no
string that is not text (a lone UTF-16 surrogate), a multipart `map` that fits its `operations`.
What fails is answered as a GraphQL error with a code, never a plain-text 500. The checks run at
C speed on the raw text; only a body that may hold a surrogate is walked."""

from __future__ import annotations

import json
import re
from typing import Any, overload

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET

from gateway.context import Context

MAX_JSON_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"\[\]|\{\}")
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")  # escaped, or raw in a str given


class RequestRefused(HTTPException):
    """A request refused before GraphQL sees it, with the extensions code it is answered with."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(status, message)
        self.code = code


class BoundedRequests(GraphQL[Context, None]):
    """Strawberry's ASGI view, reading request bodies within the bounds and answering a refused
    request as GraphQL (app.py adds the context)."""

    def decode_json(self, data: str | bytes) -> object:
        return decode_body(data)

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, Any]:
        try:
            data = await super().parse_multipart(request)
        except (AttributeError, TypeError, ValueError, IndexError):  # a `map` path that does not fit
            data = None
        if not isinstance(data, (dict, list)):
            raise RequestRefused("BAD_REQUEST", "multipart 请求的 operations 或 map 格式不正确")
        return data  # a batch's operations are a list, which strawberry handles (its annotation says dict)

    @overload
    async def run(self, request: Request, context: Context = UNSET, root_value: None = UNSET) -> Response: ...

    @overload
    async def run(self, request: WebSocket, context: Context = UNSET, root_value: None = UNSET) -> WebSocket: ...

    async def run(
        self, request: Request | WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> Response | WebSocket:
        try:
            return await super().run(request, context, root_value)
        except HTTPException as err:  # the request itself is wrong: answered as GraphQL, with a code
            return refused(err)


def decode_body(data: str | bytes) -> Any:
    """JSON within the bounds, or RequestRefused naming what is wrong (and where, for a bad string)."""
    too_deep = RequestRefused("BAD_REQUEST", f"请求内容嵌套过深（最多{MAX_JSON_DEPTH}层）")
    try:
        value = json.loads(data)
    except RecursionError:
        raise too_deep from None
    except ValueError:  # not JSON, or not UTF-8
        raise RequestRefused("BAD_REQUEST", "请求内容不是有效的 JSON") from None
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not _nested_within(raw, MAX_JSON_DEPTH):
        raise too_deep
    if _MAYBE_SURROGATE.search(raw) and (where := _not_text(value, "")) is not None:
        raise RequestRefused("BAD_USER_INPUT", f"{where or '请求'} 含有无效的字符（孤立的 UTF-16 代理项）")
    return value


def _nested_within(raw: bytes, limit: int) -> bool:
    """Whether valid JSON nests at most `limit` levels: strings dropped, brackets kept, and the
    innermost pairs removed once per level."""
    skeleton = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        if not skeleton:
            return True
        skeleton = _INNERMOST.sub(b"", skeleton)
    return not skeleton


def _not_text(value: Any, path: str) -> str | None:
    """The path of the first string (or key) that cannot be encoded as UTF-8; None when all can."""
    if isinstance(value, str):
        return None if _is_text(value) else path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and not _is_text(key):
            return path
        if (found := _not_text(item, where)) is not None:
            return found
    return None


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refused(err: HTTPException) -> Response:
    """A request-level refusal as a GraphQL response: `errors` with a message and a code."""
    code = err.code if isinstance(err, RequestRefused) else "BAD_REQUEST"
    body = {"data": None, "errors": [{"message": err.reason, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=err.status_code)


__all__ = ["MAX_JSON_DEPTH", "BoundedRequests", "RequestRefused", "decode_body", "refused"]

"""The HTTP body of a GraphQL request, read with bounds: nesting no deeper than MAX_JSON_DEPTH,
and no string that is not text (a lone UTF-16 surrogate). What fails is answered as a GraphQL
error with a code, never a plain-text 500."""
from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.responses import JSONResponse, Response

MAX_JSON_DEPTH = 32


class RequestRefused(HTTPException):
    """A request refused before GraphQL sees it, with the extensions code it is answered with."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(400, message)
        self.code = code


def decode_body(data: str | bytes) -> Any:
    """JSON within the bounds, or RequestRefused naming what is wrong (and where, for a bad string)."""
    too_deep = RequestRefused("BAD_REQUEST", f"请求内容嵌套过深（最多{MAX_JSON_DEPTH}层）")
    try:
        value = json.loads(data)
    except RecursionError:
        raise too_deep from None
    except ValueError:  # not JSON, or not UTF-8
        raise RequestRefused("BAD_REQUEST", "请求内容不是有效的 JSON") from None
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:  # iteratively: the checks themselves must not recurse
        item, path, depth = stack.pop()
        if isinstance(item, str) and not _is_text(item):
            raise RequestRefused("BAD_USER_INPUT", f"{path or '请求'} 含有无效的字符（孤立的 UTF-16 代理项）")
        children: list[tuple[Any, Any]] = []
        if isinstance(item, dict):
            children = list(item.items())
        elif isinstance(item, list):
            children = list(enumerate(item))
        if children and depth >= MAX_JSON_DEPTH:
            raise too_deep
        stack.extend((child, f"{path}.{key}" if path else str(key), depth + 1) for key, child in children)
        stack.extend((key, path, depth + 1) for key, _ in children if isinstance(key, str))  # keys are strings too
    return value


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


__all__ = ["MAX_JSON_DEPTH", "RequestRefused", "decode_body", "refused"]

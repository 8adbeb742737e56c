"""The browser client's built files (web/dist) at `/`.

Vite names every asset by its content hash, so `/assets/*` is cached for a year as immutable;
`index.html` must be revalidated every time (it names the current assets). A client route such
as `/teachers/42` has no file: it gets `index.html` and the client's router takes over. The API
(`/graphql`, `/files/*`, `/healthz`, any route added later) is never shadowed: this is the
router's default, reached only when no route matched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketClose

from tmis.settings import Settings

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "web" / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
NOT_BUILT = "网页客户端尚未构建：请运行 make run（或 cd web && npm ci && npm run build）"
_API_PREFIXES = ("graphql", "files/", "healthz")


def web_dir(settings: Settings) -> Path:
    """TMIS_WEB_DIR, else the repository's web/dist."""
    given = settings.raw.get("TMIS_WEB_DIR", "")
    return Path(given).resolve() if given else DEFAULT_DIR


def _inside(root: Path, path: str) -> Path | None:
    """The file `path` names under root, or None (missing, a folder, or outside root)."""
    candidate = (root / path).resolve()
    if candidate != root and root not in candidate.parents:
        return None
    return candidate if candidate.is_file() else None


def web_app(settings: Settings) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI app for the gateway router's `default` (what answers when no route matches)."""
    root = web_dir(settings)

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await WebSocketClose()(scope, receive, send)
            return
        response = _answer(root, Request(scope))
        await response(scope, receive, send)

    return serve


def _answer(root: Path, request: Request) -> Response:
    path = request.url.path.lstrip("/")
    if request.method not in ("GET", "HEAD") or path.startswith(_API_PREFIXES):
        return PlainTextResponse("Not Found", status_code=404)
    found = _inside(root, path) if path else None
    if found is not None and found.name != "index.html":
        cache = IMMUTABLE if path.startswith("assets/") else "public, max-age=3600"
        return FileResponse(found, headers={"cache-control": cache})
    if found is None and "." in path.rsplit("/", 1)[-1]:
        return PlainTextResponse("Not Found", status_code=404)  # a missing file, not a client route
    index = root / "index.html"
    if not index.is_file():
        return PlainTextResponse(NOT_BUILT, status_code=503)
    return FileResponse(index, headers={"cache-control": REVALIDATE})

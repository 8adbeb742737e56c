"""The browser client's built files (web/dist) at `/`.

Vite names every asset by its content hash, so `/assets/*` is cached for a year as immutable;
`index.html` must be revalidated every time (it names the current assets), and so must the service
worker (`sw.js`, which lists them) and the web app manifest. The build writes a
brotli and a gzip copy beside each text file; the one the browser accepts is sent (`Vary:
Accept-Encoding`), so nothing is compressed per request. A client route such
as `/teachers/42` has no file: it gets `index.html` and the client's router takes over. The API
(`/graphql`, `/files/*`, `/healthz`, any route added later) is never shadowed: this is the
router's default, reached only when no route matched.
"""

from __future__ import annotations

import mimetypes
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
_API_PREFIXES = ("graphql", "files/", "healthz", "readyz")
ALWAYS_REVALIDATED = ("sw.js", "manifest.webmanifest")
mimetypes.add_type("application/manifest+json", ".webmanifest")
# precompressed copies made by the build (web/compress.mjs), the smaller first
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


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
        cache = (
            IMMUTABLE
            if path.startswith("assets/")
            else REVALIDATE
            if path in ALWAYS_REVALIDATED
            else "public, max-age=3600"
        )
        return _file(found, cache, request)
    if found is None and "." in path.rsplit("/", 1)[-1]:
        return PlainTextResponse("Not Found", status_code=404)  # a missing file, not a client route
    index = root / "index.html"
    if not index.is_file():
        return PlainTextResponse(NOT_BUILT, status_code=503)
    return _file(index, REVALIDATE, request)


def _file(path: Path, cache: str, request: Request) -> Response:
    """The file, or its precompressed copy (`.br`, `.gz` beside it, made by the build) that the
    browser accepts: the original's content type, `Vary: Accept-Encoding` either way."""
    headers = {"cache-control": cache, "vary": "Accept-Encoding"}
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type in (
        "application/javascript",
        "image/svg+xml",
        "application/manifest+json",
    ):
        media_type += "; charset=utf-8"
    accepted = _accepted(request.headers.get("accept-encoding", ""))
    for encoding, suffix in ENCODINGS:
        packed = path.with_name(path.name + suffix)
        if encoding in accepted and packed.is_file():
            return FileResponse(packed, media_type=media_type, headers={**headers, "content-encoding": encoding})
    return FileResponse(path, media_type=media_type, headers=headers)


def _accepted(header: str) -> set[str]:
    """The codings an Accept-Encoding header allows (`q=0` refuses one; `*` is not taken as either)."""
    codings = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            if float(q) > 0:
                codings.add(name.strip())
        except ValueError:
            continue
    return codings

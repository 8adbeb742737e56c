"""The gateway serving the built web client: caching headers, client routes, the API untouched."""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.suite import Suite
from tmis.settings import Settings

pytestmark = pytest.mark.usefixtures("fresh_suite")  # settings of its own (a web client directory)

INDEX = "<!doctype html><title>TMIS</title>"


@pytest.fixture
def web(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-3f2a.js").write_text("console.log(1)")
    (root / "robots.txt").write_text("User-agent: *")
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    (root / "manifest.webmanifest").write_text('{"name": "教师管理信息系统"}')
    (tmp_path / "secret.txt").write_text("not served")
    return root


@pytest.fixture
def settings(settings: Settings, web: Path) -> Settings:
    return replace(settings, raw={**settings.raw, "TMIS_WEB_DIR": str(web)})


async def test_assets_are_immutable_and_index_is_revalidated(suite: Suite) -> None:
    asset = await suite.http.get("/assets/index-3f2a.js")
    assert asset.status_code == 200 and asset.text == "console.log(1)"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    for path in ("/", "/index.html", "/teachers/6b0b", "/admin/accounts"):  # client routes get the app
        page = await suite.http.get(path)
        assert page.status_code == 200 and page.text == INDEX, path
        assert page.headers["cache-control"] == "no-cache"
        assert page.headers["content-type"].startswith("text/html")
    other = await suite.http.get("/robots.txt")
    assert other.status_code == 200 and "immutable" not in other.headers["cache-control"]


async def test_the_service_worker_and_the_manifest_are_revalidated(suite: Suite) -> None:
    """Both name the current build: a new one is seen at the next visit (the worker then updates)."""
    worker = await suite.http.get("/sw.js")
    assert worker.headers["cache-control"] == "no-cache" and worker.headers["content-type"].startswith(
        "text/javascript"
    )
    manifest = await suite.http.get("/manifest.webmanifest")
    assert manifest.headers["cache-control"] == "no-cache"
    assert manifest.headers["content-type"] == "application/manifest+json; charset=utf-8"
    assert manifest.json() == {"name": "教师管理信息系统"}


async def test_the_api_and_missing_files_are_not_the_app(suite: Suite) -> None:
    assert (await suite.http.get("/assets/gone-1234.js")).status_code == 404
    assert (await suite.http.get("/files/unknown.xlsx")).status_code == 404
    assert (await suite.http.get("/healthz")).text == "ok"
    assert (await suite.http.get("/../secret.txt")).status_code == 404
    assert (await suite.http.get("/assets/..%2F..%2Fsecret.txt")).status_code == 404
    assert (await suite.http.post("/teachers", json={})).status_code == 404
    reply = await suite.graphql("{ me { username } }")
    assert reply == {"data": {"me": None}}


async def test_an_unbuilt_client_says_how_to_build_it(suite: Suite, web: Path) -> None:
    (web / "index.html").unlink()
    reply = await suite.http.get("/")
    assert reply.status_code == 503 and "make run" in reply.text


async def test_precompressed_assets_are_chosen_by_accept_encoding(suite: Suite, web: Path) -> None:
    script = "console.log('教师管理信息系统');" * 100
    (web / "assets" / "app-9c1d.js").write_text(script)
    (web / "assets" / "app-9c1d.js.gz").write_bytes(gzip.compress(script.encode()))
    (web / "assets" / "app-9c1d.js.br").write_bytes(b"brotli copy")  # sent as it is (httpx has no brotli here)
    (web / "assets" / "plain-77aa.css").write_text("body { color: #303133 }")  # too small to have copies
    wants = {
        "gzip, deflate, br, zstd": ("br", b"brotli copy"),
        "gzip, deflate": ("gzip", script.encode()),  # httpx decodes it
        "identity": (None, script.encode()),
        "br;q=0, gzip;q=0": (None, script.encode()),
    }
    for accept, (encoding, body) in wants.items():
        reply = await suite.http.get("/assets/app-9c1d.js", headers={"accept-encoding": accept})
        assert (reply.status_code, reply.headers.get("content-encoding"), reply.content) == (200, encoding, body)
        assert reply.headers["content-type"] == "text/javascript; charset=utf-8"
        assert reply.headers["vary"] == "Accept-Encoding"
        assert reply.headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = await suite.http.get("/assets/plain-77aa.css", headers={"accept-encoding": "br, gzip"})
    assert plain.text == "body { color: #303133 }" and "content-encoding" not in plain.headers
    assert plain.headers["content-type"] == "text/css; charset=utf-8" and plain.headers["vary"] == "Accept-Encoding"
    index = await suite.http.get("/teachers", headers={"accept-encoding": "gzip"})
    assert index.text == INDEX and index.headers["content-type"] == "text/html; charset=utf-8"

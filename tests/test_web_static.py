"""The gateway serving the built web client: caching headers, client routes, the API untouched."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import Suite
from tmis.settings import Settings

INDEX = "<!doctype html><title>TMIS</title>"


@pytest.fixture
def web(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-3f2a.js").write_text("console.log(1)")
    (root / "robots.txt").write_text("User-agent: *")
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

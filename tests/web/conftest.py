"""Browser tests: the whole suite as `make run` starts it (`python -m tmis`, demo data, the built
web client at /) on a free port, driven by Debian's chromium through Playwright (no download)."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.suite import CHEAP_HASHES
from tmis.run.procs import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ADMIN_PASSWORD = "Tmis#Web2026"
NEW_PASSWORD = "Web#Pass2026"
# as root in a closed network: no sandbox, and none of chromium's calls to outside hosts
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = ROOT / "var" / "screenshots"


@dataclass
class Demo:
    url: str
    accounts: dict[str, dict[str, str]]  # 用户名 -> the row of demo-accounts.csv

    def teachers(self, school: str) -> list[str]:
        return [u for u, r in self.accounts.items() if r["角色"].startswith("TEACHER") and r["单位代码"] == school]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is missing: run `make test` (it builds the web client)")
    data_dir = tmp_path_factory.mktemp("web") / "var"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("TMIS_MONGODB_URI", "TMIS_TOKEN_SECRET")}
    env |= {"TMIS_DATA_DIR": str(data_dir), "TMIS_HTTP_PORT": str(port), "TMIS_ADMIN_PASSWORD": ADMIN_PASSWORD}
    # argon2 as cheap as in the API tests' suites: each sign-in of a browser test would hash 64 MiB twice
    env |= CHEAP_HASHES
    env["TMIS_PLUGINS"] = (
        "gansu"  # the example province plugin: its fields must work in the forms with no client change
    )
    log = data_dir.parent / "suite.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tmis"], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _healthy(url):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the suite did not start:\n" + log.read_text()[-3000:]
            time.sleep(0.3)
        with open(data_dir / "demo-accounts.csv", encoding="utf-8-sig") as f:
            accounts = {row["用户名"]: row for row in csv.DictReader(f)}
        yield Demo(url, accounts)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


def _healthy(url: str) -> bool:
    try:
        reply = httpx.post(f"{url}/graphql", json={"query": "{ health { ok } }"}, timeout=5)
        return reply.json()["data"]["health"]["ok"] is True
    except (httpx.HTTPError, KeyError, TypeError, ValueError):
        return False


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: Playwright's sync API holds an event loop in this thread while it runs, which
    the asyncio tests of other modules must not find there."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, demo: Demo, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh context (own storage) per test; a screenshot of where it ended kept as an artefact."""
    context = browser.new_context(base_url=demo.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, errors


def login(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("button[type=submit]")


def first_login(page: Page, username: str, password: str) -> None:
    """Logs in with an initial password and sets NEW_PASSWORD, as every account must at first."""
    login(page, username, password)
    page.wait_for_url("**/password**")
    page.fill("#pw-old", password)
    page.fill("#pw-new", NEW_PASSWORD)
    page.fill("#pw-confirm", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/password" not in url)


def snap(page: Page, name: str) -> None:
    """A screenshot of what the user sees now, kept in var/screenshots/ (a few are in docs/)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"))


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

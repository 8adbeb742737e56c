"""The web client on a county network, measured in Chromium with its own network throttling (CDP
`Network.emulateNetworkConditions`): what a first load of the login page transfers, and how long
the teacher's record page takes to be usable. Shared by tests/web/test_web_load.py and
bench/web_load.py; figures only, never asserted as timings."""

from __future__ import annotations

import time
from dataclasses import dataclass

from playwright.sync_api import Browser, CDPSession, Page

# a county school's line: 1.6 Mbps both ways, 150 ms round trip
COUNTY = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 1_600_000 / 8}
LOGIN_BUDGET_KB = 350
RECORD_BUDGET_S = 2.0


@dataclass
class Load:
    transferred: int  # bytes on the wire (headers and compressed bodies), every request of the load
    requests: int
    seconds: float


class _Wire:
    """Counts what the page's requests transfer, from the DevTools protocol."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.cdp: CDPSession = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.bytes = 0
        self.requests = 0
        self.cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event: dict) -> None:
        self.bytes += int(event["encodedDataLength"])
        self.requests += 1

    def throttle(self) -> None:
        self.cdp.send("Network.clearBrowserCache")
        if self.page.url.startswith("http"):  # the service worker's copies too: an empty cache is empty
            origin = "/".join(self.page.url.split("/")[:3])
            self.cdp.send(
                "Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "cache_storage,service_workers"}
            )
        self.cdp.send("Network.emulateNetworkConditions", COUNTY)
        self.bytes = self.requests = 0


def login_page(browser: Browser, url: str) -> Load:
    """A first visit (empty cache) to the login page, until its form can be used and the network is idle."""
    context = browser.new_context(base_url=url, locale="zh-CN")
    try:
        page = context.new_page()
        wire = _Wire(page)
        wire.throttle()
        start = time.monotonic()
        page.goto("/login")
        page.locator("#login-username").wait_for(state="visible", timeout=60_000)
        seconds = time.monotonic() - start
        page.wait_for_load_state("networkidle", timeout=60_000)
        return Load(wire.bytes, wire.requests, seconds)
    finally:
        context.close()


def record_page(browser: Browser, url: str, username: str, password: str) -> tuple[Load, Load]:
    """The teacher's own record, until 基本信息 shows the record's values (the form can be used):
    (signing in from a login page just loaded with an empty cache, the clock started at 登录;
    opening the record directly, signed in, with an empty cache)."""
    context = browser.new_context(base_url=url, locale="zh-CN")
    try:
        page = context.new_page()
        wire = _Wire(page)
        wire.throttle()
        page.goto("/login")
        page.fill("#login-username", username)
        page.fill("#login-password", password)
        page.wait_for_load_state("networkidle", timeout=60_000)
        wire.bytes = wire.requests = 0
        start = time.monotonic()
        page.click("button[type=submit]")
        _usable(page)
        signed_in = Load(wire.bytes, wire.requests, time.monotonic() - start)
        wire.throttle()  # the cache emptied
        start = time.monotonic()
        page.goto("/me")
        _usable(page)
        return signed_in, Load(wire.bytes, wire.requests, time.monotonic() - start)
    finally:
        context.close()


def _usable(page: Page) -> None:
    """基本信息 shows the record: its 身份证件号, and its codes by name (性别 from its code table)."""
    page.wait_for_function(
        "document.querySelector('#basic-idNumber')?.value?.length > 0"
        " && /[男女]/.test(document.querySelector('[data-field=gender] .el-select')?.textContent ?? '')",
        timeout=60_000,
        polling=50,
    )

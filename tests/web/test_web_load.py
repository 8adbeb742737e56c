"""On a county network (Chromium throttled to 1.6 Mbps, 150 ms round trip): the login page's first
load within its 350 KB budget, the built assets sent precompressed, and the teacher's record page
timed. The figures are printed (`pytest -s`); bytes are asserted, never times."""

from __future__ import annotations

from conftest import NEW_PASSWORD, Demo, first_login
from loading import LOGIN_BUDGET_KB, login_page, record_page
from playwright.sync_api import Browser

SCHOOL = "3162010202"  # no other browser test signs in its teachers


def test_login_page_within_budget_and_record_page_timed(browser: Browser, demo: Demo) -> None:
    context = browser.new_context(base_url=demo.url)
    try:
        page = context.new_page()
        encodings: dict[str, str | None] = {}
        page.on("response", lambda r: encodings.__setitem__(r.url, r.headers.get("content-encoding")))
        teacher = demo.teachers(SCHOOL)[0]
        first_login(page, teacher, demo.accounts[teacher]["初始密码"])
        libraries = {u: e for u, e in encodings.items() if "/assets/element-plus-" in u or "/assets/vue-" in u}
        assert len(libraries) == 3 and set(libraries.values()) == {"br"}, libraries  # Chromium accepts brotli
    finally:
        context.close()

    login = login_page(browser, demo.url)
    after_login, direct = record_page(browser, demo.url, teacher, NEW_PASSWORD)
    first = f"{login.transferred / 1024:.1f} KB in {login.requests} requests, {login.seconds:.2f} s"
    print(f"\nlogin page, first load: {first}")
    print(f"record page from 登录: {after_login.transferred / 1024:.1f} KB, usable after {after_login.seconds:.2f} s")
    print(f"record page opened directly, empty cache: {direct.transferred / 1024:.1f} KB, {direct.seconds:.2f} s")
    assert login.transferred <= LOGIN_BUDGET_KB * 1024

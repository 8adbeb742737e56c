"""On a county network (Chromium throttled to 1.6 Mbps, 150 ms round trip): the login page's first
load within its 350 KB budget, the built assets sent precompressed, and the teacher's record page
timed. The figures are printed (`pytest -s`); bytes are asserted, never times."""

from __future__ import annotations

import json
import re

from conftest import NEW_PASSWORD, ROOT, Demo, first_login
from loading import LOGIN_BUDGET_KB, login_page, record_page
from playwright.sync_api import Browser, Request, expect

SCHOOL = "3162010202"  # no other browser test signs in its teachers


def test_login_page_within_budget_and_record_page_timed(browser: Browser, demo: Demo) -> None:
    context = browser.new_context(base_url=demo.url)
    try:
        page = context.new_page()
        encodings: dict[str, str | None] = {}
        page.on("response", lambda r: encodings.__setitem__(r.url, r.headers.get("content-encoding")))
        teacher = demo.teachers(SCHOOL)[0]
        first_login(page, teacher, demo.accounts[teacher]["初始密码"])
        # the entry (the libraries with the sign-in page) and the record page's chunk, scripts and styles
        bundles = {u: e for u, e in encodings.items() if "/assets/index-" in u or "/assets/record-" in u}
        assert len(bundles) == 4 and set(bundles.values()) == {"br"}, bundles  # Chromium accepts brotli
    finally:
        context.close()

    login = login_page(browser, demo.url)
    after_login, direct = record_page(browser, demo.url, teacher, NEW_PASSWORD)
    first = f"{login.transferred / 1024:.1f} KB in {login.requests} requests, {login.seconds:.2f} s"
    print(f"\nlogin page, first load: {first}")
    print(f"record page from 登录: {after_login.transferred / 1024:.1f} KB, usable after {after_login.seconds:.2f} s")
    print(f"record page opened directly, empty cache: {direct.transferred / 1024:.1f} KB, {direct.seconds:.2f} s")
    assert login.transferred <= LOGIN_BUDGET_KB * 1024


def test_the_record_page_asks_for_the_record_and_its_form_in_one_request(browser: Browser, demo: Demo) -> None:
    """Opened by a signed-in teacher, /me asks who is signed in and, at once (for the account last known on
    this device, without waiting for that answer), for the record with the definitions of its form in one
    request (MyRecord): one round trip before it can show the record, not two (or four)."""
    manifest = json.loads((ROOT / "web" / "dist" / "trusted-documents.json").read_text(encoding="utf-8"))
    context = browser.new_context(base_url=demo.url)
    try:
        page = context.new_page()
        teacher = demo.teachers(SCHOOL)[1]
        first_login(page, teacher, demo.accounts[teacher]["初始密码"])
        page.wait_for_url("**/me")
        # the first load done (its record, codes and career asked and answered): what it still asks while
        # the reload is on its way would be counted as the reload's own
        expect(page.locator("[data-field=gender] .el-select")).to_contain_text(re.compile("[男女]"))
        page.wait_for_load_state("networkidle")
        asked: list[str] = []
        events: list[str] = []  # "sent <operation>" and "answered <operation>", in order

        def name(request: Request) -> str | None:
            if not (request.url.endswith("/graphql") and request.method == "POST"):
                return None
            body = request.post_data_json
            query = body.get("query") or manifest[body["extensions"]["persistedQuery"]["sha256Hash"]]
            return str(re.findall(r"\b(?:query|mutation) (\w+)", query)[0])

        def sent(request: Request) -> None:
            if request.is_navigation_request():  # the reload: what the first load still asked is not counted
                asked.clear()
                events.clear()
            elif found := name(request):
                asked.append(found)
                events.append(f"sent {found}")

        def answered(request: Request) -> None:
            if found := name(request):
                events.append(f"answered {found}")

        page.on("request", sent)
        page.on("requestfinished", answered)
        page.reload()
        expect(page.locator("#basic-idNumber")).not_to_have_value("")
        expect(page.locator("[data-field=gender] .el-select")).to_contain_text(re.compile("[男女]"))  # codes by name
        assert sorted(asked[:2]) == ["Me", "MyRecord"], asked
        assert events.index("sent MyRecord") < events.index("answered Me"), events  # not one after the other
        assert not {"TeacherRecord", "RecordDefinitions"} & set(asked), asked
    finally:
        context.close()

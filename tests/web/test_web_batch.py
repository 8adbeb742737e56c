"""A school of 300 teachers: the clerk ticks a whole page and 报送s it, then 报送s every other complete
record of the filter in one server-side batch; the school's reviewer approves all 300 pending records
at once. Page size is a choice and the totals are always in view. The school, its accounts and its 300
complete records are made through the public GraphQL API (the records by one import, as a school brings them)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
from conftest import NEW_PASSWORD, Demo, login
from playwright.sync_api import Page, expect

from tests.support import excel
from tests.support.polling import wait_for
from tmis import idcard
from tmis.plugins import build_registry, make_plugin_manager
from tmis.run.demo import DEMO_ENTRIES, demo_basic

DISTRICT = "620102"
SCHOOL = "3162010209"
COUNT = 300


def _gql(demo: Demo, token: str | None, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = httpx.post(
        f"{demo.url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=300
    )
    body = reply.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]  # type: ignore[no-any-return]


def _sign_in(demo: Demo, username: str, password: str) -> str:
    """A token for an account, its initial password changed to NEW_PASSWORD as the first login asks
    (or already changed by an earlier test of the session)."""
    query = (
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) "
        "{ token mustChangePassword userErrors { message } } }"
    )
    login = _gql(demo, None, query, {"u": username, "p": password})["login"]
    if not login["token"]:
        login = _gql(demo, None, query, {"u": username, "p": NEW_PASSWORD})["login"]
    assert login["token"], login
    if not login["mustChangePassword"]:
        return str(login["token"])
    changed = _gql(
        demo,
        login["token"],
        "mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) "
        "{ token userErrors { message } } }",
        {"o": password, "n": NEW_PASSWORD},
    )["changePassword"]
    assert changed["token"], changed
    return str(changed["token"])


def _account(demo: Demo, token: str, username: str, role: str, org: str = SCHOOL) -> str:
    """A new account's initial password."""
    made = _gql(
        demo,
        token,
        "mutation($i: CreateAccountInput!) { createAccount(input: $i) { initialPassword userErrors { message } } }",
        {"i": {"username": username, "orgCode": org, "roles": [role]}},
    )["createAccount"]
    assert made["initialPassword"], made
    return str(made["initialPassword"])


def _seed(demo: Demo) -> None:
    district = _sign_in(demo, f"{DISTRICT}_admin", demo.accounts[f"{DISTRICT}_admin"]["初始密码"])
    org = _gql(
        demo,
        district,
        "mutation($i: CreateOrgInput!) { createOrg(input: $i) { userErrors { message } } }",
        {
            "i": {
                "code": SCHOOL,
                "name": "批量测试学校",
                "level": "SCHOOL",
                "parentCode": DISTRICT,
                "schoolType": "PRIMARY_SECONDARY",
            }
        },
    )["createOrg"]
    assert not org["userErrors"], org
    admin = _sign_in(demo, f"{SCHOOL}_admin", _account(demo, district, f"{SCHOOL}_admin", "SYSTEM_ADMIN"))
    _sign_in(demo, f"{SCHOOL}_review", _account(demo, admin, f"{SCHOOL}_review", "REVIEWER"))
    clerk = _sign_in(demo, f"{SCHOOL}_entry", _account(demo, admin, f"{SCHOOL}_entry", "DATA_ENTRY"))

    basics = []
    for serial in range(1000, 1000 + COUNT):
        basic = demo_basic(serial, DISTRICT, "PRIMARY_SECONDARY")
        number = basic["idNumber"]
        basic["gender"] = "1" if int(number[16]) % 2 else "2"
        basic["birthDate"] = dt.datetime.strptime(number[6:14], "%Y%m%d").date().isoformat()
        assert idcard.make(DISTRICT, dt.date.fromisoformat(basic["birthDate"]), serial, basic["gender"]) == number
        basics.append(basic)
    registry = build_registry(make_plugin_manager("gansu"))  # as the suite runs: only the required sets
    required = {s.key: DEMO_ENTRIES[s.key] for s in registry.sets.values() if s.required and s.key != "BASIC"}
    # one import, as a school brings its records (a write per entry would be 3,000 journaled commits)
    workbook = excel.complete(basics, required, "PRIMARY_SECONDARY", "gansu")
    operations = {"query": excel.IMPORT, "variables": {"s": SCHOOL, "f": None, "m": "APPEND", "d": False}}
    reply = httpx.post(
        f"{demo.url}/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("教师.xlsx", workbook, "application/octet-stream")},
        headers={"Authorization": f"Bearer {clerk}"},
        timeout=60,
    ).json()["data"]["importWorkbook"]
    assert reply["job"], reply

    def ended() -> dict[str, Any] | None:
        job = _gql(demo, clerk, excel.JOB, {"id": reply["job"]["id"]})["importJob"]
        return job if job["status"] in ("SUCCEEDED", "FAILED") else None

    job = wait_for(ended, "the import of the 300 records", timeout=120)
    assert (job["status"], job["inserted"], job["errors"]) == ("SUCCEEDED", COUNT, []), job


def test_a_school_of_300_submits_and_approves_everything_in_a_few_clicks(page: Page, demo: Demo) -> None:
    _seed(demo)
    login(page, f"{SCHOOL}_entry", NEW_PASSWORD)
    page.wait_for_url("**/teachers")
    total = page.locator("[data-test=total]")
    expect(total).to_have_text(f"共 {COUNT} 人，已显示 20 人")
    expect(page.locator("[data-test=teacher-row]")).to_have_count(20)

    page.locator("[data-test=page-size]").click()
    page.get_by_role("option", name="每页 50 条").click()
    expect(total).to_have_text(f"共 {COUNT} 人，已显示 50 人")
    page.locator("[data-test=select-page]").click()  # the page at once
    expect(page.locator("[data-test=selected]")).to_have_text("已选 50 人")
    page.click("[data-test=submit-selected]")
    expect(page.get_by_text("已报送 50 人")).to_be_visible(timeout=120_000)

    page.click("[data-test=submit-all]")  # 报送全部已完整的记录: the other 250, the browser holds no ids
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text(f"已报送 {COUNT - 50} 人")).to_be_visible(timeout=120_000)
    expect(page.locator("[data-test=submit-errors]")).to_have_count(0)
    page.locator("[data-test=status]").click()
    page.get_by_role("option", name="待审核").click()
    expect(total).to_contain_text(f"共 {COUNT} 人")

    page.evaluate("localStorage.clear()")  # the clerk's token gone: log in as the school's reviewer
    login(page, f"{SCHOOL}_review", NEW_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/review")
    queue_total = page.locator("[data-test=queue-total]")
    expect(queue_total).to_have_text(f"共 {COUNT} 人，已显示 20 人")
    page.locator("[data-test=page-size]").click()
    page.get_by_role("option", name="每页 100 条").click()
    expect(page.locator("[data-test=queue-row]")).to_have_count(100)
    page.locator("[data-test=select-page]").click()
    expect(page.locator("[data-test=selected]")).to_have_text("已选 100 人")
    page.click("[data-test=approve-all]")  # 通过全部待审核记录
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text(f"已通过 {COUNT} 人")).to_be_visible(timeout=120_000)
    expect(queue_total).to_have_text("共 0 人，已显示 0 人")
    expect(page.locator("[data-test=selected]")).to_have_text("已选 0 人")

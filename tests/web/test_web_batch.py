"""A school of 300 teachers: the clerk ticks a whole page and 报送s it, then 报送s every other complete
record of the filter in one server-side batch; the school's reviewer approves all 300 pending records
at once. Page size is a choice and the totals are always in view. The school, its accounts and its 300
complete records are made through the public GraphQL API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from conftest import NEW_PASSWORD, Demo, login
from playwright.sync_api import Page, expect

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

    teachers: list[tuple[str, int]] = []
    for start in range(0, COUNT, 50):
        parts, variables, decl = [], {}, []
        for serial in range(1000 + start, 1000 + start + 50):
            basic = demo_basic(serial, DISTRICT, "PRIMARY_SECONDARY")
            number = basic["idNumber"]
            basic["gender"] = "1" if int(number[16]) % 2 else "2"
            basic["birthDate"] = dt.datetime.strptime(number[6:14], "%Y%m%d").date().isoformat()
            assert idcard.make(DISTRICT, dt.date.fromisoformat(basic["birthDate"]), serial, basic["gender"]) == number
            decl.append(f"$b{serial}: BasicInfoInput!")
            parts.append(
                f't{serial}: createTeacher(schoolCode: "{SCHOOL}", basic: $b{serial}) '
                "{ teacher { id version } userErrors { message } }"
            )
            variables[f"b{serial}"] = basic
        made = _gql(demo, clerk, f"mutation({', '.join(decl)}) {{ {' '.join(parts)} }}", variables)
        for reply in made.values():
            assert reply["teacher"], reply
            teachers.append((reply["teacher"]["id"], reply["teacher"]["version"]))

    registry = build_registry(make_plugin_manager("gansu"))  # as the suite runs: only the required sets
    required = [s.key for s in registry.sets.values() if s.required and s.key != "BASIC"]
    for set_key, data in ((k, DEMO_ENTRIES[k]) for k in required):
        for start in range(0, COUNT, 50):  # a document holds at most 10,000 tokens
            chunk = range(start, min(start + 50, COUNT))
            parts = [
                f'e{n}: addEntry(teacherId: "{teachers[n][0]}", expectedVersion: {teachers[n][1]}, '
                f"entry: {{other: {{set: {set_key}, data: $d}}}}) {{ teacher {{ version }} userErrors {{ message }} }}"
                for n in chunk
            ]
            added = _gql(demo, clerk, f"mutation($d: EntryData!) {{ {' '.join(parts)} }}", {"d": data})
            for n in chunk:
                reply = added[f"e{n}"]
                assert reply["teacher"], (set_key, reply)
                teachers[n] = (teachers[n][0], reply["teacher"]["version"])


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

"""信息变更 in the browser: a teacher requests a change of the own approved record, edits it and
follows it (what changed since approval); the school's reviewer sees the kind and the diff in the
queue and approves it; the clerk starts a change and withdraws it. The school, its accounts and the
approved record are made through the public GraphQL API (a school of its own: the demo's counts stay)."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlsplit

import httpx
from conftest import ADMIN_PASSWORD, NEW_PASSWORD, Demo, first_login, login, snap
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from test_web_batch import _account, _gql, _sign_in

from tmis.plugins import build_registry, make_plugin_manager
from tmis.run.demo import DEMO_ENTRIES, demo_basic

DISTRICT = "620102"
SCHOOL = "3162010208"
CHAIN = ("620102_review", "620100_review")  # above the school's own reviewer (the province's: made here)


def _demo_token(demo: Demo, username: str) -> str:
    """A demo account's token, whether or not another test of the session changed its initial password."""
    return _sign_in(demo, username, demo.accounts[username]["初始密码"])


def _school(demo: Demo, school: str) -> tuple[str, str, str]:
    """A school of its own under the demo district, with an admin, a reviewer and a clerk (their tokens)."""
    district = _demo_token(demo, f"{DISTRICT}_admin")
    org = {
        "code": school,
        "name": "变更测试学校",
        "level": "SCHOOL",
        "parentCode": DISTRICT,
        "schoolType": "PRIMARY_SECONDARY",
    }
    made = _gql(
        demo, district, "mutation($i: CreateOrgInput!) { createOrg(input: $i) { userErrors { message } } }", {"i": org}
    )
    assert not made["createOrg"]["userErrors"], made
    admin = _sign_in(demo, f"{school}_admin", _account(demo, district, f"{school}_admin", "SYSTEM_ADMIN", school))
    reviewer = _sign_in(demo, f"{school}_review", _account(demo, admin, f"{school}_review", "REVIEWER", school))
    clerk = _sign_in(demo, f"{school}_entry", _account(demo, admin, f"{school}_entry", "DATA_ENTRY", school))
    return admin, reviewer, clerk


def _teacher(demo: Demo, clerk: str, school: str, serial: int, sets: list[str]) -> tuple[str, str]:
    """A record with 基本信息 and an entry of each of `sets`: (teacher id, 身份证件号)."""
    basic = demo_basic(serial, DISTRICT, "PRIMARY_SECONDARY")
    number = basic["idNumber"]
    basic["gender"] = "1" if int(number[16]) % 2 else "2"
    basic["birthDate"] = dt.datetime.strptime(number[6:14], "%Y%m%d").date().isoformat()
    created = _gql(
        demo,
        clerk,
        "mutation($s: String!, $b: BasicInfoInput!) { createTeacher(schoolCode: $s, basic: $b) "
        "{ teacher { id version } userErrors { message } } }",
        {"s": school, "b": basic},
    )["createTeacher"]
    teacher, version = created["teacher"]["id"], created["teacher"]["version"]
    for set_key in sets:
        added = _gql(
            demo,
            clerk,
            "mutation($t: ID!, $v: Int!, $d: EntryData!) { addEntry(teacherId: $t, expectedVersion: $v, "
            f"entry: {{other: {{set: {set_key}, data: $d}}}}) {{ teacher {{ version }} userErrors {{ message }} }} }}",
            {"t": teacher, "v": version, "d": DEMO_ENTRIES[set_key]},
        )["addEntry"]
        assert added["teacher"], (set_key, added)
        version = added["teacher"]["version"]
    return teacher, number


def _initial_password(demo: Demo, admin: str, school: str, number: str) -> str:
    """The school's teacher accounts generated; the initial password of the teacher with `number`."""
    url = _gql(
        demo, admin, "mutation($s: String!) { generateTeacherAccounts(schoolCode: $s) { exportUrl } }", {"s": school}
    )["generateTeacherAccounts"]["exportUrl"]
    parts = urlsplit(url)
    reply = httpx.get(f"{demo.url}{parts.path}?{parts.query}", timeout=30)
    rows = list(load_workbook(io.BytesIO(reply.content)).active.iter_rows(values_only=True))
    header = [str(c) for c in rows[0]]
    return str(next(r for r in rows[1:] if number in r)[header.index("初始密码")])


REQUIRED_SETS = [
    s.key for s in build_registry(make_plugin_manager("gansu")).sets.values() if s.required and s.key != "BASIC"
]


def _seed(demo: Demo) -> tuple[str, str, str, str]:
    """An APPROVED complete record and its teacher's account: (teacher id, username, initial
    password, the clerk's token)."""
    admin, reviewer, clerk = _school(demo, SCHOOL)
    teacher, number = _teacher(demo, clerk, SCHOOL, 2000, REQUIRED_SETS)
    ids = {"ids": [teacher]}
    submitted = _gql(demo, clerk, "mutation($ids: [ID!]!) { submitRecords(teacherIds: $ids) { succeeded } }", ids)
    assert submitted["submitRecords"]["succeeded"] == [teacher]
    root = _sign_in(demo, "admin", ADMIN_PASSWORD)
    head = _sign_in(demo, "change_620000_admin", _account(demo, root, "change_620000_admin", "SYSTEM_ADMIN", "620000"))
    province = _sign_in(
        demo, "change_620000_review", _account(demo, head, "change_620000_review", "REVIEWER", "620000")
    )
    for token in [reviewer, *(_demo_token(demo, u) for u in CHAIN), province]:
        done = _gql(demo, token, "mutation($ids: [ID!]!) { approveRecords(teacherIds: $ids) { succeeded } }", ids)
        assert done["approveRecords"]["succeeded"] == [teacher]
    return teacher, number, _initial_password(demo, admin, SCHOOL, number), clerk


def test_a_teacher_whose_own_part_is_done_is_told_so(page: Page, demo: Demo) -> None:
    """The checklist parts: the teacher's own sets complete, the school's (基本待遇, 年度考核) not yet."""
    school = "3162010207"  # a school of its own (test_web_batch makes 3162010209)
    admin, _, clerk = _school(demo, school)
    _, number = _teacher(demo, clerk, school, 2001, [s for s in REQUIRED_SETS if s not in ("SALARY", "ASSESSMENT")])
    first_login(page, number, _initial_password(demo, admin, school, number))
    page.goto("/me")
    expect(page.get_by_text("您需要填写的信息已全部完成，其余由学校填写")).to_be_visible()
    expect(page.get_by_text("由学校信息录入员填写（基本待遇、年度考核）")).to_be_visible()
    snap(page, "teacher-part-done")


def test_a_teacher_requests_a_change_and_the_school_reviews_it(page: Page, demo: Demo) -> None:
    teacher, username, password, clerk = _seed(demo)
    first_login(page, username, password)
    page.wait_for_url("**/me")
    status = page.locator("[data-test=review-status]")
    expect(status).to_have_text("审核通过")
    expect(page.locator("[data-test=save-basic]")).to_have_count(0)  # approved: read-only
    page.click("[data-test=start-change]")
    box = page.locator(".el-message-box")
    box.get_by_role("button", name="确定").click()  # no reason: refused before anything is sent
    expect(box.locator(".el-message-box__errormsg")).to_have_text("请填写变更原因")
    box.locator("input").fill("曾用名漏填")
    box.get_by_role("button", name="确定").click()
    expect(status).to_have_text("变更中")
    expect(page.locator("[data-test=review-kind]")).to_have_text("信息变更")
    expect(page.locator("[data-test=my-changes]")).to_contain_text("尚未修改任何信息")
    page.fill("#basic-formerName", "王小红")
    page.click("[data-test=save-basic]")
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(page.locator("[data-test=my-changes]")).to_contain_text("基本信息 · 曾用名：无 → 王小红")
    expect(page.locator("[data-test=review-history]")).to_contain_text("曾用名漏填")
    snap(page, "teacher-change")

    page.evaluate("localStorage.clear()")
    login(page, f"{SCHOOL}_entry", NEW_PASSWORD)
    page.wait_for_url("**/teachers")
    page.goto(f"/teachers/{teacher}")
    expect(status).to_have_text("变更中")
    expect(page.locator("[data-test=withdraw-change]")).to_be_visible()
    ids = {"ids": [teacher]}  # 报送 as the list page does it (tested there)
    submitted = _gql(demo, clerk, "mutation($ids: [ID!]!) { submitRecords(teacherIds: $ids) { succeeded } }", ids)
    assert submitted["submitRecords"]["succeeded"] == [teacher]
    page.reload()
    expect(status).to_have_text("待审核")
    expect(page.locator("[data-test=withdraw-change]")).to_have_count(0)  # submitted: the reviewer decides

    page.evaluate("localStorage.clear()")
    login(page, f"{SCHOOL}_review", NEW_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/review")
    row = page.locator("[data-test=queue-row]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-test=queue-kind]")).to_have_text("信息变更")
    expect(row.locator("[data-test=queue-changed]")).to_have_text("改动 1 项")
    snap(page, "reviewer-change-queue")
    row.locator("a").click()
    page.wait_for_url("**/review/*")
    expect(page.locator("[data-test=changes]")).to_contain_text("王小红")
    page.click("[data-test=approve]")
    page.wait_for_url("**/review")
    expect(page.get_by_text("已通过 1 人")).to_be_visible()

    page.evaluate("localStorage.clear()")
    login(page, f"{SCHOOL}_entry", NEW_PASSWORD)
    page.wait_for_url("**/teachers")
    page.goto(f"/teachers/{teacher}")
    expect(status).to_have_text("审核通过")
    # an approved record reads as a description list; the change opens the form
    expect(page.locator("[data-test=described] [data-field=formerName] dd")).to_have_text("王小红")
    page.click("[data-test=start-change]")
    box.locator("input").fill("核对信息")
    box.get_by_role("button", name="确定").click()
    expect(status).to_have_text("变更中")
    page.fill("#basic-formerName", "另一个名字")
    page.click("[data-test=save-basic]")
    expect(page.get_by_text("已保存")).to_be_visible()
    page.click("[data-test=withdraw-change]")
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(status).to_have_text("审核通过")
    restored = page.locator("[data-test=described] [data-field=formerName] dd")
    expect(restored).to_have_text("王小红")  # the approved version, restored

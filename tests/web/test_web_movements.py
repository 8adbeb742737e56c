"""调动 in the browser: a school's clerk transfers an approved teacher out (the school named by its
code), the receiving school's clerk accepts it, the district's reviewer approves it from the movement
queue, and the receiving school then lists the teacher; the district's 信息查询员 sees the period's
flows as a chart with the numbers. Two schools of their own, their accounts and one approved record
are made through the public GraphQL API first (the demo's records belong to other tests)."""

from __future__ import annotations

import datetime as dt

from conftest import ADMIN_PASSWORD, NEW_PASSWORD, Demo, login, snap
from playwright.sync_api import Page, expect
from test_web_batch import _account, _gql, _sign_in

from tmis.plugins import build_registry, make_plugin_manager
from tmis.run.demo import DEMO_ENTRIES, demo_basic

DISTRICT = "620103"
FROM, TO = "3162010307", "3162010308"


def _seed(demo: Demo) -> tuple[str, str]:
    """The two schools and their clerks, reviewers up the chain, and one approved record of FROM:
    (its id, its name)."""
    district = _sign_in(demo, f"{DISTRICT}_admin", demo.accounts[f"{DISTRICT}_admin"]["初始密码"])
    for code, name in ((FROM, "调出测试学校"), (TO, "调入测试学校")):
        org = _gql(
            demo,
            district,
            "mutation($i: CreateOrgInput!) { createOrg(input: $i) { userErrors { message } } }",
            {
                "i": {
                    "code": code,
                    "name": name,
                    "level": "SCHOOL",
                    "parentCode": DISTRICT,
                    "schoolType": "PRIMARY_SECONDARY",
                }
            },
        )["createOrg"]
        assert not org["userErrors"], org
        admin = _sign_in(demo, f"{code}_admin", _account(demo, district, f"{code}_admin", "SYSTEM_ADMIN", code))
        _sign_in(demo, f"{code}_entry", _account(demo, admin, f"{code}_entry", "DATA_ENTRY", code))
        if code == FROM:
            school_reviewer = _sign_in(
                demo, f"{code}_review", _account(demo, admin, f"{code}_review", "REVIEWER", code)
            )
    nation = _sign_in(demo, "admin", ADMIN_PASSWORD)
    province_admin = _sign_in(demo, "620000_admin", _account(demo, nation, "620000_admin", "SYSTEM_ADMIN", "620000"))
    province = _sign_in(demo, "620000_review", _account(demo, province_admin, "620000_review", "REVIEWER", "620000"))
    city = _sign_in(demo, "620100_review", demo.accounts["620100_review"]["初始密码"])
    district_reviewer = _sign_in(demo, f"{DISTRICT}_review", demo.accounts[f"{DISTRICT}_review"]["初始密码"])
    _sign_in(demo, f"{DISTRICT}_query", demo.accounts[f"{DISTRICT}_query"]["初始密码"])

    clerk = _sign_in(demo, f"{FROM}_entry", NEW_PASSWORD)
    basic = demo_basic(2000, DISTRICT, "PRIMARY_SECONDARY")
    number = basic["idNumber"]
    basic["gender"] = "1" if int(number[16]) % 2 else "2"
    basic["birthDate"] = dt.datetime.strptime(number[6:14], "%Y%m%d").date().isoformat()
    made = _gql(
        demo,
        clerk,
        "mutation($s: String!, $b: BasicInfoInput!) { createTeacher(schoolCode: $s, basic: $b) "
        "{ teacher { id version } userErrors { message } } }",
        {"s": FROM, "b": basic},
    )["createTeacher"]
    assert made["teacher"], made
    teacher, version = made["teacher"]["id"], made["teacher"]["version"]
    registry = build_registry(make_plugin_manager("gansu"))
    for set_key in [s.key for s in registry.sets.values() if s.required and s.key != "BASIC"]:
        added = _gql(
            demo,
            clerk,
            "mutation($t: ID!, $v: Int!, $s: InfoSet!, $d: EntryData!) { addEntry(teacherId: $t, expectedVersion: $v, "
            "entry: {other: {set: $s, data: $d}}) { teacher { version } userErrors { message } } }",
            {"t": teacher, "v": version, "s": set_key, "d": DEMO_ENTRIES[set_key]},
        )["addEntry"]
        assert added["teacher"], (set_key, added)
        version = added["teacher"]["version"]
    submitted = _gql(
        demo,
        clerk,
        "mutation($i: [ID!]!) { submitRecords(teacherIds: $i) { succeeded userErrors { message } } }",
        {"i": [teacher]},
    )["submitRecords"]
    assert submitted["succeeded"] == [teacher], submitted
    for token in (school_reviewer, district_reviewer, city, province):
        approved = _gql(
            demo,
            token,
            "mutation($i: [ID!]!) { approveRecords(teacherIds: $i) { succeeded userErrors { message } } }",
            {"i": [teacher]},
        )["approveRecords"]
        assert approved["succeeded"] == [teacher], approved
    return teacher, str(basic["name"])


def _as(page: Page, username: str) -> None:
    page.evaluate("localStorage.clear()")
    login(page, username, NEW_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_transfer_out_accepted_approved_and_counted(page: Page, demo: Demo) -> None:
    teacher, name = _seed(demo)

    page.goto("/login")
    _as(page, f"{FROM}_entry")
    page.goto("/movements")
    page.locator("[data-test=teacher] input").fill(name[:1])
    page.get_by_role("option", name=name, exact=False).first.click()
    page.fill("[data-test=to-school]", FROM)  # into its own school: refused, the field says why
    page.click("[data-test=start]")
    expect(page.locator(".el-form-item__error")).to_contain_text("不能调动到本校")
    page.fill("[data-test=to-school]", TO)
    page.fill("[data-test=comment]", "交流轮岗")
    page.click("[data-test=start]")
    expect(page.get_by_text("已提交")).to_be_visible()
    ours = page.locator("[data-test=ours]")
    expect(ours).to_contain_text(name)
    expect(ours.locator("[data-test=status]").first).to_have_text("待调入学校接收")
    snap(page, "movements-transfer-out")

    _as(page, f"{TO}_entry")
    page.goto("/movements")
    incoming = page.locator("[data-test=incoming]")
    expect(incoming).to_have_count(1)
    expect(incoming).to_contain_text(name)
    expect(incoming).to_contain_text("调出测试学校")
    incoming.locator("[data-test=accept]").click()
    expect(incoming).to_have_count(0)
    expect(page.locator("[data-test=ours] [data-test=status]").first).to_have_text("待审核")

    _as(page, f"{DISTRICT}_review")
    page.goto("/review/movements")
    rows = page.locator("[data-test=movement-row]")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(name)
    expect(rows).to_contain_text("调入测试学校")
    snap(page, "movements-review")
    rows.locator("[data-test=approve]").click()
    expect(rows).to_have_count(0)

    _as(page, f"{TO}_entry")
    page.goto("/teachers")
    expect(page.locator("[data-test=list-item]", has_text=name)).to_have_count(1)  # the record is theirs now
    page.locator("[data-test=list-item]", has_text=name).locator("[data-test=teacher-row]").click()
    page.get_by_text("调动与减员记录").click()  # the teacher's career, brought along
    expect(page.locator("[data-test=career]")).to_contain_text("调动")
    expect(page.locator("[data-test=career]")).to_contain_text("调入测试学校")

    _as(page, f"{DISTRICT}_query")
    page.goto("/flows")
    expect(page.locator("[data-test=chart] canvas")).to_be_visible()
    expect(page.locator("[data-test=flows-table]")).to_contain_text("新增")
    snap(page, "flows")

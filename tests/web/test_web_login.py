"""Everyone: login, the forced password change with its live rules, the lockout message."""

from __future__ import annotations

from axe import accessible
from conftest import NEW_PASSWORD, Demo, login, snap
from playwright.sync_api import Page, expect

SCHOOL = "3162010201"


def test_first_login_forces_a_password_change_with_the_rules_shown_as_typed(page: Page, demo: Demo) -> None:
    teacher = demo.teachers(SCHOOL)[1]
    initial = demo.accounts[teacher]["初始密码"]
    page.goto("/login")
    expect(page.locator("#login-username")).to_be_visible()  # rendered: the route's page comes after `load`
    accessible(page, "login")
    login(page, teacher, initial)
    page.wait_for_url("**/password**")
    expect(page.get_by_text("首次登录须修改初始密码")).to_be_visible()
    rules = page.locator("[data-test=password-rules] li")
    save = page.locator("button[type=submit]")

    page.fill("#pw-new", "abc")
    expect(rules).to_have_count(4)
    expect(rules.filter(has_text="8 至 16")).to_have_attribute("data-ok", "false")
    expect(rules.filter(has_text="至少 3 类")).to_have_attribute("data-ok", "false")
    expect(save).to_be_disabled()
    page.fill("#pw-new", f"X{teacher}#")  # contains the username
    expect(rules.filter(has_text="不包含用户名")).to_have_attribute("data-ok", "false")

    page.fill("#pw-old", initial)
    page.fill("#pw-new", "Short1#")
    snap(page, "password-rules")
    page.fill("#pw-new", NEW_PASSWORD)
    for rule in rules.all():
        expect(rule).to_have_attribute("data-ok", "true")
    page.fill("#pw-confirm", NEW_PASSWORD + "x")
    save.click()
    expect(page.get_by_text("两次输入的新密码不一致")).to_be_visible()
    page.fill("#pw-confirm", NEW_PASSWORD)
    save.click()
    page.wait_for_url("**/me")  # a teacher starts on its own record
    expect(page.locator("[data-test=basic-form]")).to_be_visible()

    page.locator("[data-test=logout]").click()  # the new password is the one that works now
    login(page, teacher, NEW_PASSWORD)
    page.wait_for_url("**/me")


def test_repeated_failures_lock_the_username_and_say_until_when(page: Page, demo: Demo) -> None:
    page.goto("/login")
    for _ in range(5):
        page.fill("#login-username", "nobody-web")
        page.fill("#login-password", "Wrong#2026")
        page.click("button[type=submit]")
        expect(page.locator("[data-test=login-error]")).to_be_visible()
    page.click("button[type=submit]")
    expect(page.locator("[data-test=login-error]")).to_contain_text("锁定至")
    expect(page.locator("[data-test=login-error]")).to_contain_text(r"北京时间")


def test_a_client_route_opened_directly_returns_there_after_login(page: Page, demo: Demo) -> None:
    clerk = "620102_entry"  # a district's clerk: the district's teachers
    initial = demo.accounts[clerk]["初始密码"]
    page.goto("/teachers")
    page.wait_for_url("**/login?redirect=/teachers")
    page.fill("#login-username", clerk)
    page.fill("#login-password", initial)
    page.click("button[type=submit]")
    page.wait_for_url("**/password?redirect=/teachers")
    page.fill("#pw-old", initial)
    page.fill("#pw-new", NEW_PASSWORD)
    page.fill("#pw-confirm", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/teachers")
    expect(page.locator("[data-test=teacher-row]").first).to_be_visible()


def test_a_session_the_gateway_no_longer_accepts_returns_to_login_with_a_message(page: Page, demo: Demo) -> None:
    page.goto("/login")
    page.evaluate("localStorage.setItem('tmis.token', 'v1.expired.token')")
    page.goto("/teachers")
    page.wait_for_url("**/login?redirect=/teachers")
    expect(page.get_by_text("登录已过期，请重新登录")).to_be_visible()


def test_a_teacher_retrieves_the_initial_password(page: Page, demo: Demo) -> None:
    teacher = demo.teachers(SCHOOL)[2]
    name = demo.accounts[teacher]["角色"].split("(")[1].rstrip(")")
    page.goto("/login")
    page.get_by_role("link", name="教师获取初始密码").click()
    expect(page.get_by_label("学校所在地区")).to_be_editable()  # the region selector has its label
    accessible(page, "获取初始密码")
    page.click("button[type=submit]")  # empty: each missing field says so, beside it
    for field, message in (
        ("姓名", "请填写姓名"),
        ("身份证件号", "请填写身份证件号"),
        ("学校所在地区", "请选择学校所在地区"),
    ):
        item = page.locator(".el-form-item", has=page.get_by_text(field, exact=True))
        expect(item.locator(".el-form-item__error")).to_have_text(message)
    page.fill("#rt-name", name)
    page.fill("#rt-id", teacher)
    region = page.get_by_label("学校所在地区")
    region.fill("城关")  # the region by its name, then the school by a part of its name
    page.locator(".el-cascader__suggestion-item", has_text="城关区").first.click()
    expect(page.locator(".el-cascader__dropdown")).to_be_hidden()  # closed after the pick
    page.click("button[type=submit]")
    expect(
        page.locator(".el-form-item", has=page.get_by_text("学校", exact=True)).locator(".el-form-item__error")
    ).to_have_text("请选择学校")
    school = page.locator("[data-test=school] input")
    school.fill("示范")
    page.get_by_role("option", name="兰州市城关区示范幼儿园").click()  # not the teacher's school
    page.click("button[type=submit]")
    expect(page.locator(".el-alert, .el-form-item__error").first).to_contain_text("信息不匹配")
    school.fill("示范小")
    page.get_by_role("option", name="兰州市城关区示范小学").click()
    page.click("button[type=submit]")
    expect(page.locator("[data-test=initial-password]")).to_have_text(demo.accounts[teacher]["初始密码"])
    expect(page.locator("[data-test=copy-password]")).to_be_visible()

"""信息录入员 and 系统管理员: the school's list with search and filter, a record with the
school-entered sets; an account created and its initial password shown once (and working)."""

from __future__ import annotations

from axe import accessible
from conftest import Demo, first_login, snap
from playwright.sync_api import Browser, Page, expect

SCHOOL = "3162010201"


def test_clerk_lists_searches_and_opens_a_record(page: Page, demo: Demo) -> None:
    clerk = f"{SCHOOL}_entry"
    teachers = demo.teachers(SCHOOL)
    first_login(page, clerk, demo.accounts[clerk]["初始密码"])
    page.wait_for_url("**/teachers")
    rows = page.locator("[data-test=teacher-row]")
    expect(page.locator("[data-test=total]")).to_contain_text(f"共 {len(teachers)} 人")
    expect(rows).to_have_count(len(teachers))
    snap(page, "clerk-teachers")
    accessible(page, "clerk list")

    names = [demo.accounts[u]["角色"].split("(")[1].rstrip(")") for u in teachers]
    page.fill("[data-test=search]", names[0][0])  # a name prefix
    page.keyboard.press("Enter")
    expect(page.locator("[data-test=total]")).to_contain_text(f"共 {sum(n.startswith(names[0][0]) for n in names)} 人")
    for row in rows.all():
        assert row.locator("strong").inner_text().startswith(names[0][0])

    page.fill("[data-test=search]", teachers[0][:14])  # an ID prefix
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(teachers[0])

    page.fill("[data-test=search]", "")
    page.locator("[data-test=status]").click()
    page.get_by_role("option", name="审核通过").click()
    expect(page.locator("[data-test=total]")).to_contain_text("共 0 人")

    page.locator("[data-test=status]").click()
    page.get_by_role("option", name="未报送").click()
    expect(rows).to_have_count(len(teachers))
    rows.first.click()
    page.wait_for_url("**/teachers/*")
    expect(page.locator("[data-test=basic-form]")).to_be_visible()
    expect(page.locator("[data-test=add-salary]")).to_be_visible()  # the school enters 基本待遇
    expect(page.locator("[data-test=add-assessment]")).to_be_visible()

    page.goto("/teachers/new")  # a new record: required fields are asked for before anything is sent
    page.fill("#new-name", "测试")
    page.click("button[type=submit]")
    expect(page.locator("[data-field=gender] .el-form-item__error")).to_have_text("请填写性别")
    expect(page.locator("[data-field=name] .el-form-item__error")).to_have_count(0)

    # the form fills itself: the registry's defaults, then 出生日期 and 性别 from a valid 身份证件号
    before = _work_left(page, every=True)  # as the form was: every required field by hand
    expect(page.locator("[data-field=idType] .el-select")).to_contain_text("居民身份证")
    expect(page.locator("[data-field=nationality] .el-select")).to_contain_text("中国")
    page.fill("#new-idNumber", "11010519491231002X")
    expect(page.locator("#new-birthDate")).to_have_value("1949-12-31")
    expect(page.locator("[data-field=gender] .el-select")).to_contain_text("女")
    after = _work_left(page, every=False)
    print(
        f"\nnew teacher, required fields by hand: before {before[0]} ({before[1]} clicks, {before[2]} keystrokes),"
        f" after {after[0]} ({after[1]} clicks, {after[2]} keystrokes)"
    )
    assert after[0] < before[0]
    page.locator("[data-field=gender] .el-select").click()  # checked as the server checks it
    page.get_by_role("option", name="男", exact=True).click()
    page.click("button[type=submit]")
    expect(page.locator("[data-field=gender] .el-form-item__error")).to_have_text(
        "性别与身份证件号不一致（第17位奇数为男，偶数为女）"
    )


def test_admin_creates_an_account_and_sees_its_initial_password_once(page: Page, demo: Demo, browser: Browser) -> None:
    admin = f"{SCHOOL}_admin"
    first_login(page, admin, demo.accounts[admin]["初始密码"])
    page.goto("/admin/accounts")
    page.click("[data-test=create-account]")
    page.fill("#acc-username", "web_clerk_2")
    page.fill("#acc-name", "李老师")
    page.locator("[data-test=acc-roles]").get_by_text("信息录入员").click()
    page.click("[data-test=save-account]")
    secret = page.locator("[data-test=initial-password]")
    expect(secret).to_be_visible()
    snap(page, "admin-initial-password")
    password = secret.inner_text().strip()
    assert len(password) >= 8
    assert not set(password) & set("{}^=/0Oo1lI")  # nothing easily confused or hard to type
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("[data-test=copy-password]")
    expect(page.get_by_text("已复制到剪贴板")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == password
    expect(page.locator("[data-test=accounts]")).to_contain_text("web_clerk_2")
    page.get_by_role("button", name="确定").click()
    expect(secret).to_be_hidden()

    # resetting a password asks first; cancelled, nothing changes
    row = page.locator("[data-test=accounts] .el-table__row", has_text="web_clerk_2")
    row.get_by_role("button", name="重置密码").click()
    confirm = page.locator(".el-message-box")
    expect(confirm).to_contain_text("确定重置账号 web_clerk_2 的密码吗")
    confirm.get_by_role("button", name="取消").click()
    expect(confirm).to_be_hidden()
    expect(secret).to_be_hidden()

    other = browser.new_context(base_url=demo.url)
    try:  # the password shown is the account's: its first login asks for a new one
        fresh = other.new_page()
        first_login(fresh, "web_clerk_2", password)
        fresh.wait_for_url("**/teachers")
    finally:
        other.close()


# what a required field costs by hand: a select 2 clicks, a yes/no 1 click, a date 10 keys, a month 7,
# 身份证件号 18, any other text 3 (a name)
_COST = """(every) => [...document.querySelectorAll('[data-test=new-form] .el-form-item.is-required')].map((item) => {
  const key = item.dataset.field
  if (item.querySelector('.el-select')) {
    const filled = !!item.querySelector('.el-select__placeholder:not(.is-transparent), .el-tag')
    return [every || !filled, 2, 0]
  }
  if (item.querySelector('.el-radio-group')) return [every || !item.querySelector('.el-radio.is-checked'), 1, 0]
  const input = item.querySelector('input')
  const keys = item.querySelector('input[type=date], input[type=month]')
    ? (input.type === 'month' ? 7 : 10)
    : key === 'idNumber' ? 18 : 3
  return [every || !input.value || key === 'name' || key === 'idNumber', 0, keys]
}).filter(([todo]) => todo)"""


def _work_left(page: Page, every: bool) -> tuple[int, int, int]:
    """(required fields to fill by hand, clicks, keystrokes): all of them as the form was before it
    filled itself (every), or those still empty now (name and 身份证件号 always typed)."""
    left = page.evaluate(_COST, every)
    return len(left), sum(c for _, c, _ in left), sum(k for _, _, k in left)

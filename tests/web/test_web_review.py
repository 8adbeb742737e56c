"""报送 and 审核: the clerk submits ticked records (an incomplete one comes back naming what it
lacks), the school's reviewer approves one from its record view and rejects another with a reason."""

from __future__ import annotations

from axe import accessible
from conftest import Demo, first_login, snap
from playwright.sync_api import Page, expect

SCHOOL = "3162010301"  # tmis.run.demo.REVIEW_SCHOOL: 3 complete records, 2 of them submitted


def test_clerk_submits_and_the_reviewer_approves_and_rejects(page: Page, demo: Demo) -> None:
    clerk = f"{SCHOOL}_entry"
    first_login(page, clerk, demo.accounts[clerk]["初始密码"])
    page.wait_for_url("**/teachers")
    page.locator("[data-test=status]").click()
    page.get_by_role("option", name="未报送").click()
    items = page.locator("[data-test=list-item]")
    expect(items).to_have_count(4)
    complete = items.filter(has=page.locator("[data-test=teacher-row][data-complete=true]"))
    incomplete = items.filter(has=page.locator("[data-test=teacher-row][data-complete=false]")).first
    expect(complete).to_have_count(1)
    missing_name = incomplete.locator("strong").inner_text()
    complete.locator("[data-test=pick]").click()
    incomplete.locator("[data-test=pick]").click()
    page.click("[data-test=submit-selected]")
    errors = page.locator("[data-test=submit-errors]")
    expect(errors).to_contain_text(missing_name)  # the record that could not go, by name, with what it lacks
    expect(errors).to_contain_text("信息不完整，不能报送；缺少：学习经历")
    expect(page.get_by_text("已报送 1 人")).to_be_visible()
    expect(items).to_have_count(3)  # the submitted one left the 未报送 filter
    snap(page, "clerk-submit-errors")

    page.evaluate("localStorage.clear()")
    reviewer = f"{SCHOOL}_review"
    first_login(page, reviewer, demo.accounts[reviewer]["初始密码"])
    page.goto("/review")
    rows = page.locator("[data-test=queue-row]")
    expect(rows).to_have_count(3)
    snap(page, "reviewer-queue")
    accessible(page, "reviewer queue")
    first = rows.first.locator("strong").inner_text()
    rows.first.locator("a").click()
    page.wait_for_url("**/review/*")
    expect(page.locator("[data-test=changes]")).to_be_visible()
    expect(page.locator("[data-test=basic-form]")).to_be_visible()
    described = page.locator("[data-test=described]")  # read only: label and value, not disabled inputs
    expect(described.locator("[data-field=name] dt")).to_have_text("姓名")
    expect(described.locator("[data-field=birthPlace] dd")).to_have_text("未填写")  # empty, visibly
    expect(page.locator("[data-test=basic-form] input")).to_have_count(0)
    expect(page.locator("[data-test=review-status]")).to_have_text("待审核")
    page.click("[data-test=approve]")
    page.wait_for_url("**/review")
    expect(page.get_by_text("已通过 1 人")).to_be_visible()
    expect(rows).to_have_count(2)
    expect(page.locator("[data-test=queue-row]", has_text=first)).to_have_count(0)

    rows.first.locator("[data-test=pick]").click()
    page.click("[data-test=reject-selected]")
    box = page.locator(".reject-box")
    box.get_by_role("button", name="驳回").click()  # no reason: refused before anything is sent
    expect(box.locator(".el-message-box__errormsg")).to_have_text("请填写驳回原因")
    box.locator("textarea").fill("学习经历的毕业院校有误")
    box.get_by_role("button", name="驳回").click()
    expect(page.get_by_text("已驳回 1 人")).to_be_visible()
    expect(rows).to_have_count(1)

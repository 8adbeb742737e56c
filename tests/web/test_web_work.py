"""The long work, in the browser: the clerk's template download and import dry run with its row
errors and error workbook; a zip of photos with each file's outcome; the query user's progress
drill-down and a chart; the teacher's photo upload showing the normalised photo and its compliance report on a phone."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from axe import accessible
from conftest import NEW_PASSWORD, Demo, first_login, login, no_horizontal_scroll, snap
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.support.excel import basic_row, fill


def test_clerk_checks_a_workbook_and_sees_its_row_errors(page: Page, demo: Demo, tmp_path: Path) -> None:
    clerk = "3162010302_entry"  # a 中职 school: its template by default
    first_login(page, clerk, demo.accounts[clerk]["初始密码"])
    page.goto("/import")
    with page.expect_download() as got:
        page.click("[data-test=template]")
    got.value.save_as(tmp_path / "模板.xlsx")
    wb = load_workbook(tmp_path / "模板.xlsx")
    sheet = wb["基本信息"]
    columns = {str(c.value).replace("*", "").split("\n")[0]: c.column for c in sheet[1] if c.value}
    sheet.cell(2, columns["姓名"], "测试教师")
    sheet.cell(2, columns["身份证件号"], "620103198001011234")  # a wrong checksum
    sheet.cell(2, columns["出生日期"], "1980年春")
    filled = tmp_path / "教师信息.xlsx"
    wb.save(filled)

    page.set_input_files("[data-test=import-file]", str(filled))
    page.locator("[data-test=dry-run]").click()
    page.click("[data-test=start-import]")
    expect(page.locator("[data-test=job-status]")).to_have_text("已完成", timeout=60_000)
    expect(page.locator("[data-test=job-counts]")).to_contain_text("失败 1")
    errors = page.locator("[data-test=job-errors]")
    expect(errors).to_contain_text("基本信息")
    expect(errors).to_contain_text("出生日期")
    expect(page.locator("[data-test=error-report]")).to_be_visible()
    snap(page, "clerk-import")
    with page.expect_download() as report:
        page.click("[data-test=error-report]")
    report.value.save_as(tmp_path / "错误.xlsx")
    failed = load_workbook(tmp_path / "错误.xlsx")["基本信息"]
    assert "错误信息" in [str(c.value) for c in failed[1]] and failed.cell(2, columns["姓名"]).value == "测试教师"

    page.reload()  # left and come back to: the last job is shown again
    expect(page.locator("[data-test=job-counts]")).to_contain_text("失败 1")


def test_an_import_summary_adds_up(page: Page, demo: Demo, tmp_path: Path) -> None:
    """Every row is new, updated, unchanged or failed, and the four add up to the rows of the file."""
    clerk = "3162010201_entry"  # a 小学: the rows of tests/records/excel.py fit its template
    login(page, clerk, demo.accounts[clerk]["初始密码"])
    page.wait_for_function("location.pathname !== '/login' || !!document.querySelector('.el-alert')")
    if "/password" in page.url:  # its first login (alone, or before test_web_school)
        first_login(page, clerk, demo.accounts[clerk]["初始密码"])
    elif "/login" in page.url:  # its password changed by test_web_school already
        login(page, clerk, NEW_PASSWORD)
    page.wait_for_url("**/teachers")
    page.goto("/import")
    with page.expect_download() as got:
        page.click("[data-test=template]")
    got.value.save_as(tmp_path / "模板.xlsx")

    def imported(rows: list[dict], name: str) -> None:
        path = tmp_path / name
        path.write_bytes(fill((tmp_path / "模板.xlsx").read_bytes(), {"基本信息": rows}))
        page.set_input_files("[data-test=import-file]", str(path))
        page.click("[data-test=start-import]")
        expect(page.locator("[data-test=job-status]")).to_have_text("已完成", timeout=60_000)

    kept, changed = basic_row(9001), basic_row(9002)
    imported([kept, changed], "第一次.xlsx")
    expect(page.locator("[data-test=job-counts]")).to_contain_text("已处理 2 / 2 行：新增 2，更新 0，未变 0，失败 0")
    rows = [kept, basic_row(9002, 曾用名="王二"), basic_row(9003), basic_row(9004, 出生日期="1980年春")]
    imported(rows, "第二次.xlsx")
    expect(page.locator("[data-test=job-counts]")).to_contain_text("已处理 4 / 4 行：新增 1，更新 1，未变 1，失败 1")
    expect(page.locator("[data-test=job-records]")).to_contain_text("按教师记录：新增 1 人，更新 1 人，未变 1 人")


def test_query_user_drills_down_the_progress_and_sees_a_chart(page: Page, demo: Demo) -> None:
    user = "620100_query"
    first_login(page, user, demo.accounts[user]["初始密码"])
    page.goto("/stats")
    table = page.locator("[data-test=progress]")
    expect(table).to_contain_text("城关区")
    expect(table).to_contain_text("七里河区")
    expect(page.locator("[data-test=chart] canvas")).to_be_visible()
    numbers = page.locator("[data-test=stat-table]")
    expect(numbers).to_contain_text("男")
    expect(numbers).to_contain_text("女")
    accessible(page, "statistics")
    page.locator("[data-test=drill]", has_text="七里河区").click()
    expect(page.locator("[data-test=trail]")).to_contain_text("七里河区")
    expect(table).to_contain_text("兰州市七里河区实验中学")
    expect(page.locator("[data-test=drill]")).to_have_count(0)  # schools are the bottom
    snap(page, "query-stats")
    page.locator("[data-test=dimension]").click()
    page.get_by_role("option", name="年龄段").click()
    expect(numbers).to_contain_text("岁")


def _jpeg() -> bytes:
    photo = Image.new("RGB", (900, 1200), (230, 236, 245))
    ImageDraw.Draw(photo).ellipse((300, 250, 600, 650), fill=(200, 160, 140))
    data = io.BytesIO()
    photo.save(data, "JPEG")
    return data.getvalue()


def test_clerk_imports_a_zip_of_photos_and_sees_each_file(page: Page, demo: Demo) -> None:
    school = "3162010202"
    clerk = f"{school}_entry"
    first_login(page, clerk, demo.accounts[clerk]["初始密码"])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"{demo.teachers(school)[0]}.jpg", _jpeg())
        z.writestr("110101199003070000.jpg", _jpeg())  # nobody of the school
    page.goto("/photos")
    page.set_input_files(
        "[data-test=photo-archive]",
        files=[{"name": "照片.zip", "mimeType": "application/zip", "buffer": archive.getvalue()}],
    )
    page.click("[data-test=start-photos]")
    results = page.locator("[data-test=photo-results]")
    expect(results).to_contain_text("已关联", timeout=60_000)
    expect(results).to_contain_text("无此教师")
    expect(page.locator("[data-test=job-counts]")).to_contain_text("成功 1，失败 1")


def test_teacher_uploads_a_photo_and_sees_the_report_on_a_phone(page: Page, demo: Demo) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    teacher = demo.teachers("3162010201")[3]
    first_login(page, teacher, demo.accounts[teacher]["初始密码"])
    page.wait_for_url("**/me")
    page.set_input_files(
        "[data-test=photo-input]", files=[{"name": "我的照片.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    report = page.locator("[data-test=photo-report]")
    expect(report).to_contain_text("197 × 244 px，200 dpi")
    expect(report).to_contain_text("JPEG，900 × 1200 px")
    expect(page.locator("[data-test=photo-image]")).to_have_js_property("naturalWidth", 197)
    # no face in this drawing: said plainly, above the report; its background is plain and light
    warnings = page.locator("[data-test=photo-warnings]")
    expect(warnings).to_contain_text("这张照片需要人工核对")
    expect(warnings.locator("[data-test=photo-warning-NO_FACE]")).to_contain_text("未检测到人脸")
    expect(warnings.locator("[data-test=photo-warning-BACKGROUND_NOT_PLAIN]")).to_have_count(0)
    snap(page, "teacher-photo")
    no_horizontal_scroll(page)

"""The installable web app on a phone: the manifest and its icons, a service worker controlling the
page and keeping the shell for offline use, a form's draft (基本信息, or an entry's dialog) kept in
IndexedDB across an offline reload and a VERSION_CONFLICT shown field by field on return; a phone
photo shrunk before it is sent; the form offering only the 岗位等级 of the chosen 岗位类别."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import numpy as np
from conftest import NEW_PASSWORD, Demo, first_login, login
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.support.images import encoded, standing

SCHOOL = "3162010302"  # no other browser test signs in its teachers
PHONE = {"width": 390, "height": 844}
DRAFT_SAVED = """(value) => new Promise((done) => {
  const opening = indexedDB.open('tmis')
  opening.onsuccess = () => {
    const all = opening.result.transaction('drafts').objectStore('drafts').getAll()
    all.onsuccess = () => done(all.result.some((d) => Object.values(d.values).includes(value)))
  }
  opening.onerror = () => done(false)
})"""


def draft_saved(page: Page, value: str = "草稿里的曾用名") -> None:
    """Waits (a bounded while) until the typed value is in a draft in IndexedDB."""
    for _ in range(100):
        if page.evaluate(DRAFT_SAVED, value):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no draft of {value} in IndexedDB")


def controlled(page: Page) -> None:
    """Waits until the service worker is active and controls the page (it claims it on activation)."""
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_installable_and_the_shell_loads_offline(page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/login")
    manifest = page.request.get(page.get_attribute("link[rel=manifest]", "href") or "").json()
    assert manifest["name"] == "教师管理信息系统" and manifest["short_name"] == "教师信息"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone" and manifest["theme_color"]
    sizes = {}
    for icon in manifest["icons"]:
        reply = page.request.get(icon["src"])
        assert reply.ok and reply.headers["content-type"] == "image/png", icon
        sizes[icon["sizes"]] = Image.open(io.BytesIO(reply.body())).size
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}

    controlled(page)
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")  # after a reload too
    errors = page.context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == [], errors  # a test profile is one

    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("#login-username")).to_be_visible()  # the shell, from the worker's cache
        expect(page.locator("[data-test=offline]")).to_contain_text("网络已断开")
    finally:
        page.context.set_offline(False)
    expect(page.locator("[data-test=offline]")).to_be_hidden(timeout=15_000)  # asked again every few seconds


def _first_time_on_a_phone(page: Page, demo: Demo, n: int) -> str:
    """The school's `n`th teacher signed in for the first time on a phone, the service worker in control."""
    page.set_viewport_size(PHONE)
    teacher = demo.teachers(SCHOOL)[n]
    page.goto("/login")
    controlled(page)
    first_login(page, teacher, demo.accounts[teacher]["初始密码"])
    page.wait_for_url("**/me")
    return teacher


def _conflict_then_mine(page: Page, field: str, mine: str, theirs: str) -> None:
    """The save met another: the conflict shows only `field`, with both values; keeping mine saves it."""
    conflict = page.locator(".el-dialog[data-test=conflict]")
    expect(conflict).to_be_visible()  # never a silent overwrite: the fields that differ
    row = conflict.locator(f"tr[data-field={field}]")
    expect(row).to_contain_text(mine)
    expect(row).to_contain_text(theirs)
    expect(conflict.locator("tbody tr")).to_have_count(1)
    page.click("[data-test=conflict-mine]")


def test_a_draft_survives_an_offline_reload_and_a_conflict_shows_the_fields(
    page: Page, browser: Browser, demo: Demo
) -> None:
    teacher = _first_time_on_a_phone(page, demo, 0)
    expect(page.locator("[data-test=basic-form]")).to_be_visible()

    page.context.set_offline(True)
    try:
        page.fill("#basic-formerName", "草稿里的曾用名")
        draft_saved(page)
        page.reload()
        expect(page.locator("[data-test=offline]")).to_be_visible()  # the frame and the notice, no record
        expect(page.locator("[data-test=basic-form]")).to_have_count(0)
    finally:
        page.context.set_offline(False)

    # meanwhile the same field is saved from another device
    other = browser.new_context(base_url=demo.url, locale="zh-CN")
    try:
        elsewhere = other.new_page()
        login(elsewhere, teacher, NEW_PASSWORD)
        elsewhere.wait_for_url("**/me")
        elsewhere.fill("#basic-formerName", "另一台设备")
        elsewhere.click("[data-test=save-basic]")
        expect(elsewhere.get_by_text("已保存")).to_be_visible()
    finally:
        other.close()

    page.reload()
    expect(page.locator("#basic-formerName")).to_have_value("另一台设备")
    page.click("[data-test=draft-restore]")  # offered back on return
    expect(page.locator("#basic-formerName")).to_have_value("草稿里的曾用名")
    page.click("[data-test=save-basic]")
    _conflict_then_mine(page, "formerName", "草稿里的曾用名", "另一台设备")
    expect(page.get_by_text("已保存")).to_be_visible()
    page.reload()
    expect(page.locator("#basic-formerName")).to_have_value("草稿里的曾用名")
    expect(page.locator("[data-test=draft]")).to_have_count(0)  # the draft went with the save


def test_an_entry_being_filled_survives_an_offline_reload_and_a_conflict_shows_its_fields(
    page: Page, browser: Browser, demo: Demo
) -> None:
    teacher = _first_time_on_a_phone(page, demo, 3)
    form, work = page.locator("[data-test=form-work]"), page.locator("#set-work [data-test=entry]")
    page.click("[data-test=add-work]")
    expect(form).to_be_visible()

    page.context.set_offline(True)
    try:
        page.fill("#work-employer", "草稿里的单位")  # half filled: no start yet
        draft_saved(page, "草稿里的单位")
        page.reload()
        expect(page.locator("[data-test=offline]")).to_be_visible()
        expect(page.locator("[data-test=basic-form]")).to_have_count(0)
    finally:
        page.context.set_offline(False)

    page.reload()
    page.click("[data-test=add-work]")
    expect(page.locator("#work-employer")).to_have_value("")
    page.click("[data-test=entry-draft-restore]")  # offered back when the dialog opens again
    expect(page.locator("#work-employer")).to_have_value("草稿里的单位")
    page.fill("#work-startMonth", "2015-09")
    page.press("#work-startMonth", "Enter")
    page.click("[data-test=save-entry]")
    expect(form).to_be_hidden()
    expect(work).to_contain_text("草稿里的单位")
    page.click("[data-test=add-work]")
    expect(form).to_be_visible()
    expect(page.locator("[data-test=entry-draft]")).to_have_count(0)  # the draft went with the save
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()

    work.get_by_role("button", name="编辑").click()  # changed here, closed unsaved: kept as a draft
    page.fill("#work-employer", "这台设备的单位")
    draft_saved(page, "这台设备的单位")
    page.keyboard.press("Escape")
    other = browser.new_context(base_url=demo.url, locale="zh-CN")
    try:  # meanwhile the same entry is saved from another device
        elsewhere = other.new_page()
        login(elsewhere, teacher, NEW_PASSWORD)
        elsewhere.wait_for_url("**/me")
        elsewhere.locator("#set-work [data-test=entry]").get_by_role("button", name="编辑").click()
        elsewhere.fill("#work-employer", "另一台设备的单位")
        elsewhere.click("[data-test=save-entry]")
        expect(elsewhere.locator("#set-work [data-test=entry]")).to_contain_text("另一台设备的单位")
    finally:
        other.close()

    page.reload()
    work.get_by_role("button", name="编辑").click()
    expect(page.locator("#work-employer")).to_have_value("另一台设备的单位")
    page.click("[data-test=entry-draft-restore]")
    expect(page.locator("#work-employer")).to_have_value("这台设备的单位")
    page.click("[data-test=save-entry]")
    _conflict_then_mine(page, "employer", "这台设备的单位", "另一台设备的单位")
    expect(form).to_be_hidden()
    expect(work).to_contain_text("这台设备的单位")
    page.reload()
    expect(work).to_contain_text("这台设备的单位")
    work.get_by_role("button", name="编辑").click()
    expect(form).to_be_visible()
    expect(page.locator("[data-test=entry-draft]")).to_have_count(0)


def test_a_phone_photo_is_shrunk_before_upload_and_reported_as_the_original(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    page.set_viewport_size(PHONE)
    teacher = demo.teachers(SCHOOL)[1]
    first_login(page, teacher, demo.accounts[teacher]["初始密码"])
    page.wait_for_url("**/me")
    expect(page.locator("[data-test=photo-guide]")).to_be_visible()  # how to stand, beside 拍照
    assert page.get_attribute("[data-test=photo-camera]", "capture") == "user"
    taken, _ = standing((4000, 3000), 6, (0.5, 0.4))
    original = encoded(Image.open(io.BytesIO(taken)), "JPEG", quality=97, subsampling=0)  # as a phone saves it
    assert len(original) > 3 * 1024 * 1024  # a phone's 12-megapixel photo
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(original)
    sent: list[int] = []

    def measure(request) -> None:  # noqa: ANN001
        if request.url.endswith("/graphql") and "multipart" in (request.headers.get("content-type") or ""):
            sent.append(int(request.all_headers().get("content-length", "0")) or len(request.post_data_buffer or b""))

    page.on("request", measure)
    page.set_input_files("[data-test=photo-camera]", str(path))
    expect(page.locator("[data-test=photo-report]")).to_be_visible()
    assert sent and 0 < max(sent) < 800 * 1024, sent  # a few hundred KB on the line, not 4 MB
    print(f"\nphoto sent: {max(sent) / 1024:.0f} KB for a {len(original) / 1024:.0f} KB original")

    token = page.evaluate("localStorage.getItem('tmis.token')")
    shrunk = _photo(demo, token)
    _upload(demo, token, shrunk["teacher"], original)
    unshrunk = _photo(demo, token)
    assert shrunk["report"]["sourceWidth"] == 1600 and unshrunk["report"]["sourceWidth"] == 4000
    for key in ("faceFound", "crop", "warnings", "orientation"):
        assert shrunk["report"][key] == unshrunk["report"][key], key
    assert shrunk["report"]["faceFound"] is True
    # Chrome tags its JPEG as sRGB, which the server converts through (to the same colours)
    assert (shrunk["report"]["colour"], unshrunk["report"]["colour"]) == ("RGB+ICC→sRGB", "RGB")
    assert (shrunk["width"], shrunk["height"], shrunk["dpi"]) == (
        unshrunk["width"],
        unshrunk["height"],
        unshrunk["dpi"],
    )
    # the same standard photo: the face framed alike (found at another scale of the search, it may sit a
    # few pixels apart and a few percent larger: compared at the best zoom of up to 9 % and shift of up
    # to 8 pixels)
    difference = min(
        _difference(*pair, dx, dy) for pair in _zooms(shrunk["image"], unshrunk["image"]) for dx, dy in _SHIFTS
    )
    print(f"mean difference of the two standard photos, 20 × 24 thumbnails: {difference:.1f} / 255")
    assert difference < 16, difference  # measured 4.4 at the best fit (11 unfitted, before the box reduction)


_SHIFTS = [(dx, dy) for dx in range(-8, 9, 2) for dy in range(-8, 9, 2)]


def _zooms(a: Image.Image, b: Image.Image) -> list[tuple[Image.Image, Image.Image]]:
    """(a, b) as they are, and with one or the other's centre enlarged by 3, 6 and 9 %."""
    w, h = a.size

    def zoomed(image: Image.Image, z: float) -> Image.Image:
        cw, ch = w / z, h / z
        return image.resize(
            (w, h), Image.Resampling.BICUBIC, box=((w - cw) / 2, (h - ch) / 2, (w + cw) / 2, (h + ch) / 2)
        )

    return [(a, b)] + [pair for z in (1.03, 1.06, 1.09) for pair in ((zoomed(a, z), b), (a, zoomed(b, z)))]


def _difference(a: Image.Image, b: Image.Image, dx: int, dy: int) -> float:
    """The mean difference (of 255) of 20 × 24 thumbnails of where `a` shifted by (dx, dy) overlaps `b`."""
    w, h = a.size
    box_a = (max(0, -dx), max(0, -dy), w - max(0, dx), h - max(0, dy))
    box_b = (max(0, dx), max(0, dy), w - max(0, -dx), h - max(0, -dy))
    thumbs = [
        np.asarray(i.crop(box).resize((20, 24), Image.Resampling.BOX), dtype=float)
        for i, box in ((a, box_a), (b, box_b))
    ]
    return float(np.abs(thumbs[0] - thumbs[1]).mean())


PHOTO = """{ me { teacher { id photo { url width height dpi report { faceFound crop colour orientation sourceWidth
  warnings { code } } } } } }"""


def _photo(demo: Demo, token: str) -> dict:
    reply = httpx.post(f"{demo.url}/graphql", json={"query": PHOTO}, headers={"authorization": f"Bearer {token}"})
    teacher = reply.json()["data"]["me"]["teacher"]
    image = Image.open(io.BytesIO(httpx.get(teacher["photo"]["url"]).content)).convert("RGB")
    return {**teacher["photo"], "teacher": teacher["id"], "image": image}


def _upload(demo: Demo, token: str, teacher_id: str, data: bytes) -> None:
    query = "mutation($t: ID!, $f: Upload!) { uploadPhoto(teacherId: $t, file: $f) { userErrors { code } } }"
    operations = json.dumps({"query": query, "variables": {"t": teacher_id, "f": None}})
    files = {"0": ("IMG_0001.jpg", data, "image/jpeg")}
    reply = httpx.post(
        f"{demo.url}/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.f"]})},
        files=files,
        headers={"authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert reply.json()["data"]["uploadPhoto"]["userErrors"] == [], reply.text


def test_the_form_offers_only_the_post_grades_of_the_chosen_category(page: Page, demo: Demo) -> None:
    page.set_viewport_size(PHONE)
    teacher = demo.teachers(SCHOOL)[2]
    first_login(page, teacher, demo.accounts[teacher]["初始密码"])
    page.wait_for_url("**/me")
    page.click("[data-test=add-postAppointment]")
    form = page.locator("[data-test=form-postAppointment]")

    def pick(field: str, name: str) -> None:
        form.locator(f"[data-field={field}] .el-select").click()
        page.get_by_role("option", name=name, exact=True).click()
        expect(page.get_by_role("option")).to_have_count(0)  # the list closed

    def offered(field: str) -> list[str]:
        form.locator(f"[data-field={field}] .el-select").click()
        options = page.get_by_role("option")
        expect(options.first).to_be_visible()
        names = options.all_inner_texts()
        page.keyboard.press("Escape")
        expect(page.get_by_role("option")).to_have_count(0)
        return names

    everything = offered("postGrade")  # nothing chosen yet: every grade
    assert any(n.startswith("专业技术岗位") for n in everything) and any(n.startswith("管理岗位") for n in everything)
    pick("postCategory", "管理岗位")
    grades = offered("postGrade")
    assert grades and all(n.startswith("管理岗位") or n.startswith("未评") for n in grades), grades
    assert len(grades) == 12, grades  # 管理岗位一级 to 十级, and the two 未评
    pick("postGrade", "管理岗位三级")
    pick("postCategory", "工勤技能岗位")  # the grade no longer fits: cleared
    expect(form.locator("[data-field=postGrade] .el-select")).not_to_contain_text("管理岗位三级")
    assert all(n.startswith("工勤") or n.startswith("未评") or n == "普通工" for n in offered("postGrade"))

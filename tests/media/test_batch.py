"""Photo batches: a zip of photos named by 身份证件号, a job with a result per file; zip bombs,
nested archives, path tricks and duplicates refused with clear messages."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pytest

from services.media.archive import ArchiveLimits, PhotoArchive
from tests.media import images
from tests.media.conftest import IMPORT, JOB, OTHER, SCHOOL, upload
from tests.records.conftest import World, basic_of
from tmis.errors import DomainError

GOOD = images.encoded(images.portrait(), "JPEG")


def zipped(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def problems(content: bytes, limits: ArchiveLimits | None = None) -> dict[str, str]:
    archive = PhotoArchive(content, limits or ArchiveLimits())
    for member in archive.members:
        archive.load(member)
    return {m.name: m.problem for m in archive.members}


def test_members_are_checked_one_by_one() -> None:
    bomb = b"\0" * (30 * 1024 * 1024)
    found = problems(zipped([
        ("110101199003071234.jpg", GOOD),
        ("photos/110101199003075678.JPG", GOOD),
        ("../110101199003071111.jpg", GOOD),
        ("/etc/110101199003072222.jpg", GOOD),
        ("C:/x/110101199003073333.jpg", GOOD),
        ("inner.zip", zipped([("a.jpg", GOOD)])),
        ("disguised.jpg", zipped([("a.jpg", GOOD)])),
        ("a/110101199003079999.jpg", GOOD),
        ("b/110101199003079999.png", GOOD),
        ("zeros.jpg", bomb),
        ("__MACOSX/._110101199003071234.jpg", b"junk"),
        (".DS_Store", b"junk"),
        ("folder/", b""),
    ], zipfile.ZIP_DEFLATED), ArchiveLimits(max_file_bytes=40 * 1024 * 1024))  # fmt: skip
    assert found["110101199003071234.jpg"] == "" and found["photos/110101199003075678.JPG"] == ""
    for name in ("../110101199003071111.jpg", "/etc/110101199003072222.jpg", "C:/x/110101199003073333.jpg"):
        assert "路径不安全" in found[name]
    assert "不能再含压缩包" in found["inner.zip"] and "不能再含压缩包" in found["disguised.jpg"]
    assert (
        "多张照片" in found["a/110101199003079999.jpg"]
        and "b/110101199003079999.png" in found["a/110101199003079999.jpg"]
    )
    assert "压缩炸弹" in found["zeros.jpg"]
    assert len(found) == 10  # folders and archiver litter are skipped


def test_a_member_over_the_size_limit_is_refused_even_when_well_compressed() -> None:
    big = images.encoded(images.noise((1200, 1600)), "BMP")  # 5.8 MB that does not compress
    assert (
        "上限"
        in problems(zipped([("1.bmp", big)], zipfile.ZIP_DEFLATED), ArchiveLimits(max_file_bytes=1024 * 1024))["1.bmp"]
    )


def test_chinese_names_from_windows_archivers_are_read() -> None:
    gbk = "照片/".encode("gbk")  # as a Chinese Windows archiver writes it: GBK, without the UTF-8 flag
    content = zipped([("XXXX/110101199003071234.jpg", GOOD)]).replace(b"XXXX/", gbk)
    assert list(problems(content)) == ["照片/110101199003071234.jpg"]


@pytest.mark.parametrize(
    ("content", "limits", "words"),
    [
        (b"PK\x03\x04 broken", ArchiveLimits(), "不是有效的 zip"),
        (GOOD, ArchiveLimits(), "不是有效的 zip"),
        (zipped([]), ArchiveLimits(), "没有照片"),
        (zipped([(f"{i}.jpg", b"x") for i in range(6)]), ArchiveLimits(max_files=5), "文件过多"),
        (
            zipped([("a.jpg", b"\0" * 3_000_000), ("b.jpg", b"\0" * 3_000_000)], zipfile.ZIP_DEFLATED),
            ArchiveLimits(max_total_bytes=5_000_000),
            "压缩炸弹",
        ),
    ],
    ids=["broken", "not-a-zip", "empty", "too-many", "bomb-total"],
)
def test_bad_archives_are_refused_whole(content: bytes, limits: ArchiveLimits, words: str) -> None:
    with pytest.raises(DomainError) as caught:
        PhotoArchive(content, limits)
    assert words in caught.value.message and caught.value.field == "archive"


async def finished(world: World, job_id: str, token: str) -> dict:
    for _ in range(600):
        job = (await world.suite.graphql(JOB, {"id": job_id}, token))["data"]["importJob"]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


async def test_a_school_imports_a_zip_and_sees_per_file_results(world: World) -> None:
    suite = world.suite
    made = [(await world.create(serial)).teacher for serial in (1, 2, 3)]
    ids = [basic_of(t)["idNumber"] for t in made]
    content = zipped([
        (f"{ids[0]}.jpg", images.encoded(images.face_off_centre(), "JPEG")),
        (f"照片/{ids[1].lower()}.png", images.encoded(images.noise((500, 600)), "PNG")),
        (f"{ids[2]}.jpg", b"this is not a photo"),
        ("110101190001011234.jpg", GOOD),
        (f"../{ids[2]}.jpg", GOOD),
        ("nested.zip", zipped([("x.jpg", GOOD)])),
    ])  # fmt: skip
    started = (await upload(suite, IMPORT, {"s": SCHOOL, "a": None}, "photos.zip", content, world.clerk))["data"][
        "importPhotos"
    ]
    assert started["userErrors"] == [] and started["job"]["id"].startswith("photo-") and started["job"]["total"] == 6
    job = await finished(world, started["job"]["id"], world.clerk)
    assert (job["status"], job["processed"], job["succeeded"], job["failed"]) == ("SUCCEEDED", 6, 2, 4)
    errors = {e["column"]: (e["row"], e["message"]) for e in job["errors"]}
    assert set(errors) == {f"{ids[2]}.jpg", "110101190001011234.jpg", f"../{ids[2]}.jpg", "nested.zip"}
    assert errors[f"{ids[2]}.jpg"][0] == 3 and "无法识别" in errors[f"{ids[2]}.jpg"][1]
    assert "本校没有" in errors["110101190001011234.jpg"][1] and "路径不安全" in errors[f"../{ids[2]}.jpg"][1]
    shown = await suite.graphql("""query($a: ID!, $b: ID!, $c: ID!) { a: teacher(id: $a) { photo { report { crop } } }
  b: teacher(id: $b) { photo { dpi } } c: teacher(id: $c) { photo { dpi } } }""",
                                {"a": made[0].id, "b": made[1].id, "c": made[2].id}, world.clerk)  # fmt: skip
    assert (
        shown["data"]["a"]["photo"]["report"]["crop"] == "FACE"
        and shown["data"]["b"]["photo"]["dpi"] == 200
        and shown["data"]["c"]["photo"] is None
    )
    # every file's result, richer than importJob's errors
    results = "query($id: ID!) { photoImportResults(jobId: $id) { index name outcome teacherId message } }"
    listed = (await suite.graphql(results, {"id": job["id"]}, world.clerk))["data"]["photoImportResults"]
    assert [r["outcome"] for r in listed] == [
        "ATTACHED",
        "ATTACHED",
        "BAD_IMAGE",
        "NO_SUCH_TEACHER",
        "REFUSED",
        "REFUSED",
    ]
    assert listed[0]["teacherId"] == made[0].id and listed[1]["name"] == f"照片/{ids[1].lower()}.png"
    # attached, with what needs a look: the grey background; no face in the noise
    assert "背景" in listed[0]["message"] and "未检测到人脸" in listed[1]["message"]
    # someone else's job is nobody else's business
    assert (await suite.graphql(JOB, {"id": job["id"]}, world.stranger))["data"]["importJob"] is None
    assert (await suite.graphql(results, {"id": job["id"]}, world.stranger))["errors"][0]["extensions"][
        "code"
    ] == "NOT_FOUND"


async def test_only_the_schools_clerks_import(world: World) -> None:
    suite = world.suite
    teacher = (await world.create()).teacher
    content = zipped([(f"{basic_of(teacher)['idNumber']}.jpg", GOOD)])

    async def codes(school: str, token: str) -> list[str]:
        reply = (await upload(suite, IMPORT, {"s": school, "a": None}, "p.zip", content, token))["data"]["importPhotos"]
        assert reply["job"] is None
        return [e["code"] for e in reply["userErrors"]]

    assert await codes(SCHOOL, world.stranger) == ["FORBIDDEN"]  # another district's clerk
    assert await codes(OTHER, world.clerk) == ["FORBIDDEN"]  # another school
    assert await codes(SCHOOL, world.teacher_token(teacher.id)) == ["FORBIDDEN"]
    assert await codes(SCHOOL, world.reader) == ["FORBIDDEN"]
    bad = (await upload(suite, IMPORT, {"s": SCHOOL, "a": None}, "p.zip", b"no zip", world.clerk))["data"][
        "importPhotos"
    ]
    assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [("INVALID_INPUT", "archive")]

"""Normalisation on generated inputs: every format, orientation, colour conversions, face crop,
size cap, and every bad input refused with a clear message."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageStat

from services.media import faces
from services.media import normalise as normalise_module
from services.media.normalise import normalise
from services.media.standard import PhotoStandard, resolve
from tests.support import images
from tmis.errors import DomainError, ErrorCode
from tmis.plugins import make_plugin_manager

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow warns; we refuse
STANDARD = resolve(make_plugin_manager(""))
LIMIT = 20 * 1024 * 1024


def run(data: bytes, standard: PhotoStandard = STANDARD):  # noqa: ANN201
    result = normalise(data, standard, LIMIT)
    out = Image.open(io.BytesIO(result.jpeg))
    return result, out


def refused(data: bytes, standard: PhotoStandard = STANDARD, limit: int = LIMIT) -> str:
    with pytest.raises(DomainError) as caught:
        normalise(data, standard, limit)
    assert caught.value.code == ErrorCode.INVALID_INPUT and caught.value.field == "file"
    return caught.value.message


def centre_colour(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[float, ...]:
    return tuple(round(v) for v in ImageStat.Stat(image.crop(box)).mean)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "TIFF", "HEIF"])
def test_every_accepted_format_gives_the_standard_jpeg(fmt: str) -> None:
    # twice the standard's side or more: shrunk, as a phone's photo is (larger sources: the tests below; a
    # 900 x 1200 HEIF took 2 s to encode)
    result, out = run(images.encoded(images.noise((450, 600)), fmt))
    assert (out.format, out.size, out.mode) == ("JPEG", (197, 244), "RGB")
    assert out.info["dpi"] == (200, 200) and out.info["jfif_unit"] == 1
    assert not out.info.get("progressive") and not out.info.get("progression")
    assert len(result.jpeg) <= 60 * 1024 and result.report["bytes"] == len(result.jpeg)
    assert result.report["source"]["format"] == fmt


def test_metadata_is_stripped() -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(0x8825)[2] = (39.0, 54.0, 0.0)  # GPSLatitude
    source = images.encoded(
        images.portrait(), "JPEG", exif=exif, icc_profile=images.linear_rgb_profile(), comment=b"secret"
    )
    _, out = run(source)
    assert "exif" not in out.info and "icc_profile" not in out.info and "comment" not in out.info
    assert not out.getexif()


def test_exif_orientation_is_applied() -> None:
    stored = Image.new("RGB", (1000, 700), (220, 30, 30))  # stored landscape: left half red, right half blue
    stored.paste((30, 30, 220), (500, 0, 1000, 700))
    result, out = run(images.with_orientation(stored, 6))  # 6: rotate 90° clockwise to display
    assert result.report["orientation"] == 6
    top, bottom = centre_colour(out, (60, 5, 140, 40)), centre_colour(out, (60, 205, 140, 240))
    assert top[0] > 180 > top[2] and bottom[2] > 180 > bottom[0]  # the stored left (red) is now the top


def test_a_12_megapixel_jpeg_is_decoded_at_reduced_scale() -> None:
    result, out = run(images.encoded(images.noise((4000, 3000)), "JPEG", quality=85))
    assert result.report["decodeScale"] <= 0.25 and out.size == (197, 244)


def test_a_small_face_is_decoded_again_finer() -> None:
    canvas = Image.new("RGB", (4000, 3000), (120, 120, 120))
    canvas.paste(images.astronaut().resize((2000, 2000)), (900, 300))  # a face about 390 px high
    result, _ = run(images.encoded(canvas, "JPEG", quality=85))
    # at 1/4 the face's crop (2.2 × its height) would be under 244 px: decoded again at 1/2
    assert result.report["faceFound"] and result.report["decodeScale"] == 0.5
    left, top, right, bottom = result.report["cropBox"]
    assert bottom - top >= 244 * 2  # enough source pixels at the scale it was cut from


def test_cmyk_becomes_rgb() -> None:
    _, out = run(images.encoded(Image.new("CMYK", (400, 500), (0, 255, 255, 0)), "JPEG"))
    r, g, b = centre_colour(out, (50, 50, 150, 200))
    assert r > 200 and g < 60 and b < 60


def test_16_bit_grey_is_scaled_not_clipped() -> None:
    grey = Image.new("I;16", (400, 500), 32768)
    result, out = run(images.encoded(grey, "PNG"))
    assert result.report["colour"] == "I;16→RGB" and 120 <= centre_colour(out, (50, 50, 150, 200))[0] <= 136


def test_palette_with_transparency_is_flattened_on_white() -> None:
    palette = Image.new("P", (400, 500), 0)
    palette.putpalette([0, 0, 0] * 256)
    result, out = run(images.encoded(palette, "PNG", transparency=0))
    assert result.report["source"]["mode"] == "P" and min(centre_colour(out, (50, 50, 150, 200))) > 245


def test_alpha_is_flattened_on_white() -> None:
    rgba = Image.new("RGBA", (400, 500), (255, 0, 0, 0))
    _, out = run(images.encoded(rgba, "PNG"))
    assert min(centre_colour(out, (50, 50, 150, 200))) > 245


def test_an_embedded_icc_profile_is_honoured() -> None:
    plain, tagged = images.portrait((400, 500), (128, 128, 128)), images.linear_rgb_profile()
    result, out = run(images.encoded(plain, "PNG", icc_profile=tagged))
    assert result.report["colour"] == "RGB+ICC→sRGB"
    assert 180 <= centre_colour(out, (50, 50, 150, 200))[0] <= 196  # linear 128 is sRGB 188
    _, untagged = run(images.encoded(plain, "PNG"))
    assert 124 <= centre_colour(untagged, (50, 50, 150, 200))[0] <= 132


def test_the_crop_is_centred_on_a_real_face() -> None:
    result, out = run(images.encoded(images.face_off_centre(), "PNG"))
    assert result.report["faceFound"] and result.report["crop"] == "FACE"
    face = faces.largest_face(out.resize((394, 488)))  # found again in the output, near its middle
    assert face is not None
    x, y, w, h = (v / 2 for v in face)
    assert abs(x + w / 2 - 197 / 2) < 197 * 0.12 and 0.2 * 244 < y + h / 2 < 0.6 * 244
    assert 0.3 < h / 244 < 0.7  # the head fills a good part of the photo


def test_without_a_face_the_upper_centre_is_kept() -> None:
    canvas = images.portrait((1000, 2000), (250, 250, 250))
    canvas.paste((0, 0, 0), (400, 0, 600, 300))  # a dark block at the top centre
    result, out = run(images.encoded(canvas, "PNG"))
    assert not result.report["faceFound"] and result.report["crop"] == "UPPER_CENTRE"
    assert result.report["cropBox"][1] > 0  # not the very top: a quarter of the spare height above
    assert centre_colour(out, (90, 0, 107, 10))[0] < 20  # the block is in the top centre of the photo


def test_quality_is_lowered_only_as_far_as_the_cap_needs() -> None:
    small_cap = dataclasses.replace(STANDARD, max_bytes=12 * 1024)
    result, _ = run(images.encoded(images.noise((600, 800)), "PNG"), small_cap)
    assert result.report["bytes"] <= 12 * 1024 and 20 <= result.report["quality"] < 92
    higher = normalise(
        images.encoded(images.noise((600, 800)), "PNG"),
        dataclasses.replace(STANDARD, max_bytes=result.report["bytes"] - 1),
        LIMIT,
    )
    assert (
        higher.report["quality"] < result.report["quality"]
    )  # one step less room, a lower quality: it was the highest that fitted
    assert "KB" in refused(
        images.encoded(images.noise((600, 800)), "PNG"), dataclasses.replace(STANDARD, max_bytes=800)
    )


def test_a_plain_photo_keeps_the_top_quality() -> None:
    result, _ = run(images.encoded(images.portrait(), "JPEG"))
    assert result.report["quality"] == 92


def test_the_standard_is_configuration() -> None:
    bigger = resolve(make_plugin_manager(""), {"width_cm": 2.6, "height_cm": 3.2, "dpi": 300})
    result, out = run(images.encoded(images.noise((1200, 1600)), "PNG"), bigger)
    assert out.size == (307, 378) and out.info["dpi"] == (300, 300)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "为空"),
        (b"%PDF-1.4 not a photo at all", "无法识别"),
        (images.encoded(images.noise((600, 800)), "JPEG")[:3000], "损坏"),
        (images.encoded(images.portrait((150, 180)), "JPEG"), "太小"),
        (images.encoded(images.portrait((1000, 150)), "JPEG"), "太小"),
        (images.animated("GIF"), "动图"),
        (images.animated("WEBP"), "动图"),
        (images.animated("PNG"), "动图"),
        (images.encoded(images.portrait(), "GIF"), "不支持 GIF"),
    ],
    ids=[
        "empty",
        "not-an-image",
        "truncated",
        "too-small",
        "too-narrow",
        "animated-gif",
        "animated-webp",
        "apng",
        "gif",
    ],
)
def test_bad_inputs_are_refused(data: bytes, words: str) -> None:
    assert words in refused(data)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = images.encoded(Image.new("1", (12000, 12000)), "PNG")  # 144 megapixels in a few kB
    assert len(bomb) < 100_000 and "像素过多" in refused(bomb)
    huge = images.encoded(Image.new("1", (20000, 20000)), "PNG")  # past Pillow's own bomb limit
    assert "像素过多" in refused(huge)


def test_an_upload_over_the_limit_is_refused() -> None:
    assert "超过 2 KB 上限" in refused(images.encoded(images.noise((400, 500)), "PNG"), limit=2048)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_files_never_crash(data: st.DataObject) -> None:
    """Any damage to a real JPEG or PNG ends in a photo or a clear refusal, never an unexpected error."""
    source = bytearray(images.encoded(images.noise((300, 400)), data.draw(st.sampled_from(["JPEG", "PNG"]))))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(source) - 1))
        source[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(source) // 2, len(source)))
    try:
        normalise(bytes(source[:cut]), STANDARD, LIMIT)
    except DomainError as err:
        assert err.code == ErrorCode.INVALID_INPUT


@pytest.mark.parametrize("centre", [(0.15, 0.35), (0.85, 0.6)])
def test_a_small_face_off_centre_is_found_and_centred(centre: tuple[float, float]) -> None:
    """A teacher photographed standing, off to one side of a landscape shot: the face a tenth of the short side."""
    jpeg, (tx, ty, tw, th) = images.standing((3200, 2400), 10, centre)
    result, _ = run(jpeg)
    assert result.report["faceFound"] and result.report["crop"] == "FACE"
    x, y, w, h = result.report["face"]
    assert tx <= x + w / 2 <= tx + tw and ty <= y + h / 2 <= ty + th
    left, _, right, _ = result.report["cropBox"]
    assert abs((left + right) / 2 - (tx + tw / 2)) < tw / 4


def codes(data: bytes) -> list[str]:
    return [w["code"] for w in run(data)[0].report["warnings"]]


def test_the_report_says_plainly_when_no_face_was_found() -> None:
    result, _ = run(images.encoded(images.portrait((600, 800), (246, 246, 246)), "PNG"))
    assert result.report["warnings"] == [
        {"code": "NO_FACE", "message": "未检测到人脸，已按照片上部居中裁剪：请人工核对是否为本人正面免冠照"}
    ]


@pytest.mark.parametrize("background", [(246, 246, 246), (200, 225, 250)])
def test_a_plain_light_background_is_not_warned(background: tuple[int, int, int]) -> None:
    assert codes(images.encoded(images.passport(background), "JPEG")) == []


@pytest.mark.parametrize(
    "photo",
    [images.passport((60, 60, 60)), images.passport((200, 30, 30)), images.astronaut(), images.noise((600, 800))],
)
def test_a_background_that_is_not_plain_and_light_is_warned(photo: Image.Image) -> None:
    assert "BACKGROUND_NOT_PLAIN" in codes(images.encoded(photo, "JPEG"))


def test_a_large_png_is_shrunk_while_inflated_and_its_face_centred() -> None:
    canvas = Image.new("RGB", (4000, 3000), (150, 160, 175))
    canvas.paste(images.astronaut().resize((2400, 2400)), (1500, 200))  # a face about 445 px high
    result, out = run(images.encoded(canvas, "PNG", compress_level=1))
    assert result.report["decodeScale"] <= 0.5 and result.report["faceFound"]
    x, _, w, _ = result.report["face"]
    left, _, right, _ = result.report["cropBox"]
    assert abs((left + right) / 2 - (x + w / 2)) <= 2 and out.size == (197, 244)


def test_a_large_png_with_alpha_is_shrunk_premultiplied() -> None:
    """Transparent red beside opaque blue: averaged premultiplied, the edge is half-transparent blue, never purple."""
    rgba = Image.new("RGBA", (2000, 2500), (255, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (1001, 0, 2000, 2500))  # an odd edge: one 2 × 2 box straddles it
    data = images.encoded(rgba, "PNG", compress_level=1)
    shrunk = normalise_module._shrunk_png(Image.open(io.BytesIO(data)), data, 0.5)
    assert shrunk is not None and shrunk.size == (1000, 1250)
    pixels = np.asarray(shrunk)
    assert pixels[0, 500, :3].tolist() == [0, 0, 255] and 126 <= pixels[0, 500, 3] <= 128  # the straddling column
    assert pixels[pixels[..., 3] > 0][:, 0].max() == 0
    result, out = run(data)
    assert result.report["decodeScale"] < 1 and result.report["colour"] == "RGBA→RGB"


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_png_is_refused(cut: float) -> None:
    data = images.encoded(images.noise((600, 800)), "PNG")
    assert "损坏" in refused(data[: int(len(data) * cut)])


def test_the_face_models_ship_in_the_package() -> None:
    """The LBP cascade is the vendored upstream file (its SHA-256 as its README says), loaded from the package."""
    models = Path(faces.__file__).with_name("models")
    digest = hashlib.sha256((models / "lbpcascade_frontalface.xml").read_bytes()).hexdigest()
    assert digest in (models / "README.md").read_text() and (models / "LICENSE").exists()
    assert faces._LBP.startswith(str(models)) and not faces._cascade(faces._LBP).empty()


def test_the_first_look_confirms_a_portrait_and_nothing_in_noise() -> None:
    portrait = Image.new("RGB", (600, 800), (150, 160, 175))
    portrait.paste(images.astronaut().resize((700, 700)), (-50, 100))  # a face box 35 px high at the coarse size
    grey, _ = faces._grey(portrait, faces.COARSE_SIDE)
    assert len(faces._confirmed(grey)) == 1  # LBP's proposal, confirmed by Haar around it
    noise, _ = faces._grey(images.noise((600, 800)), faces.COARSE_SIDE)
    assert faces._confirmed(noise) == [] and faces.largest_face(images.noise((600, 800))) is None


def test_a_face_a_twentieth_of_a_small_photo_is_found() -> None:
    """On 1600 × 1200 the fine pass searches the decoded image itself: a 60-pixel face is found and centred."""
    jpeg, (tx, ty, tw, th) = images.standing((1600, 1200), 20, (0.5, 0.4))
    result, _ = run(jpeg)
    assert result.report["faceFound"]
    x, y, w, h = result.report["face"]
    assert tx <= x + w / 2 <= tx + tw and ty <= y + h / 2 <= ty + th
    left, _, right, _ = result.report["cropBox"]
    assert abs((left + right) / 2 - (tx + tw / 2)) < tw / 4


def test_a_photo_of_an_empty_backdrop_is_conclusive_before_any_cascade(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 12 MP photo of a backdrop in a dim room as decoded at 1/4 (sensor noise of 10 levels averaged to 2.5):
    no window has a face's contrast, so no cascade runs. A head at 0.3 of the astronaut's contrast on the same
    backdrop, small enough that only the fine pass finds it, is still found."""
    used: list[str] = []
    cascade = faces._cascade
    monkeypatch.setattr(faces, "_cascade", lambda model: used.append(model) or cascade(model))
    noise = np.random.default_rng(7).normal(0, 2.5, (1008, 756))
    backdrop = Image.fromarray(np.clip(noise + 120, 0, 255).astype(np.uint8)).convert("RGB")
    assert faces.largest_face(backdrop) is None and used == []
    head = np.asarray(images.astronaut().convert("L"), dtype=np.float32)[20:200, 160:290]
    low = Image.fromarray(np.clip(120 + (head - head.mean()) * 20 / head.std(), 0, 255).astype(np.uint8))
    mask = Image.new("L", low.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, low.width - 1, low.height - 1), fill=255)
    size = (54, 75)  # the head 75 px high: its face box about 1/15 of the short side, under the coarse pass's
    backdrop.paste(low.resize(size, Image.Resampling.BICUBIC).convert("RGB"), (300, 250), mask.resize(size))
    face = faces.largest_face(backdrop)
    assert face is not None and 300 <= face[0] + face[2] / 2 <= 354 and 250 <= face[1] + face[3] / 2 <= 325
    assert used and faces._HAAR in used

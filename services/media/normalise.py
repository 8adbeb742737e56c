"""Photo normalisation to the standard: any ordinary photo in, a compliant JPEG and a report out.

Steps, each for a reason:
- the header is read first: format, frame count and pixel count are checked before any pixel is
  decoded (decompression bombs never reach memory);
- a JPEG is decoded at reduced scale (`Image.draft`, DCT scaling by 1/2, 1/4 or 1/8) to the
  smallest size that still leaves twice the output's pixels in the largest crop (DCT scaling
  averages, so it is a proper downscale), and once more, finer, only when the face turns out
  too small for that: a 12-megapixel phone photo never decodes at full size. An 8-bit PNG (grey or
  RGB, with or without alpha) is inflated by libvips and box-shrunk in the same streaming pass, to four
  times the output's pixels in the largest crop (PNG has no reduced decode: a second decode for a small
  face would cost a whole inflate again); palette and 16-bit PNGs and the other formats are decoded by
  Pillow at full size. Faces are looked for on small grey copies (see faces.py);
- EXIF orientation applied; CMYK, palette, 16-bit, grey and alpha (flattened on white) become
  8-bit sRGB, through the embedded ICC profile when there is one;
- cropped to the output's aspect ratio around the face (head ≈ 2/3 of the height, as the
  学籍 photo rule asks), else on the upper centre, then resized with Lanczos;
- checked for what a clerk should look at (no face found; a background that is not one light
  colour, read in the output's top corners): the report's `warnings`;
- written as a baseline JPEG with the dpi in its JFIF header and no other metadata (EXIF, GPS,
  ICC, comments are not copied), at the highest quality under the size cap (binary search).
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pillow_heif
import pyvips
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

from services.media.faces import Box, largest_face
from services.media.standard import PhotoStandard
from tmis import tracing
from tmis.errors import DomainError, ErrorCode

MAX_QUALITY, MIN_QUALITY = 92, 20
REDUCING_GAP = 1.5  # (see the resize in `normalise`)
# the crop's height per face-box height: a Haar box spans brows to chin (≈ 2/3 of the head),
# so the head fills about 2/3 of the photo; the box centre sits at 42% of the height from the top
FACE_ZOOM, FACE_CENTRE_Y = 2.2, 0.42
# without a face: the full width (or height), a quarter of the spare height above the crop
UPPER_SLACK = 0.25
# the background is read in the output's top corners, beside and above the head (parts of the width
# and height); plain: every channel's spread within BACKGROUND_SPREAD; light: mean grey at least BACKGROUND_LIGHT
BACKGROUND_CORNER, BACKGROUND_SPREAD, BACKGROUND_LIGHT = (0.18, 0.3), 24.0, 170.0
NO_FACE = "未检测到人脸，已按照片上部居中裁剪：请人工核对是否为本人正面免冠照"
BACKGROUND_NOT_PLAIN = "背景不是纯净的浅色：标准照片要求白色或浅色的纯色背景，请核对，必要时重新拍摄"
_SRGB = ImageCms.createProfile("sRGB")
_VIPS_MODES = ("L", "LA", "RGB", "RGBA")  # 8-bit PNGs, decoded by libvips (see _shrunk_png)
pillow_heif.register_heif_opener()  # HEIC, what iPhones take photos in
pyvips.cache_set_max(0)  # uploads are never decoded twice: libvips keeps no one's pixels after the call
FaceFinder = Callable[[Image.Image], Box | None]


@dataclass(frozen=True)
class Normalised:
    jpeg: bytes
    width: int
    height: int
    dpi: int
    report: dict[str, Any]


def shown_size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def refuse(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, "file")


def _open(data: bytes, standard: PhotoStandard) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise refuse(f"图片像素过多（超过{standard.max_source_pixels // 1_000_000}百万像素），请缩小后再上传") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise refuse("无法识别的图片文件，请上传 JPG、PNG 等格式的照片") from None
    if getattr(image, "n_frames", 1) > 1 and image.format != "HEIF":  # (a HEIF opens at its primary image)
        raise refuse("不接受动图（多帧图片），请上传一张静态照片")
    if image.format not in standard.formats:
        raise refuse(f"不支持 {image.format} 格式，请上传以下格式之一：{'、'.join(standard.formats)}")
    if image.width * image.height > standard.max_source_pixels:
        raise refuse(f"图片像素过多（超过{standard.max_source_pixels // 1_000_000}百万像素），请缩小后再上传")
    return image


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation; of a PNG only from chunks before its pixels (Pillow would inflate the whole image
    to look for an eXIf chunk after them, which the PNG specification places before)."""
    if image.format == "PNG" and "exif" not in image.info:
        return 1
    return int(image.getexif().get(ExifTags.Base.Orientation, 1))


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    return (image.height, image.width) if _orientation(image) in (5, 6, 7, 8) else image.size


def _largest_crop(width: int, height: int, aspect: float) -> tuple[int, int]:
    """The largest (w, h) of the given aspect ratio (w / h) inside width × height."""
    return (width, round(width / aspect)) if width / height <= aspect else (round(height * aspect), height)


def _shrunk_png(image: Image.Image, data: bytes, scale: float) -> Image.Image | None:
    """An 8-bit PNG inflated and box-shrunk by the whole factor that keeps at least `scale` of its size, by
    libvips in one streaming pass (Pillow has no reduced decode for PNG, and inflates faster than
    Pillow); None for the rarer kinds (palette, 16-bit, a transparent colour), which Pillow decodes."""
    if image.format != "PNG" or image.mode not in _VIPS_MODES or "transparency" in image.info:
        return None
    try:
        shrunk = pyvips.Image.pngload_buffer(data, access="sequential", fail_on="error")
        if shrunk.format != "uchar" or shrunk.bands != len(image.mode):
            return None
        factor = max(1, int(1 / scale))
        if factor > 1:  # alpha averaged premultiplied, as a resize does
            alpha = shrunk.bands in (2, 4)
            shrunk = (shrunk.premultiply() if alpha else shrunk).shrink(factor, factor)
            shrunk = shrunk.unpremultiply().cast("uchar") if alpha else shrunk
        pixels = shrunk.write_to_memory()
    except pyvips.Error:
        raise refuse("照片文件已损坏或不完整，请重新导出后上传") from None
    out = Image.frombytes(image.mode, (shrunk.width, shrunk.height), pixels)
    out.info.update({k: v for k, v in image.info.items() if k in ("icc_profile", "exif")})
    return out


def _decoded(image: Image.Image, scale: float, data: bytes) -> tuple[Image.Image, int, str]:
    """(upright 8-bit sRGB image, EXIF orientation, colour conversion) of an opened image; a JPEG
    decoded at the smallest DCT scale (1/8, 1/4, 1/2, 1) that is at least `scale` of the full size, a PNG
    shrunk by the largest whole factor that keeps at least `scale`."""
    orientation = _orientation(image)
    if image.format == "JPEG" and scale < 1.0:
        image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image = _shrunk_png(image, data, scale) or image
    image.load()
    if orientation != 1:  # (exif_transpose copies the image even when there is nothing to turn)
        image = ImageOps.exif_transpose(image)
    image, colour = _to_srgb(image)
    return image, orientation, colour


def _to_srgb(image: Image.Image) -> tuple[Image.Image, str]:
    """8-bit sRGB; the conversion applied, for the report."""
    mode = image.mode
    icc = image.info.get("icc_profile")
    if mode.startswith("I;16") or mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if mode.startswith("I;16") or values.max() > 255 else 255.0
        image = Image.fromarray(np.clip(values * (255.0 / peak), 0, 255).astype(np.uint8), "L")
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
    if image.mode in ("RGBA", "LA", "La", "RGBa"):
        rgba, image = image.convert("RGBA"), Image.new("RGB", image.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    if icc and image.mode in ("RGB", "CMYK", "L"):
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB, outputMode="RGB"
            )
            if converted is not None:
                return converted, f"{mode}+ICC→sRGB"
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to the plain conversion below
    return (image if image.mode == "RGB" else image.convert("RGB")), ("RGB" if mode == "RGB" else f"{mode}→RGB")


def _crop_box(size: tuple[int, int], face: Box | None, aspect: float, min_h: int) -> tuple[int, int, int, int]:
    """Around the face (never smaller than `min_h` high: no enlarging), else the upper centre."""
    width, height = size
    max_w, max_h = _largest_crop(width, height, aspect)
    if face is None:
        left, top = (width - max_w) // 2, round((height - max_h) * UPPER_SLACK)
        return left, top, left + max_w, top + max_h
    x, y, w, h = face
    crop_h = min(max_h, max(min_h, round(h * FACE_ZOOM)))
    crop_w = min(max_w, round(crop_h * aspect))
    crop_h = min(crop_h, round(crop_w / aspect))
    left = min(max(0, round(x + w / 2 - crop_w / 2)), width - crop_w)
    top = min(max(0, round(y + h / 2 - crop_h * FACE_CENTRE_Y)), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def _plain_light_background(photo: Image.Image) -> bool:
    """True when the top corners of the output are one light colour."""
    w, h = round(photo.width * BACKGROUND_CORNER[0]), round(photo.height * BACKGROUND_CORNER[1])
    boxes = ((0, 0, w, h), (photo.width - w, 0, photo.width, h))
    pixels = np.concatenate([np.asarray(photo.crop(box), dtype=np.float32).reshape(-1, 3) for box in boxes])
    return bool(pixels.std(axis=0).max() <= BACKGROUND_SPREAD and pixels.mean() >= BACKGROUND_LIGHT)


def warnings(face: Box | None, photo: Image.Image) -> list[dict[str, str]]:
    """What a clerk should look at, each with a stable code."""
    found = [] if face else [{"code": "NO_FACE", "message": NO_FACE}]
    if not _plain_light_background(photo):
        found.append({"code": "BACKGROUND_NOT_PLAIN", "message": BACKGROUND_NOT_PLAIN})
    return found


def encode(image: Image.Image, dpi: int, max_bytes: int) -> tuple[bytes, int]:
    """Baseline JPEG with `dpi` in the JFIF header and nothing else; the highest quality under the cap."""

    def at(quality: int) -> bytes:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True, progressive=False)
        return out.getvalue()

    best = at(MAX_QUALITY)
    if len(best) <= max_bytes:
        return best, MAX_QUALITY
    low, high, found, quality = MIN_QUALITY, MAX_QUALITY - 1, None, 0
    while low <= high:  # the highest quality whose output fits
        mid = (low + high) // 2
        data = at(mid)
        if len(data) <= max_bytes:
            found, quality, low = data, mid, mid + 1
        else:
            high = mid - 1
    if found is None:
        raise refuse(f"照片压缩到最低质量仍超过 {shown_size(max_bytes)} 上限，请换一张背景简单的照片")
    return found, quality


def normalise(
    data: bytes, standard: PhotoStandard, max_upload_bytes: int, find_face: FaceFinder = largest_face
) -> Normalised:
    """The standard JPEG of an uploaded photo, or a DomainError (code INVALID_INPUT, field `file`) saying why not.
    (`find_face` is the detector; the benchmark swaps it to price detection apart.)"""
    if not data:
        raise refuse("照片文件为空")
    if len(data) > max_upload_bytes:
        raise refuse(f"照片文件超过 {shown_size(max_upload_bytes)} 上限")
    image = _open(data, standard)
    source = {
        "format": image.format,
        "mode": image.mode,
        "width": image.width,
        "height": image.height,
        "bytes": len(data),
    }
    aspect = standard.width_px / standard.height_px
    try:  # any decoding fault from here on means a damaged file (reading EXIF may decode a PNG)
        oriented = _oriented_size(image)
        crop_w, crop_h = _largest_crop(*oriented, aspect)
        if crop_w < standard.min_width_px or crop_h < standard.min_height_px:
            raise refuse(
                f"照片太小：{oriented[0]}×{oriented[1]} 像素，"
                f"至少需要 {standard.min_width_px}×{standard.min_height_px} 像素"
            )
        # a JPEG is decoded at twice what the output needs from the largest crop (DCT scaling costs
        # little more at 1/4 than at 1/8: the entropy decoding is the same), a PNG at four times (the shrink
        # costs nothing, a second decode a whole inflate) ...
        needs = (2 if image.format == "JPEG" else 4) * standard.width_px / crop_w
        with tracing.step("photo.decode"):
            image, orientation, colour = _decoded(image, min(1.0, needs), data)
        with tracing.step("photo.faces"):
            face = find_face(image)  # (it shrinks its own copies: see faces.py)
        # ... and once more, finer, when the face is too small for its crop to fill the output there
        needed = standard.height_px / (FACE_ZOOM * face[3]) if face else 1.0
        if face is not None and needed > 1.0 and image.width < oriented[0]:
            with tracing.step("photo.decode_finer"):
                finer, _, _ = _decoded(Image.open(io.BytesIO(data)), min(1.0, needed * image.width / oriented[0]), data)
            left, top, width, height = (round(v * finer.width / image.width) for v in face)
            face = (left, top, width, height)
            image = finer
        scale = image.width / oriented[0]
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, Image.DecompressionBombError):
        raise refuse("照片文件已损坏或不完整，请重新导出后上传") from None
    with tracing.step("photo.encode"):
        box = _crop_box(image.size, face, aspect, standard.height_px)
        # a crop 3 or more times the output is box-averaged by a whole factor first (as libvips' thumbnail
        # does): 2.2 ms instead of 5.5 on a 12 MP photo's upper centre, within 0.7 of 255 of a fair Lanczos
        size = (standard.width_px, standard.height_px)
        out = image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=REDUCING_GAP)
        jpeg, quality = encode(out, standard.dpi, standard.max_bytes)

    def in_source(b: Box) -> list[int]:  # coordinates of the oriented full-size source
        return [round(v / scale) for v in b]

    report = {
        "source": source,
        "decodeScale": round(scale, 4),
        "orientation": orientation,
        "colour": colour,
        "faceFound": face is not None,
        "face": in_source(face) if face else None,
        "crop": "FACE" if face else "UPPER_CENTRE",
        "cropBox": in_source(box),
        "quality": quality,
        "width": standard.width_px,
        "height": standard.height_px,
        "dpi": standard.dpi,
        "bytes": len(jpeg),
        "warnings": warnings(face, out),
    }
    return Normalised(jpeg, standard.width_px, standard.height_px, standard.dpi, report)

"""Test images, all generated here (one real face from scikit-image's bundled data)."""

from __future__ import annotations

import io
import struct
from typing import Any

import numpy as np
from PIL import Image, ImageCms, ImageDraw


def encoded(image: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def portrait(size: tuple[int, int] = (600, 800), colour: tuple[int, int, int] = (200, 180, 160)) -> Image.Image:
    return Image.new("RGB", size, colour)


def noise(size: tuple[int, int], seed: int = 1) -> Image.Image:
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8), "RGB")


def astronaut() -> Image.Image:
    """A real photograph of a face (public domain NASA portrait, shipped inside the scikit-image wheel)."""
    from skimage import data

    return Image.fromarray(data.astronaut())


def face_off_centre() -> Image.Image:
    """The face far right on a wide grey canvas: an upper-centre crop would miss it."""
    canvas = Image.new("RGB", (1800, 800), (120, 120, 120))
    canvas.paste(astronaut().resize((640, 640)), (1120, 80))
    return canvas


FACE_BOX, FACE_SIDE = (177, 66), 95  # the astronaut's face box in its 512-pixel portrait (Haar, full size)


def standing(
    size: tuple[int, int], part: int, centre: tuple[float, float], seed: int = 3
) -> tuple[bytes, tuple[int, int, int, int]]:
    """A JPEG of the astronaut scaled so that the face box is 1/`part` of the short side, centred at `centre`
    (fractions of the width and height, kept inside the frame) on a noisy background; and the true face box."""
    width, height = size
    side = min(width, height) / part
    scale = side / FACE_SIDE
    person = astronaut().resize((round(512 * scale),) * 2, Image.Resampling.BICUBIC)
    noise = np.random.default_rng(seed).normal(0, 8, (height, width, 3)) + np.array([150, 160, 175])
    canvas = Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8))
    fx = min(max(0, round(centre[0] * width - side / 2)), round(width - side))
    fy = min(max(0, round(centre[1] * height - side / 2)), round(height - side))
    canvas.paste(person, (round(fx - FACE_BOX[0] * scale), round(fy - FACE_BOX[1] * scale)))
    return encoded(canvas, "JPEG", quality=90), (fx, fy, round(side), round(side))


def passport(background: tuple[int, int, int] = (246, 246, 246)) -> Image.Image:
    """The astronaut's head alone (an ellipse around the face) on a plain background, as an ID photo is taken."""
    canvas = Image.new("RGB", (600, 800), background)
    mask = Image.new("L", (512, 512), 0)
    ImageDraw.Draw(mask).ellipse((160, 20, 290, 200), fill=255)
    canvas.paste(astronaut(), (76, 220), mask)
    return canvas


def linear_rgb_profile() -> bytes:
    """sRGB primaries with linear tone curves (gamma 1.0): a profile that really changes the colours."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    curve = b"curv" + b"\0\0\0\0" + struct.pack(">I", 1) + struct.pack(">H", 0x0100) + b"\0\0"
    offset = len(data)
    data += curve
    (count,) = struct.unpack(">I", data[128:132])
    for i in range(count):
        at = 132 + 12 * i
        if bytes(data[at : at + 4]) in (b"rTRC", b"gTRC", b"bTRC"):
            data[at + 4 : at + 12] = struct.pack(">II", offset, len(curve) - 2)
    data[0:4] = struct.pack(">I", len(data))
    return bytes(data)


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (400, 500), c) for c in ((255, 0, 0), (0, 0, 255))]
    return encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def with_orientation(image: Image.Image, orientation: int, **options: Any) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encoded(image, "JPEG", exif=exif, **options)

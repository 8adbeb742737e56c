"""The photo standard: print size and resolution → pixels, size cap, accepted formats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

import pluggy

CM_PER_INCH = Decimal("2.54")


class StandardSettings(TypedDict):
    """The configurable settings of the standard (TMIS_MEDIA_STANDARD, a plugin's tmis_photo_standard)."""

    width_cm: float
    height_cm: float
    dpi: int
    max_bytes: int
    formats: list[str]
    min_width_px: int
    min_height_px: int
    max_source_pixels: int


# 全国教师信息照片标准 as schools apply it (SPEC §3): 2.5 × 3.1 cm at 200 dpi, JPEG, < 60 KB.
# min_width_px / min_height_px: the smallest crop of the source that is accepted (0: the output size, so a
# photo is never enlarged); max_source_pixels: refused before decoding (decompression bombs).
DEFAULT: StandardSettings = {
    "width_cm": 2.5,
    "height_cm": 3.1,
    "dpi": 200,
    "max_bytes": 60 * 1024,
    "formats": ["JPEG", "PNG", "WEBP", "BMP", "TIFF", "HEIF"],
    "min_width_px": 0,
    "min_height_px": 0,
    "max_source_pixels": 64_000_000,
}


def to_pixels(cm: float, dpi: int) -> int:
    """cm at dpi, rounded half up: 2.5 cm at 200 dpi = 196.85 → 197 px; 3.1 cm → 244.09 → 244 px."""
    return int((Decimal(str(cm)) / CM_PER_INCH * dpi).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PhotoStandard:
    width_cm: float
    height_cm: float
    dpi: int
    max_bytes: int
    formats: tuple[str, ...]
    min_width: int = 0
    min_height: int = 0
    max_source_pixels: int = 64_000_000

    @property
    def width_px(self) -> int:
        return to_pixels(self.width_cm, self.dpi)

    @property
    def height_px(self) -> int:
        return to_pixels(self.height_cm, self.dpi)

    @property
    def min_width_px(self) -> int:
        return self.min_width or self.width_px

    @property
    def min_height_px(self) -> int:
        return self.min_height or self.height_px


def resolve(pm: pluggy.PluginManager, configured: dict[str, Any] | None = None) -> PhotoStandard:
    """The configured standard, unless a plugin's `tmis_photo_standard` overrides it."""
    base: dict[str, Any] = {**DEFAULT, **(configured or {})}
    chosen = pm.hook.tmis_photo_standard(standard=dict(base)) or base
    return PhotoStandard(
        float(chosen["width_cm"]),
        float(chosen["height_cm"]),
        int(chosen["dpi"]),
        int(chosen["max_bytes"]),
        tuple(chosen["formats"]),
        int(chosen.get("min_width_px") or 0),
        int(chosen.get("min_height_px") or 0),
        int(chosen.get("max_source_pixels") or DEFAULT["max_source_pixels"]),
    )

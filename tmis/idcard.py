"""居民身份证号码 (GB 11643-1999): check digit, birth date and gender digit."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["check_digit", "parse", "IdCardError", "make"]

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


class IdCardError(ValueError):
    """Why a number is not a valid 居民身份证号码 (message in Chinese)."""


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse(number: str, today: dt.date | None = None) -> tuple[str, dt.date, str]:
    """Normalise and validate; returns (number, birth date, gender code "1" 男 / "2" 女)."""
    value = number.strip().upper()
    if len(value) != 18:
        raise IdCardError("居民身份证号码应为18位")
    if not _PATTERN.match(value):
        raise IdCardError("居民身份证号码前17位应为数字，最后一位为数字或X")
    if check_digit(value[:17]) != value[17]:
        raise IdCardError("居民身份证号码校验位不正确")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdCardError("居民身份证号码中的出生日期不存在") from None
    if birth > (today or dt.date.today()):
        raise IdCardError("居民身份证号码中的出生日期晚于今天")
    return value, birth, "1" if int(value[16]) % 2 else "2"


def make(region: str, birth: dt.date, serial: int, gender: str) -> str:
    """A valid number for test and demo data: 3-digit serial whose parity matches the gender."""
    seq = serial % 500 * 2 + (1 if gender == "1" else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + check_digit(first17)

"""What every stored text must be, wherever it is entered: something a person can see, and no
bidirectional controls (U+202E and its kin reorder what is shown, so a name could pose as another)."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls but tab and line breaks

# the explicit embeddings, overrides and isolates, and the three directional marks
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# letters and symbols that are drawn as nothing
_BLANK = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def text_problem(text: str) -> str | None:
    """Why `text` (already trimmed) cannot be stored, said after the field's label; None when it can.
    An empty text is left to the required-field checks."""
    if _CONTROL.search(text):
        return "含有不可见的控制字符"
    if any(c in BIDI_CONTROLS for c in text):
        return "含有文字方向控制字符"
    if text and not any(unicodedata.category(c)[0] not in "CZ" and c not in _BLANK for c in text):
        return "只含不可见的字符"
    return None


__all__ = ["BIDI_CONTROLS", "text_problem"]

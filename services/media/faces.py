"""Face detection with OpenCV's cascades: Haar, whose model ships inside the opencv wheel
(`cv2.data.haarcascades`), and LBP, OpenCV's own, shipped in `models/` beside this file (source and
licence there): nothing is downloaded at run time.

A cascade's cost grows with the number of windows it tries, most of them at the smallest face
size, so the search runs in passes on grey copies shrunk by box averaging, each only when the one
before found nothing:
- first look: the short side at `COARSE_SIDE` pixels; the LBP cascade (integer features, about three
  times cheaper than Haar) proposes faces of at least 24 pixels there (about 1/6.7 of the short side),
  and Haar confirms each proposal in a small window around it, at finer steps: an ID photo or a portrait,
  found in about 4 ms (LBP alone finds more that are not faces; Haar's confirmation keeps its precision);
- coarse: Haar over the same copy, for what LBP missed or proposed wrongly;
- fine: the short side at `FINE_SIDE` pixels (or the decoded image itself, when it is smaller), for faces
  down to 24 pixels there (1/26 of the short side: a teacher photographed standing, off to one side of
  a landscape shot), and no larger than what the coarse pass already covered.
Each pass runs only when the coarse copy has a window the size of that pass's smallest face (the cascade's 24
pixels there, about 6 for the fine pass's) whose grey levels spread (standard deviation) `FLAT_SPREAD` or more:
a photo of an empty backdrop is conclusive in well under a millisecond. The cascades find no face whose
windows spread less than about 10 levels there (the astronaut's head at lowered contrast, every size the passes
look for), while a 12 MP photo of a backdrop in a dim room spreads under 1 (bench/README.md, "A photo upload").
OpenCV's own threads are off: the service already runs one photo per thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import cv2
import cv2.data  # (the package's stub does not declare the submodule)
import numpy as np
from PIL import Image

COARSE_SIDE, FINE_SIDE, LONG_SIDE_RATIO = 160, 640, 4  # the long side is capped too (panoramas)
WINDOW = 24  # the cascade's own window: the smallest face it finds
# scale steps: the coarse pass's faces span several of its steps anyway; the fine pass's smallest need the finer step
COARSE_STEP, FINE_STEP, NEIGHBOURS = 1.2, 1.15, 4
# LBP proposals: a liberal vote (Haar decides), the largest few; each confirmed within half its size around it
PROPOSE_STEP, PROPOSE_NEIGHBOURS, PROPOSALS, CONFIRM_STEP = 1.15, 2, 3, 1.1
FLAT_SPREAD = 3.0  # grey levels (standard deviation in a window): under it, no face (see the module)
cv2.setNumThreads(1)
_HAAR = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
_LBP = str(Path(__file__).with_name("models") / "lbpcascade_frontalface.xml")
_local = threading.local()  # a CascadeClassifier is not safe to share between threads

Box = tuple[int, int, int, int]  # left, top, width, height


def _cascade(model: str) -> cv2.CascadeClassifier:
    cascades: dict[str, cv2.CascadeClassifier] = _local.__dict__.setdefault("cascades", {})
    if model not in cascades:
        cascade = cv2.CascadeClassifier(model)
        if cascade.empty():
            raise RuntimeError(f"face model missing: {model}")
        cascades[model] = cascade
    return cascades[model]


def _scale(size: tuple[int, int], side: int) -> float:
    """What shrinks `size` to a short side of about `side` (never enlarged; the long side capped)."""
    return min(1.0, side / min(size), side * LONG_SIDE_RATIO / max(size))


def _grey(image: Image.Image, side: int) -> tuple[np.ndarray, float]:
    """A grey copy whose short side is about `side` (see `_scale`), and its scale.
    (`largest_face` passes a grey image: one channel to shrink, not three.)"""
    scale = _scale(image.size, side)
    small = image
    if scale < 1.0:  # shrink by a whole factor by box averaging, then the rest
        factor = int(1 / scale)
        small = image.reduce(factor) if factor > 1 else image
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        if small.size != size:
            small = small.resize(size, Image.Resampling.BILINEAR)
    return np.asarray(small.convert("L")), small.width / image.width


def _flat(grey: np.ndarray, side: int) -> bool:
    """True when no `side` × `side` window spreads `FLAT_SPREAD` grey levels: no face of that size to look for."""
    window = (max(2, min(side, *grey.shape)),) * 2
    mean, mean_square = cv2.boxFilter(grey, cv2.CV_32F, window), cv2.sqrBoxFilter(grey, cv2.CV_32F, window)
    return float((mean_square - mean * mean).max()) < FLAT_SPREAD**2


def _search(grey: np.ndarray, step: float, smallest: int, largest: int, model: str = _HAAR) -> list[tuple[int, Box]]:
    """(neighbours, box) of each face found: the more overlapping detections, the surer."""
    if smallest > min(grey.shape) or smallest > largest:
        return []
    neighbours = PROPOSE_NEIGHBOURS if model == _LBP else NEIGHBOURS
    found, votes = _cascade(model).detectMultiScale2(
        grey, scaleFactor=step, minNeighbors=neighbours, minSize=(smallest,) * 2, maxSize=(largest,) * 2
    )
    return [(int(n), _box(f)) for f, n in zip(found, votes, strict=True)]


def _confirmed(grey: np.ndarray) -> list[tuple[int, Box]]:
    """Haar's faces around the largest of LBP's proposals."""
    proposals = sorted(
        (box for _, box in _search(grey, PROPOSE_STEP, WINDOW, max(grey.shape), _LBP)), key=lambda b: -b[2]
    )
    found = []
    for x, y, w, h in proposals[:PROPOSALS]:
        left, top = max(0, x - w // 2), max(0, y - h // 2)
        around = grey[top : y + h + h // 2, left : x + w + w // 2]
        for n, (fx, fy, fw, fh) in _search(around, CONFIRM_STEP, max(WINDOW, round(w / 1.5)), round(w * 1.5)):
            found.append((n, (fx + left, fy + top, fw, fh)))
    return found


def _box(rect: Sequence[int]) -> Box:
    left, top, width, height = (int(v) for v in rect)
    return left, top, width, height


def largest_face(image: Image.Image) -> Box | None:
    """The surest frontal face in an RGB image (the most overlapping detections; of equally sure ones the
    largest), in its pixel coordinates; None when none is found."""
    image = image.convert("L")  # once, for both passes (each shrinks its own copy)
    grey, scale = _grey(image, COARSE_SIDE)
    found = [] if _flat(grey, WINDOW) else _confirmed(grey) or _search(grey, COARSE_STEP, WINDOW, max(grey.shape))
    fine_window = round(WINDOW * scale / _scale(image.size, FINE_SIDE))  # the fine pass's smallest face, here
    # (an image barely above the coarse size: searched already)
    if not found and min(image.size) * 0.8 > COARSE_SIDE and not _flat(grey, fine_window):
        fine, fine_scale = _grey(image, FINE_SIDE)
        # up to the coarse pass's smallest face, with a margin for the scale steps
        found, scale = _search(fine, FINE_STEP, WINDOW, round(WINDOW * 1.3 * fine_scale / scale)), fine_scale
    if not found:
        return None
    x, y, w, h = max(found)[1]  # the surest; of equally sure ones the largest
    return round(x / scale), round(y / scale), round(w / scale), round(h / scale)

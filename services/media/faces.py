"""Face detection with OpenCV's Haar cascade, whose model ships inside the opencv wheel
(`cv2.data.haarcascades`): nothing is downloaded at run time.

The cascade's cost grows with the number of windows it tries, most of them at the smallest face
size, so the search runs in two passes on grey copies shrunk by box averaging:
- coarse: the short side at `COARSE_SIDE` pixels, for faces of at least 24 pixels there (about 1/6.7
  of the short side): an ID photo or a portrait, found in a few milliseconds;
- fine, only when the coarse pass found nothing: the short side at `FINE_SIDE` pixels, for faces
  down to 24 pixels there (1/20 of the short side: a teacher photographed standing, off to one
  side of a landscape shot), and no larger than what the coarse pass already covered.
OpenCV's own threads are off: the service already runs one photo per thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import cv2
import cv2.data  # (the package's stub does not declare the submodule)
import numpy as np
from PIL import Image

COARSE_SIDE, FINE_SIDE, LONG_SIDE_RATIO = 160, 480, 4  # the long side is capped too (panoramas)
WINDOW = 24  # the cascade's own window: the smallest face it finds
STEP, NEIGHBOURS = 1.15, 4
cv2.setNumThreads(1)
_MODEL = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
_local = threading.local()  # a CascadeClassifier is not safe to share between threads

Box = tuple[int, int, int, int]  # left, top, width, height


def _cascade() -> cv2.CascadeClassifier:
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        cascade = cv2.CascadeClassifier(_MODEL)
        if cascade.empty():
            raise RuntimeError(f"face model missing: {_MODEL}")
        _local.cascade = cascade
    return cascade


def _grey(image: Image.Image, side: int) -> tuple[np.ndarray, float]:
    """A grey copy whose short side is about `side` (never enlarged; the long side capped), and its scale."""
    scale = min(1.0, side / min(image.size), side * LONG_SIDE_RATIO / max(image.size))
    small = image
    if scale < 1.0:  # shrink first (a whole factor by box averaging, then the rest), then grey: fewer pixels
        factor = int(1 / scale)
        small = image.reduce(factor) if factor > 1 else image
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        if small.size != size:
            small = small.resize(size, Image.Resampling.BILINEAR)
    return np.asarray(small.convert("L")), small.width / image.width


def _search(grey: np.ndarray, step: float, smallest: int, largest: int) -> list[tuple[int, Box]]:
    """(neighbours, box) of each face found: the more overlapping detections, the surer."""
    if smallest > min(grey.shape) or smallest > largest:
        return []
    found, neighbours = _cascade().detectMultiScale2(
        grey, scaleFactor=step, minNeighbors=NEIGHBOURS, minSize=(smallest,) * 2, maxSize=(largest,) * 2
    )
    return [(int(n), _box(f)) for f, n in zip(found, neighbours, strict=True)]


def _box(rect: Sequence[int]) -> Box:
    left, top, width, height = (int(v) for v in rect)
    return left, top, width, height


def largest_face(image: Image.Image) -> Box | None:
    """The surest frontal face in an RGB image (the most overlapping detections; of equally sure ones the
    largest), in its pixel coordinates; None when none is found."""
    grey, scale = _grey(image, COARSE_SIDE)
    found = _search(grey, STEP, WINDOW, max(grey.shape))
    if not found and min(image.size) * 0.8 > COARSE_SIDE:  # (an image barely above the coarse size: searched already)
        fine, fine_scale = _grey(image, FINE_SIDE)
        # up to the coarse pass's smallest face, with a margin for the scale steps
        found, scale = _search(fine, STEP, WINDOW, round(WINDOW * 1.3 * fine_scale / scale)), fine_scale
    if not found:
        return None
    x, y, w, h = max(found)[1]  # the surest; of equally sure ones the largest
    return round(x / scale), round(y / scale), round(w / scale), round(h / scale)

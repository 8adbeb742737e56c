"""Face detection with OpenCV's Haar cascade, whose model ships inside the opencv wheel
(`cv2.data.haarcascades`): nothing is downloaded at run time.

Detection runs on a grey copy at most `DETECT_SIDE` pixels on its short side, for faces at
least 1/8 of that side (an ID photo's face is far larger), with coarse scale steps: the
cascade's cost grows with the number of windows, and this keeps it near 20 ms CPU whatever the
source size. OpenCV's own threads are off: the service already runs one photo per thread.
"""
from __future__ import annotations

import os
import threading

import cv2
import numpy as np
from PIL import Image

DETECT_SIDE, DETECT_LONG_SIDE = 240, 960  # the long side is capped too (panoramas)
SCALE_STEP, NEIGHBOURS, MIN_FACE_PART = 1.15, 4, 8
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


def largest_face(image: Image.Image) -> Box | None:
    """The largest frontal face in an RGB image, in its pixel coordinates; None when none is found."""
    scale = min(1.0, DETECT_SIDE / min(image.size), DETECT_LONG_SIDE / max(image.size))
    small = image
    if scale < 1.0:  # shrink first, then grey: fewer pixels to convert
        small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.BILINEAR, reducing_gap=2.0)
    small = small.convert("L")
    side = min(small.size)
    found = _cascade().detectMultiScale(np.asarray(small), scaleFactor=SCALE_STEP, minNeighbors=NEIGHBOURS, minSize=(max(24, side // MIN_FACE_PART),) * 2)
    if len(found) == 0:
        return None
    x, y, w, h = max(found, key=lambda f: int(f[2]) * int(f[3]))
    return round(x / scale), round(y / scale), round(w / scale), round(h / scale)

"""Face detection with OpenCV's Haar cascade, whose model ships inside the opencv wheel
(`cv2.data.haarcascades`): nothing is downloaded at run time.

Detection runs on a grey copy at most `DETECT_SIDE` pixels on its long side: faces in an ID
photo are large, and that keeps detection at a few milliseconds whatever the source size.
"""
from __future__ import annotations

import os
import threading

import cv2
import numpy as np
from PIL import Image

DETECT_SIDE = 480
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
    scale = min(1.0, DETECT_SIDE / max(image.size))
    small = image.convert("L")
    if scale < 1.0:
        small = small.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.BILINEAR)
    side = min(small.size)
    found = _cascade().detectMultiScale(np.asarray(small), scaleFactor=1.1, minNeighbors=5, minSize=(max(24, side // 8),) * 2)
    if len(found) == 0:
        return None
    x, y, w, h = max(found, key=lambda f: int(f[2]) * int(f[3]))
    return round(x / scale), round(y / scale), round(w / scale), round(h / scale)

"""Face recall of the photo path: how small a face, how far from the centre, is still found and centred.

Scenes are generated (`tests.support.images.standing`) from the real portrait shipped
inside scikit-image (the NASA astronaut, whose face box spans 95 of its 512 pixels): the portrait scaled
so that the face box is a given part of the photo's short side, pasted at several positions on a
landscape phone-sized canvas (a noisy grey-blue background), saved as JPEG and
normalised by `services.media.normalise.normalise`.
A face counts as found when the report's face centre lies inside the true face box and the crop
box is centred on it (horizontally within a quarter of the face's width, unless it meets the edge).

    .venv/bin/python bench/face_recall.py [--width 4000 --height 3000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.media.normalise import normalise  # noqa: E402
from services.media.standard import resolve  # noqa: E402
from tests.support.images import standing  # noqa: E402
from tmis.plugins import make_plugin_manager  # noqa: E402

STANDARD = resolve(make_plugin_manager(""))
PARTS = (3, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28)  # face box = short side / part
POSITIONS = {
    "left-top": (0.12, 0.3),
    "left": (0.12, 0.5),
    "centre": (0.5, 0.4),
    "right": (0.88, 0.5),
    "right-low": (0.88, 0.62),
}


def found(report: dict, truth: tuple[int, int, int, int], width: int) -> bool:
    if not report["faceFound"]:
        return False
    x, y, w, h = report["face"]
    tx, ty, tw, th = truth
    cx, cy = x + w / 2, y + h / 2
    left, _, right, _ = report["cropBox"]
    # centred, or pushed against an edge
    centred = abs((left + right) / 2 - (tx + tw / 2)) <= tw / 4 or left == 0 or right == width
    return tx <= cx <= tx + tw and ty <= cy <= ty + th and centred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    args = parser.parse_args()
    print(f"canvas {args.width}x{args.height}; face box = short side / part; positions {', '.join(POSITIONS)}")
    smallest = None
    spent, runs = 0.0, 0
    for part in PARTS:
        hits = []
        for name, centre in POSITIONS.items():
            jpeg, truth = standing((args.width, args.height), part, centre)
            started = time.process_time()
            report = normalise(jpeg, STANDARD, 64 * 1024 * 1024).report
            spent += time.process_time() - started
            runs += 1
            hits.append(name if found(report, truth, args.width) else "-")
        recall = sum(h != "-" for h in hits) / len(hits)
        if recall == 1.0:
            smallest = part
        print(f"1/{part:<3} ({min(args.width, args.height) // part:4} px)  recall {recall:4.0%}  {' '.join(hits)}")
    print(f"smallest face found at every position: 1/{smallest} of the short side" if smallest else "none everywhere")
    print(f"{1000 * spent / runs:.1f} ms CPU per photo (whole normalisation)")


if __name__ == "__main__":
    main()

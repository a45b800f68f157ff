"""Faces the lids were not tuned on: each shared photo scaled to 0.6x and turned grey.

Twenty rounds of lid changes were judged on the same 19 faces, each within a few hundredths
of the blink line on some; a change that helps those can be a nudge that crosses the line on
one photo. The variants are the same people at a smaller size (a 0.6x face has 0.6x the
pixels between its eyes, as a smaller print or a group photo gives) and without colour (the
lid tone, lash colour and lower rim tests all read colour). Judge a change on them too:

    .venv/bin/python benchmarks/photo_variants.py /tmp/variants
    .venv/bin/python benchmarks/shut_probe.py --photos-dir /tmp/variants
    .venv/bin/python benchmarks/judge_photos.py --photos-dir /tmp/variants --seeds 0,1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.judge_photos import PHOTOS, photo_paths  # noqa: E402

SCALE = 0.6  # the smaller variant's size; INTER_AREA, as a print scanned smaller


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out", type=Path, nargs="?", default=Path("/tmp/keepsake_variants"),
        help="the variants go here (PNG, lossless)",
    )  # fmt: skip
    parser.add_argument("--photos", default="", help="comma-separated name parts (default all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in photo_paths(PHOTOS, args.photos):
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            continue
        small = cv2.resize(image, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_AREA)
        grey = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
        cv2.imwrite(str(args.out / f"{path.stem}_x06.png"), small)
        cv2.imwrite(str(args.out / f"{path.stem}_grey.png"), grey)
        print(path.stem, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

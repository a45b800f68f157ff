"""How shut the shut eye looks to the independent judge, in seconds a photo instead of minutes.

``judge_photos.py --seconds 6`` renders, encodes and judges a whole memorial clip (about a
minute a photo on a shared machine) to learn one number, the EAR dip of its blink. Most of
that dip is decided by one frame: the eye at full closure. This probe renders each photo's
face with its eyes open and shut (closure 1, nothing else moving), slides both frames by the
memorial's slow sub-pixel sway (dlib's reading of one still moves by up to 0.1 for changes
nobody can see; a clip's blink spans several swayed frames, and the judge keeps the lowest),
encodes 24 open frames with 6 shut ones among them like a clip and runs the same judge on
it. On round 13's base (all 19 photos, about 2 minutes) its ``ear_min/med`` came within
0.08 of the 6 s clips' (seed 0) on the 17 faces with 60 px or more between the eyes, and on
the same side of the 0.52 line on 17 of 19; on the two small faces it read higher (dlib_2008
0.66 against 0.55, dlib_2009 0.70 against 0.51). A probe finds what to look at; a change is
confirmed with ``judge_photos.py`` before it is reported.

    .venv/bin/python benchmarks/shut_probe.py [--photos art_1,art_9] [--out DIR] [--photos-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.closeups import face_frames  # noqa: E402
from benchmarks.judge_photos import PHOTOS, photo_paths, run_judge, sway  # noqa: E402
from engine_edge.analysis import load_models  # noqa: E402
from engine_edge.deliver import encode_mp4  # noqa: E402
from engine_edge.image_io import load_image  # noqa: E402

FPS = 30.0
OPEN, SHUT = 24, 6  # frames of each; the shut ones sit in the middle, as a blink does


def open_and_shut(image: np.ndarray, models) -> tuple[np.ndarray, np.ndarray] | None:  # type: ignore[no-untyped-def]
    """The photo's largest face rendered with its eyes open and shut, or None without a face."""
    found = face_frames(image, models)
    if found is None:
        return None
    frame = found[0]
    return frame(), frame(lid_left=1.0, lid_right=1.0)


def probe_clip(opened: np.ndarray, shut: np.ndarray) -> bytes:
    """Open frames with a run of shut ones in the middle, all swaying, encoded like a clip."""
    first = (OPEN - SHUT) // 2
    frames = (
        sway(shut if first <= i < first + SHUT else opened, i / FPS) for i in range(OPEN + SHUT)
    )
    h, w = opened.shape[:2]
    return encode_mp4(frames, fps=FPS, size=(w, h))


def _number(d: dict, key: str) -> float:
    value = d.get(key)
    return float(value) if isinstance(value, int | float) else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", default="", help="comma-separated name parts (default all)")
    parser.add_argument("--out", default="/tmp/shut_probe", help="probe clips go here")
    parser.add_argument(
        "--photos-dir", type=Path, default=PHOTOS, help="probe the photos in this folder instead"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    photos = photo_paths(args.photos_dir, args.photos)
    models = load_models()
    print("photo                           iod  ear_open  ear_min/med")
    for path in photos:
        frames = open_and_shut(load_image(path), models)
        if frames is None:
            print(f"{path.stem[:29]:29s}  no face")
            continue
        mp4 = out / f"{path.stem}.mp4"
        mp4.write_bytes(probe_clip(*frames))
        j = run_judge("judge.py", str(path), str(mp4), "--json", "--id-every", "1000")
        face, blinks = j.get("face") or {}, j.get("blinks") or {}
        iod, ear = _number(face, "iod_px_median"), _number(blinks, "ear_median")
        dip = _number(blinks, "ear_min_over_median")
        print(f"{path.stem[:29]:29s} {iod:5.0f}  {ear:8.3f}  {dip:11.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How far the independent judge's eye follows the lid: its EAR on each blink frame, by closure.

``judge_photos.py`` reports one number per clip, the lowest EAR over its median, and dlib's
reading of one shut frame moves by 0.1 or more for changes nobody can see: the lowest of a
few shut frames is mostly that noise. This renders memorial clips, asks the judge for its
per-frame EAR (``--series``) and pairs each frame with the closure the performance gave it,
so a lid change is read on every blink frame: the median EAR over its median on the nearly
shut frames (closure 0.95 and up), on the half-shut ones (0.5-0.9), and the lowest. On a
photo whose closed eye dlib sees the shut median sits well under the half-shut one
(liveportrait_s1: about 0.37 against 0.5); where it does not, the two are alike (the eye
reads half shut however far the lid comes down).

    .venv/bin/python benchmarks/blink_frames.py [--photos art_1,s1] [--seeds 0,1]
        [--photos-dir DIR] [--frames]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.judge_photos import PHOTOS, photo_paths, run_judge  # noqa: E402
from engine_edge.analysis import analyse, load_models  # noqa: E402
from engine_edge.image_io import load_image  # noqa: E402
from engine_edge.pipeline import AnimateOptions, animate_photo  # noqa: E402

SHUT_FROM = 0.95  # closure from which a frame counts as shut
HALF = (0.5, 0.9)  # closures of the half-shut frames
BLINK_FROM = 0.05  # frames with less closure are not blink frames


def blink_readings(closure: np.ndarray, ear: np.ndarray) -> dict[str, float]:
    """The judge's EAR over its clip median on the blink frames: the median on the shut
    and on the half-shut frames, and the lowest; NaN where there are none."""
    n = min(closure.size, ear.size)
    closure, ratio = closure[:n], ear[:n] / np.nanmedian(ear)
    seen = np.isfinite(ratio)

    def median(mask: np.ndarray) -> float:
        return float(np.median(ratio[mask & seen])) if np.any(mask & seen) else float("nan")

    blink = (closure > BLINK_FROM) & seen
    return {
        "shut": median(closure >= SHUT_FROM),
        "half": median((closure >= HALF[0]) & (closure <= HALF[1])),
        "lowest": float(np.min(ratio[blink])) if blink.any() else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", default="", help="comma-separated name parts (default all)")
    parser.add_argument("--photos-dir", type=Path, default=PHOTOS, help="photos from this folder")
    parser.add_argument("--seeds", default="0,1", help="comma-separated seeds")
    parser.add_argument("--seconds", type=float, default=6.0, help="memorial clip length")
    parser.add_argument("--out", default="/tmp/blink_frames", help="clips go here")
    parser.add_argument("--frames", action="store_true", help="also print closure:EAR per frame")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    models = load_models()
    print("photo                         seed  shut  half  lowest")
    for path in photo_paths(args.photos_dir, args.photos):
        image = load_image(path)
        analysis = analyse(image, models)
        for seed in (int(s) for s in args.seeds.split(",")):
            options = AnimateOptions(preset="memorial", seed=seed, seconds=args.seconds)
            clip = animate_photo(image, options, models, analysis=analysis)
            if not clip.performance.faces:
                print(f"{path.stem[:29]:29s}  no face")
                break
            mp4 = out / f"{path.stem}_s{seed}.mp4"
            mp4.write_bytes(clip.mp4)
            judged = run_judge("judge.py", str(path), str(mp4), "--json", "--series",
                               "--id-every", "1000")  # fmt: skip
            series = (judged.get("series") or {}).get("ear") or []
            ear = np.array([np.nan if v is None else v for v in series], np.float64)
            face = clip.performance.faces[0]
            closure = np.maximum(face.lid_left, face.lid_right).astype(np.float64)
            r = blink_readings(closure, ear) if ear.size else {}
            row = f"{path.stem[:29]:29s} {seed:4d}"
            row += "".join(f"  {r.get(k, float('nan')):4.2f}" for k in ("shut", "half", "lowest"))
            if args.frames and ear.size:
                ratio = ear / np.nanmedian(ear)
                row += "  " + " ".join(
                    f"{c:.2f}:{e:.2f}"
                    for c, e in zip(closure, ratio, strict=False)
                    if c > BLINK_FROM
                )
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What turning a photo upright costs: `analyse_upright` against `analyse` of the same photo.

    .venv/bin/python benchmarks/orient.py [--runs N] [--photos a.jpg,b.png]

Rows, per photo (the astronaut, and ../shared/data/photos when present):
- upright: analyse_upright of the photo as it is, against analyse (the ratio must be 1:
  an upright photo with a sure face is searched once, exactly as before);
- turned 90/180/270: analyse_upright of the photo laid on its side, against analyse of it
  upright (what the turn costs a guest who laid the print sideways).
Medians of N runs after warm-up, every call interleaved so a busy machine slows all alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED_PHOTOS = REPO.parent / "shared" / "data" / "photos"
WARM_UP_RUNS = 2


def photos(names: list[str] | None) -> dict[str, np.ndarray]:
    """The astronaut and the shared photos (or the ones named)."""
    from skimage import data

    from engine_edge.image_io import load_image

    found = {"astronaut": data.astronaut()}
    if SHARED_PHOTOS.is_dir():
        for path in sorted(SHARED_PHOTOS.iterdir()):
            if names is None or path.name in names:
                found[path.name] = load_image(path)
    if names is not None:
        found = {k: v for k, v in found.items() if k in names}
    return found


def medians_ms(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median milliseconds of each call, run round-robin after warm-up."""
    times: dict[str, list[float]] = {k: [] for k in calls}
    for i in range(runs + WARM_UP_RUNS):
        for key, fn in calls.items():
            start = time.perf_counter()
            fn()
            if i >= WARM_UP_RUNS:
                times[key].append((time.perf_counter() - start) * 1000.0)
    return {k: statistics.median(v) for k, v in times.items()}


def rows(images: dict[str, np.ndarray], runs: int) -> list[str]:
    from engine_edge.analysis import analyse, analyse_upright, load_models

    models = load_models()
    out = [
        "| photo | as laid | turn kept | analyse_upright ms | analyse upright ms | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for name, image in images.items():
        laid = {deg: np.ascontiguousarray(np.rot90(image, deg // 90)) for deg in (0, 90, 180, 270)}
        calls: dict[str, Callable[[], object]] = {"analyse": partial(analyse, image, models)}
        for deg, photo in laid.items():
            calls[f"upright {deg}"] = partial(analyse_upright, photo, models)
        med = medians_ms(calls, runs)
        for deg, photo in laid.items():
            kept = analyse_upright(photo, models).turn.clockwise_deg
            ms, base = med[f"upright {deg}"], med["analyse"]
            out.append(
                f"| {name} | {'upright' if not deg else f'{deg} ccw'} | {kept} | "
                f"{ms:.1f} | {base:.1f} | {ms / base:.2f} |"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--photos", help="comma-separated names (astronaut, shared photo files)")
    args = parser.parse_args()
    names = args.photos.split(",") if args.photos else None
    print("\n".join(rows(photos(names), args.runs)))


if __name__ == "__main__":
    main()

"""Close-ups a person judges by: each photo's eyes shut mid-blink and its mouth open mid-word.

Renders single frames straight from the renderer (no encoding) for the shared photos
(or the astronaut) and writes one PNG strip per photo: open eyes, closed eyes,
mouth at rest, mouth open on a vowel with teeth. ``--mouth``: the mouth alone, at rest
and on the speech shapes B, C and D (jaw 0.36, 0.6, 0.9, as ``speech.articulation``
sets them). Run it on two checkouts for a before/after.

    .venv/bin/python benchmarks/closeups.py OUT_DIR [--photos s1,art_0,...] [--mouth]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

REPO = Path.cwd()
sys.path.insert(0, str(REPO))

from engine_edge.analysis import analyse, load_models  # noqa: E402
from engine_edge.deliver import plan_framing  # noqa: E402
from engine_edge.image_io import load_image  # noqa: E402
from engine_edge.perform import CameraParams, FaceParams, FrameParams  # noqa: E402
from engine_edge.pipeline import reframe  # noqa: E402
from engine_edge.render import Renderer  # noqa: E402
from engine_edge.rig import build_rig  # noqa: E402

PHOTOS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "photos"
TILE_PX = 320


def _tile(frame: np.ndarray, centre: np.ndarray, half: tuple[float, float]) -> np.ndarray:
    (cx, cy), (hw, hh) = centre, half
    h, w = frame.shape[:2]
    x0, x1 = int(max(0, cx - hw)), int(min(w, cx + hw))
    y0, y1 = int(max(0, cy - hh)), int(min(h, cy + hh))
    crop = frame[y0:y1, x0:x1]
    size = (TILE_PX, max(1, round(TILE_PX * crop.shape[0] / max(crop.shape[1], 1))))
    return cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC)


# Speech shapes (``speech.articulation``): jaw_open, lip_width, upper_lip_raise, teeth_show.
SHAPES = {"B": (0.36, 0.2, 0.1, 0.6), "C": (0.6, 0.3, 0.15, 0.7), "D": (0.9, 0.2, 0.2, 0.6)}


def largest_face_renderer(image: np.ndarray, models) -> Renderer | None:  # type: ignore[no-untyped-def]
    """The renderer of the photo's largest face as the pipeline frames it; None without one."""
    analysis = analyse(image, models)
    faces = [f.box for f in analysis.faces if not f.too_small]
    photo, local = reframe(image, analysis, plan_framing(analysis.image_size, faces, "original"))
    rig = build_rig(local, "largest")
    if not rig.faces:
        return None
    return Renderer(photo, rig, local.person_mask)


def face_frames(image: np.ndarray, models) -> tuple[Callable[..., np.ndarray], np.ndarray] | None:  # type: ignore[no-untyped-def]
    """A renderer of the photo's largest face as the pipeline frames it (``FaceParams``
    keywords in, frame out) and that face's landmarks (x, y); None without a face."""
    renderer = largest_face_renderer(image, models)
    if renderer is None:
        return None

    def frame(**face: float) -> np.ndarray:
        return renderer.render(FrameParams((FaceParams(**face),), CameraParams()))

    return frame, renderer.rig.faces[0].landmarks[:, :2]


def strip(image: np.ndarray, models, mouth_only: bool = False) -> np.ndarray | None:  # type: ignore[no-untyped-def]
    found = face_frames(image, models)
    if found is None:
        return None
    frame, lm = found
    iod = float(np.linalg.norm(lm[468] - lm[473]))
    eyes, mouth = (lm[33] + lm[263]) / 2, (lm[61] + lm[291]) / 2 + [0, 0.15 * iod]

    if mouth_only:
        half = (0.55 * iod, 0.33 * iod)
        tiles = [_tile(frame(), mouth, half)] + [
            _tile(frame(jaw_open=j, lip_width=w, upper_lip_raise=r, teeth_show=t), mouth, half)
            for j, w, r, t in SHAPES.values()
        ]
        return _join(tiles)
    tiles = [
        _tile(frame(), eyes, (1.0 * iod, 0.55 * iod)),
        _tile(frame(lid_left=1.0, lid_right=1.0), eyes, (1.0 * iod, 0.55 * iod)),
        _tile(frame(), mouth, (0.7 * iod, 0.385 * iod)),
        _tile(frame(jaw_open=0.75, teeth_show=1.0, lip_width=0.2), mouth, (0.7 * iod, 0.385 * iod)),
    ]
    return _join(tiles)


def _join(tiles: list[np.ndarray]) -> np.ndarray:
    height = max(t.shape[0] for t in tiles)
    return np.concatenate([np.pad(t, ((0, height - t.shape[0]), (0, 4), (0, 0))) for t in tiles], 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--photos", default="", help="comma-separated name parts (default all)")
    parser.add_argument("--mouth", action="store_true", help="the mouth at rest and on B, C, D")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    models = load_models()
    wanted = [w for w in args.photos.split(",") if w]
    for path in sorted(PHOTOS.iterdir()) if PHOTOS.is_dir() else []:
        if wanted and not any(w in path.name for w in wanted):
            continue
        row = strip(load_image(path), models, args.mouth)
        if row is not None:
            cv2.imwrite(str(args.out / f"{path.stem}.png"), cv2.cvtColor(row, cv2.COLOR_RGB2BGR))
            print(args.out / f"{path.stem}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())

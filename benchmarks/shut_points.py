"""Where the independent judge puts a shut eye's six points, against the lines the lid is drawn on.

``shut_probe.py`` gives one number a photo (how shut the judge reads the shut eye);
this says why. Each photo's largest face is rendered open and shut (closure 1, nothing
else moving) with the shut line (where the lids meet) and the open eye's lower lid line;
then the judge's dlib fits its 68 points to both stills under six sub-pixel sways (its
reading of one still moves by up to 0.1 for changes nobody can see) and reports, per eye,
the median EAR open and shut and where its upper pair (points 2, 3) and lower pair (5, 6)
sit across the eye, in eye lengths from the shut line (+ down). Rounds 23-25 found the
lower pair where the open eye's lower lid was (on sadtalker_art_19 and art_9 at the bottom
of the lower rim, 0.07-0.13 below the shut line) and the upper pair on the top of the
shut lash band; x6 crops of the shut eyes with the points (red), the shut line (green)
and the lower lid line (blue) are written to OUT/<photo>_points.png.

    .venv/bin/python benchmarks/shut_points.py [--photos art_19,art_9] [--out DIR]
        [--photos-dir DIR]

The fit runs in the judge's own environment (this file, re-run there with ``--fit``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# The memorial's slow sway, sampled: (dx, dy) px
SWAYS = ((0.0, 0.0), (0.33, 0.1), (-0.4, 0.25), (0.15, -0.35), (-0.2, -0.1), (0.45, 0.4))
EYES = (("R", slice(36, 42)), ("L", slice(42, 48)))  # dlib's eye points; R is image-left
CROP_SCALE = 6


def render_stills(out: Path, names: str, folder: Path) -> list[str]:
    """Open and shut stills of each photo's largest face, with its eyes' lines; the stems."""
    from benchmarks.closeups import largest_face_renderer
    from benchmarks.judge_photos import photo_paths
    from engine_edge.analysis import load_models
    from engine_edge.image_io import load_image
    from engine_edge.perform import CameraParams, FaceParams, FrameParams

    models = load_models()
    stems = []
    for path in photo_paths(folder, names):
        renderer = largest_face_renderer(load_image(path), models)
        if renderer is None:
            continue
        lines = {}
        for (side, _), eye in zip(EYES, renderer.parts[0].eyes, strict=True):
            lines[f"{side}_shut"] = eye.frame.to_xy(eye.u_grid, eye.shut_line)
            lines[f"{side}_lower"] = eye.frame.to_xy(eye.u_grid, eye.lower)
        np.savez(out / f"{path.stem}_lines.npz", **lines)
        for name, closure in (("open", 0.0), ("shut", 1.0)):
            face = FaceParams(lid_left=closure, lid_right=closure)
            frame = renderer.render(FrameParams((face,), CameraParams()))
            cv2.imwrite(
                str(out / f"{path.stem}_{name}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
            )
        stems.append(path.stem)
    return stems


def fit_points(tools, rgb: np.ndarray) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """dlib's 68 points on ``rgb`` slid by each of ``SWAYS`` (and slid back), largest face."""
    fits = []
    for dx, dy in SWAYS:
        shift = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]], np.float32)
        moved = cv2.warpAffine(
            rgb, shift, rgb.shape[1::-1], flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT
        )
        boxes = tools.detect(moved, use_cnn=True)
        if boxes:
            box = max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
            fits.append(tools.landmarks(moved, box)[0] - np.array([dx, dy]))
    return fits


def across(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Each point's distance below ``line`` (an (n, 2) polyline corner to corner), in the
    line's lengths, measured across the corner-to-corner axis."""
    a, b = line[0], line[-1]
    length = float(np.linalg.norm(b - a))
    eu = (b - a) / length
    ev = np.array([-eu[1], eu[0]])
    ev = ev if ev[1] > 0 else -ev
    lu, lv = (line - a) @ eu, (line - a) @ ev
    order = np.argsort(lu)
    pu, pv = (points - a) @ eu, (points - a) @ ev
    return (pv - np.interp(pu, lu[order], lv[order])) / length


def eye_row(fits: list[np.ndarray], eye: slice, line: np.ndarray) -> tuple[float, float, float]:
    """Median EAR of one eye over the fits, and its upper and lower pairs below ``line``."""
    ears, ups, lows = [], [], []
    for pts in fits:
        p = pts[eye]
        ears.append(
            (np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4]))
            / (2.0 * np.linalg.norm(p[0] - p[3]))
        )
        v = across(p, line)
        ups.append((v[1] + v[2]) / 2)
        lows.append((v[4] + v[5]) / 2)
    return float(np.median(ears)), float(np.median(ups)), float(np.median(lows))


def crop(
    bgr: np.ndarray, points: np.ndarray, lines: dict[str, np.ndarray], side: str
) -> np.ndarray:
    """The shut eye at ``CROP_SCALE`` with dlib's points and the lid's two lines drawn."""
    shut = lines[f"{side}_shut"]
    width = float(np.linalg.norm(shut[-1] - shut[0]))
    cx, cy = shut.mean(axis=0)
    x0, y0 = max(0, int(cx - 0.8 * width)), max(0, int(cy - 0.5 * width))
    x1, y1 = int(cx + 0.8 * width), int(cy + 0.45 * width)
    big = cv2.resize(
        bgr[y0:y1, x0:x1], None, fx=CROP_SCALE, fy=CROP_SCALE, interpolation=cv2.INTER_CUBIC
    )
    origin = np.array([x0 - 0.5, y0 - 0.5])
    for key, colour in (("shut", (0, 200, 0)), ("lower", (255, 100, 0))):
        poly = ((lines[f"{side}_{key}"] - origin) * CROP_SCALE).astype(np.int32)
        cv2.polylines(big, [poly], False, colour, 1)
    for x, y in (points - origin) * CROP_SCALE:
        cv2.circle(big, (int(x), int(y)), 3, (0, 0, 255), -1)
    return big


def report(out: Path, stems: list[str]) -> None:
    """The judge's points on each photo's stills (run in the judge's environment)."""
    sys.path.insert(0, str(SHARED / "judge"))
    import judge  # type: ignore[import-not-found]

    tools = judge.FaceTools()
    print(
        "photo                      eye  ear open  shut  ratio   upper open/shut  lower open/shut"
    )
    for stem in stems:
        lines = dict(np.load(out / f"{stem}_lines.npz"))
        stills = {k: cv2.imread(str(out / f"{stem}_{k}.png")) for k in ("open", "shut")}
        fits = {k: fit_points(tools, cv2.cvtColor(v, cv2.COLOR_BGR2RGB)) for k, v in stills.items()}
        if not fits["open"] or not fits["shut"]:
            print(f"{stem[:26]:26s} no face found by the judge")
            continue
        tiles = []
        for side, eye in EYES:
            o, s = (eye_row(fits[k], eye, lines[f"{side}_shut"]) for k in ("open", "shut"))
            print(
                f"{stem[:26]:26s} {side}   {o[0]:8.3f} {s[0]:5.3f} {s[0] / o[0]:6.2f}"
                f"   {o[1]:+.3f} {s[1]:+.3f}     {o[2]:+.3f} {s[2]:+.3f}",
                flush=True,
            )
            tiles.append(crop(stills["shut"], fits["shut"][0][eye], lines, side))
        h = max(t.shape[0] for t in tiles)
        row = [np.pad(t, ((0, h - t.shape[0]), (0, 6), (0, 0))) for t in tiles]
        cv2.imwrite(str(out / f"{stem}_points.png"), np.concatenate(row, axis=1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", default="", help="comma-separated name parts (default all)")
    parser.add_argument("--out", default="/tmp/shut_points", help="stills, crops go here")
    parser.add_argument(
        "--photos-dir", type=Path, default=SHARED / "data" / "photos", help="another folder"
    )
    parser.add_argument("--fit", nargs="*", help=argparse.SUPPRESS)  # the judge's half
    args = parser.parse_args()
    out = Path(args.out)
    if args.fit is not None:
        report(out, args.fit)
        return 0
    sys.path.insert(0, str(REPO))
    from benchmarks.judge_photos import JUDGE_PY

    if not JUDGE_PY.exists():
        print(f"shut_points: the judge's environment is missing ({JUDGE_PY})", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    stems = render_stills(out, args.photos, args.photos_dir)
    cmd = [str(JUDGE_PY), str(Path(__file__).resolve()), "--out", str(out), "--fit", *stems]
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())

"""Scan speed: print detection at 640x480 preview, and 12 MP capture-to-photo time.

Baseline in the same process: a plain Canny + largest-contour detector (the classic
document-scanner recipe) on the same frames. It is much faster and much less robust
(no hints, no sub-pixel corners, fails on textured tables); the ratio says what the
robustness costs.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
from skimage import data

from engine_edge.scan.detect import detect_print_quad
from engine_edge.scan.session import ScanSettings, scan_still
from engine_edge.scan.synthetic import SceneSpec, render_print_scene


def baseline_detect(frame: np.ndarray) -> np.ndarray | None:
    grey = cv2.GaussianBlur(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), (5, 5), 0)
    edges = cv2.Canny(grey, 50, 150)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    best = max(contours, key=cv2.contourArea)
    approx = cv2.approxPolyDP(best, 0.02 * cv2.arcLength(best, True), True)
    return approx.reshape(-1, 2) if len(approx) == 4 else None


def median_s(fn: Callable[[Any], object], inputs: list[Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        for item in inputs:
            t = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def accuracy_sweep(count: int = 60) -> None:
    """Random scenes (tables, pose, light, glare, noise, blur, JPEG, borders): how many are
    found to 1 % of the diagonal, how many refused with a hint, how many silently wrong."""
    names = ["astronaut", "coffee", "chelsea", "camera", "rocket"]
    photos = {n: getattr(data, n)() for n in names}
    tables = ["wood", "light", "dark", "brick", "gravel", "grass", "cloth"]
    rng = np.random.default_rng(1)
    accurate = refused = wrong = 0
    for i in range(count):
        spec = SceneSpec(
            table=tables[i % 7],
            seed=i,
            roll_deg=float(rng.uniform(-20, 20)),
            tilt_x_deg=float(rng.uniform(-15, 15)),
            tilt_y_deg=float(rng.uniform(-12, 12)),
            print_share=float(rng.uniform(0.2, 0.5)),
            offset=(float(rng.uniform(-0.08, 0.08)), float(rng.uniform(-0.08, 0.08))),
            border_px=int(rng.choice([0, 0, 20])),
            light_gradient=float(rng.uniform(0, 0.4)),
            noise_sigma=float(rng.uniform(0, 5)),
            blur_sigma_px=float(rng.uniform(0, 1.2)),
            jpeg_quality=int(rng.choice([0, 70, 90])),
        )
        scene = render_print_scene(photos[names[i % 5]], spec)
        found = detect_print_quad(scene.frame)
        diag = float(np.linalg.norm(scene.corners[2] - scene.corners[0]))
        ok = found.corners is not None and (
            float(np.linalg.norm(found.corners - scene.corners, axis=1).max()) <= 0.01 * diag
        )
        if ok:
            accurate += 1
        elif found.usable:
            wrong += 1
        else:
            refused += 1
    print(
        f"accuracy sweep, {count} random scenes (1280x960): {accurate} corners within 1 % of "
        f"the diagonal, {refused} refused with a hint, {wrong} wrong without a hint"
    )


def main() -> None:
    logging.disable(logging.WARNING)
    photos = [data.astronaut(), data.coffee(), data.chelsea()]
    tables = ["wood", "gravel", "dark"]
    preview = [
        render_print_scene(p, SceneSpec(frame_size=(640, 480), table=t, seed=i)).frame
        for i, (p, t) in enumerate(zip(photos, tables, strict=True))
    ]
    base = median_s(baseline_detect, preview)
    full = median_s(detect_print_quad, preview)
    # The live preview tracks: each frame starts from the previous frame's corners.
    starts = [detect_print_quad(f).corners for f in preview]
    rng = np.random.default_rng(0)
    pairs = [(f, c + rng.normal(0, 1.0, c.shape)) for f, c in zip(preview, starts, strict=True)]
    tracked = median_s(lambda fc: detect_print_quad(fc[0], previous=fc[1]), pairs)
    print(f"baseline Canny+contour 640x480: {1 / base:.0f} fps ({base * 1000:.1f} ms)")
    print(
        f"detect 640x480 full search: {1 / full:.1f} fps ({full * 1000:.1f} ms), "
        f"{full / base:.0f}x baseline"
    )
    print(
        f"detect 640x480 tracking (live preview): {1 / tracked:.1f} fps "
        f"({tracked * 1000:.1f} ms), {tracked / base:.0f}x baseline"
    )
    big = cv2.resize(data.astronaut(), (2000, 2000), interpolation=cv2.INTER_CUBIC)
    spec = SceneSpec(frame_size=(4000, 3000), table="wood", print_share=0.4)
    scene = render_print_scene(big, spec).frame
    settings = ScanSettings()
    photo_s = median_s(lambda f: scan_still(f, settings), [scene], repeat=3)
    base_12mp = median_s(baseline_detect, [scene], repeat=3)
    print(
        f"12 MP capture-to-photo (detect + rectify + restore): {photo_s:.2f} s; "
        f"baseline detect alone {base_12mp:.2f} s ({photo_s / base_12mp:.1f}x)"
    )
    accuracy_sweep()


if __name__ == "__main__":
    main()

"""Scan speed: print detection at 640x480 preview, and 12 MP capture-to-photo time.

Baseline in the same process: a plain Canny + largest-contour detector (the classic
document-scanner recipe), run on the same frames.
"""

from __future__ import annotations

import statistics
import time

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


def median_s(fn, frames, repeat=3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        for f in frames:
            t = time.perf_counter()
            fn(f)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    photos = [data.astronaut(), data.coffee(), data.chelsea()]
    tables = ["wood", "gravel", "dark"]
    preview = [
        render_print_scene(p, SceneSpec(frame_size=(640, 480), table=t, seed=i)).frame
        for i, (p, t) in enumerate(zip(photos, tables, strict=True))
    ]
    ours = median_s(detect_print_quad, preview)
    base = median_s(baseline_detect, preview)
    print(
        f"detect 640x480: {1 / ours:.1f} fps (median {ours * 1000:.1f} ms); "
        f"baseline Canny+contour {1 / base:.1f} fps; ratio {ours / base:.1f}x slower"
    )
    big = cv2.resize(data.astronaut(), (2000, 2000), interpolation=cv2.INTER_CUBIC)
    scene = render_print_scene(
        big, SceneSpec(frame_size=(4000, 3000), table="wood", print_share=0.4)
    ).frame
    settings = ScanSettings()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        scan_still(scene, settings)
        times.append(time.perf_counter() - t)
    full = statistics.median(times)
    t = time.perf_counter()
    baseline_detect(scene)
    base_full = time.perf_counter() - t
    print(
        f"12 MP capture-to-photo (detect+rectify+restore): median {full:.2f} s; "
        f"baseline detect alone {base_full:.2f} s; ratio {full / base_full:.1f}x"
    )


if __name__ == "__main__":
    main()

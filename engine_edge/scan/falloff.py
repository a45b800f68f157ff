"""Even out the light across the print, measured on the table around it.

A lamp to one side lights a print unevenly: one side comes out darker. The picture
cannot say how bright it should be, but the table round the print can: it is lit by the
same lamp, and a plane fitted to its brightness in a ring just outside the print (robust
to the table's own grain, tiles or weave) is the light fall-off. Its inverse, mapped into
the flat print, lifts the darker side to match the brighter one.
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_VARIATION = 1.05  # brightest / darkest light over the print below which nothing is done
MAX_GAIN = 1.8  # never lift a part of the print by more (a dark table corner, a shadow)


def falloff_gain(
    frame: np.ndarray, corners: np.ndarray, out_size: tuple[int, int]
) -> np.ndarray | None:
    """Gain (float32, ``out_size`` = (width, height) of the flat print) that evens the light,
    or None when the light is even or the table cannot tell."""
    h, w = frame.shape[:2]
    scale = min(1.0, 400 / max(h, w))
    small = cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
    quad = (corners * scale).astype(np.float32)
    size = float(np.sqrt(cv2.contourArea(quad)))
    ring = _ring(grey.shape, quad, 0.04 * size, 0.15 * size)
    ys, xs = np.nonzero(ring)
    if len(xs) < 300:
        return None
    sides = _sides_seen(xs, ys, quad)
    if sides < 3:
        return None  # a plane through one or two sides would be a guess
    coef = _robust_plane(xs.astype(np.float64), ys.astype(np.float64), grey[ys, xs])
    if coef is None:
        return None
    # The plane at a grid over the flat print, mapped into the small frame.
    out_w, out_h = out_size
    grid = 17
    u, v = np.meshgrid(np.linspace(0, out_w, grid), np.linspace(0, out_h, grid))
    dst = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
    to_frame = cv2.getPerspectiveTransform(dst, quad)
    pts = cv2.perspectiveTransform(np.c_[u.ravel(), v.ravel()][None].astype(np.float32), to_frame)
    px, py = pts[0, :, 0], pts[0, :, 1]
    light = (coef[0] * px + coef[1] * py + coef[2]).reshape(grid, grid)
    if light.min() <= 1.0 or light.max() / light.min() < MIN_VARIATION:
        return None
    gain = np.clip(light.max() / light, 1.0, MAX_GAIN).astype(np.float32)
    return np.asarray(cv2.resize(gain, (out_w, out_h), interpolation=cv2.INTER_LINEAR))


def even_light(flat: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """``flat`` (RGB uint8) with ``gain`` applied per pixel."""
    return np.clip(flat.astype(np.float32) * gain[..., None] + 0.5, 0, 255).astype(np.uint8)


def _ring(shape: tuple[int, ...], quad: np.ndarray, inner: float, outer: float) -> np.ndarray:
    """Pixels between ``inner`` and ``outer`` pixels outside the quad (inside the frame)."""
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 255)
    distance = cv2.distanceTransform(255 - mask, cv2.DIST_L2, 5)
    return (distance > inner) & (distance < outer)


def _sides_seen(xs: np.ndarray, ys: np.ndarray, quad: np.ndarray) -> int:
    """How many of the print's four sides the ring's pixels lie beyond."""
    centre = quad.mean(axis=0)
    angles = np.arctan2(ys - centre[1], xs - centre[0])
    corner_angles = np.sort(np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0]))
    sector = np.searchsorted(corner_angles, angles) % 4
    counts = np.bincount(sector, minlength=4)
    return int((counts > 0.05 * len(xs)).sum())


def _robust_plane(xs: np.ndarray, ys: np.ndarray, values: np.ndarray) -> np.ndarray | None:
    """Least-squares plane through (x, y, value), refitted twice without the outliers."""
    design = np.c_[xs, ys, np.ones(len(xs))]
    keep = np.ones(len(xs), bool)
    coef = None
    for _ in range(3):
        if keep.sum() < 100:
            return None
        coef, *_ = np.linalg.lstsq(design[keep], values[keep], rcond=None)
        residual = np.abs(values - design @ coef)
        keep = residual <= 2.5 * np.median(residual[keep]) + 1.0
    return coef

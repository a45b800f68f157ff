"""Even out the light across the print, measured on the table around it.

A lamp to one side lights a print unevenly: one side comes out darker. The picture
cannot say how bright it should be, but the table round the print can: it is lit by the
same lamp, and a plane fitted to its brightness in a ring just outside the print (robust
to the table's own grain, tiles or weave) is the light fall-off. Its inverse, mapped into
the flat print, lifts the darker side to match the brighter one. The same plane, read at
the view's corners, says how much light the whole print missed where it lies
(:func:`view_lift`); the restoration gives a share of that back once the print's border is
cut off.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MIN_VARIATION = 1.05  # brightest / darkest light over the print below which nothing is done
MAX_GAIN = 1.8  # never lift a part of the print by more (a dark table corner, a shadow)


MAX_VIEW_LIFT = 1.3  # never lift a whole print by more on the table's word
# The share of the view's light (as a power) that a print is lifted to. The plane, read at
# the view's corners, reaches past a lamp's real best: a lamp's light peaks and levels off
# where a plane climbs on (a synthetic 30 % fall-off, levelled at the frame's edge, read 3-6 %
# over it), and the camera's exposure is unknown. On the tunable sets 4800000+ and
# 4900000+, the square root of the lift took as many scans over 0.95 of the ideal as the
# whole lift, with half as many made worse by more than 0.005.
VIEW_LIFT_SHARE = 0.5


@dataclass(frozen=True)
class TableLight:
    """The lamp's light on the table round a print: the plane (a, b, c: light = a x + b y +
    c) fitted on a small copy of the frame, the print's corners on that copy, and the
    frame's corners there (the whole view)."""

    plane: np.ndarray
    quad: np.ndarray
    view: np.ndarray


def table_light(frame: np.ndarray, corners: np.ndarray) -> TableLight | None:
    """The table's light fitted in a ring round the print (``corners``, frame pixels) on a
    small copy; None when the ring is too small or sees fewer than three of the print's
    sides. Measured once per capture: :func:`falloff_gain` and :func:`view_lift` read it."""
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
    if _sides_seen(xs, ys, quad) < 3:
        return None  # a plane through one or two sides would be a guess
    coef = _robust_plane(xs.astype(np.float64), ys.astype(np.float64), grey[ys, xs])
    if coef is None:
        return None
    view = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64) * scale
    return TableLight(coef, quad, view)


def falloff_gain(light: TableLight, out_size: tuple[int, int]) -> np.ndarray | None:
    """Gain (float32, ``out_size`` = (width, height) of the flat print) that evens the light,
    or None when the light is even or the plane falls to black over the print (the table
    cannot tell)."""
    coef, quad = light.plane, light.quad
    # The plane at a grid over the flat print, mapped into the small frame.
    out_w, out_h = out_size
    grid = 17
    u, v = np.meshgrid(np.linspace(0, out_w, grid), np.linspace(0, out_h, grid))
    dst = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
    to_frame = cv2.getPerspectiveTransform(dst, quad)
    pts = cv2.perspectiveTransform(np.c_[u.ravel(), v.ravel()][None].astype(np.float32), to_frame)
    px, py = pts[0, :, 0], pts[0, :, 1]
    lit = (coef[0] * px + coef[1] * py + coef[2]).reshape(grid, grid)
    if lit.min() <= 1.0 or lit.max() / lit.min() < MIN_VARIATION:
        return None
    gain = np.clip(lit.max() / lit, 1.0, MAX_GAIN).astype(np.float32)
    return np.asarray(cv2.resize(gain, (out_w, out_h), interpolation=cv2.INTER_LINEAR))


def view_lift(light: TableLight) -> float:
    """The gain a print is lifted by: how much brighter the lamp lights the best-lit part of
    the view than the print's best-lit side, to the power :data:`VIEW_LIFT_SHARE`, at most
    :data:`MAX_VIEW_LIFT` (1 where the print lies in the best light).

    :func:`falloff_gain` lifts a print to its own brighter side only, so a print lying
    where the lamp falls off (a small print in the middle of the view, 15-20 % dimmer)
    keeps that loss. The same plane, read at the frame's corners (a plane's brightest
    point over a rectangle is one of them), says how much light the print missed; a share
    of it is given back (:data:`VIEW_LIFT_SHARE`)."""
    coef = light.plane
    best_view = float((light.view @ coef[:2] + coef[2]).max())
    best_print = float((light.quad.astype(np.float64) @ coef[:2] + coef[2]).max())
    if best_print <= 1.0:
        return 1.0
    return float(np.clip((best_view / best_print) ** VIEW_LIFT_SHARE, 1.0, MAX_VIEW_LIFT))


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

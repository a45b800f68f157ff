"""Fit a print's outline at any resolution: each side a robust line through sub-pixel
edge positions across it, so fingers over an edge, rounded or deckled corners and a
sleeve's reflection count as outliers. Every search for an outline ends here."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from engine_edge.scan import geometry

# Lightness step (CIE L) across a side from which its width is read in lightness alone.
MIN_LIGHT_STEP = 6.0
# How far from a known outline its edges are looked for when only their widths are wanted:
# the outline stays on the edge it was fitted to (profiles a half pixel apart).
SHARPNESS_RADIUS_PX = 3.0
# A JPEG's colour blocks (4:2:0: 16 x 16 frame pixels), and how near (pixels) both ends of a
# side must lie to one of their boundaries for the side to be taken as on it.
COLOUR_BLOCK_PX = 16
BLOCK_GRID_NEAR_PX = 0.35


@dataclass(frozen=True)
class Fit:
    """One fitted outline: its corners (TL, TR, BR, BL), how well its sides lie on edges
    and how blurred each side is; every search hands these on, so they are compared alike."""

    corners: np.ndarray
    support: float
    side_widths: tuple[float, ...]  # per side (top, right, bottom, left)
    # Per side, its width in lightness alone (None where it steps too little in lightness
    # to read one); only read when asked for (``refine_once(lightness=True)``).
    light_widths: tuple[float | None, ...] = ()
    # Per side, the share of it that lies on a step (``support`` is the least of them).
    side_supports: tuple[float, ...] = ()

    @property
    def edge_width_px(self) -> float:
        """The outline's blur width: its sides' median."""
        return float(np.median(self.side_widths))

    @property
    def widest_edge_px(self) -> float:
        """The blurriest side's width: a shake smears some sides only."""
        return max(self.side_widths)


def side_shifts(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
    """Per side (top, right, bottom, left), how far ``outer``'s side lies outside
    ``inner``'s, at its middle (pixels, along ``inner``'s outward normal)."""
    shifts = []
    for i in range(4):
        middle = (inner[i] + inner[(i + 1) % 4]) / 2
        mid = (outer[i] + outer[(i + 1) % 4]) / 2
        shifts.append(float(np.dot(mid - middle, outward_normal(inner, i))))
    return np.array(shifts)


def outward_normal(corners: np.ndarray, i: int) -> np.ndarray:
    """The unit normal of side ``i`` (top, right, bottom, left) of ``corners``, pointing
    away from the quad's centre."""
    p0, p1 = corners[i], corners[(i + 1) % 4]
    d = (p1 - p0) / np.linalg.norm(p1 - p0)
    normal = np.array([-d[1], d[0]])
    return -normal if np.dot(normal, (p0 + p1) / 2 - corners.mean(axis=0)) < 0 else normal


def offset_quad(corners: np.ndarray, distances_px: list[float]) -> np.ndarray | None:
    """The quad whose sides (top, right, bottom, left) are moved outwards by ``distances_px``."""
    centre = corners.mean(axis=0)
    lines = []
    for i in range(4):
        p0, p1 = corners[i], corners[(i + 1) % 4]
        line = geometry.line_through(p0, p1 - p0)
        if line[:2] @ centre + line[2] > 0:
            line = -line  # the centre on the negative side: +normal points outwards
        line[2] -= distances_px[i]
        lines.append(line)
    return geometry.corners_from_lines(lines)  # sides in order top, right, bottom, left


def fine_reach_px(frame: np.ndarray) -> float:
    """How far the last, finest search for a side reaches at the frame's resolution, and
    how far from a found side paper and table are compared: 0.4 % of the frame's
    diagonal, at least 3 px."""
    h, w = frame.shape[:2]
    return max(3.0, 0.004 * float(np.hypot(w, h)))


def refine(
    image: np.ndarray,
    quad: np.ndarray,
    radii: tuple[float, ...],
    outermost: tuple[bool, ...] = (False, False, False, False),
) -> Fit | None:
    """Fit each side as a robust line through sub-pixel edge positions, once per search radius
    (``outermost`` sides take the outermost of the nearly best lines, not the nearest)."""
    corners = quad.astype(np.float64)
    fit: Fit | None = None
    for radius in radii:
        fit = refine_once(image, corners, radius, outermost)
        if fit is None:
            return None
        corners = fit.corners
    return fit


def refine_once(
    image: np.ndarray,
    corners: np.ndarray,
    radius: float,
    outermost: tuple[bool, ...] = (False, False, False, False),
    *,
    lightness: bool = False,
    colour: bool = True,
    bows_px: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0),
) -> Fit | None:
    """One pass: along each side, find the strongest colour edge across it near the current
    line, then fit a new line; the sides' intersections are the new corners (``lightness``:
    with each side's width in lightness alone too; without ``colour``: edges in lightness
    alone). ``bows_px``: each side's profiles centred on a curve standing that far outside
    its chord at its middle (a curled print's bowed side, curl.curved_outline's sags), so
    its width is read across its edge, not across the bow; its line then lies along the
    chord, as far off it as the edge lies off the curve."""
    if not geometry.is_convex(corners):
        return None
    step = max(0.5, radius / 40.0)
    # Profiles reach 6 px beyond the search radius, so a step's two sides can be compared.
    reach = radius + 6.0
    offsets = np.arange(-reach, reach + step, step)
    searched = np.abs(offsets[:-1] + 0.5 * step) <= radius
    sides = []
    for i in range(4):
        p0, p1 = corners[i], corners[(i + 1) % 4]
        length = float(np.linalg.norm(p1 - p0))
        if length < 8:
            return None
        direction = (p1 - p0) / length
        normal = outward_normal(corners, i)
        t = np.linspace(0.08, 0.92, int(np.clip(length / 6, 24, 72)))
        sides.append((p0, p1, direction, normal, t))
    # All four sides' profiles in one image: one remap per tangent shift, one colour conversion.
    # Three parallel profiles one pixel apart are averaged: less noise, same edge.
    base = np.concatenate(
        [
            p0 + t[:, None] * (p1 - p0) + (4.0 * bow * t * (1.0 - t))[:, None] * n
            for (p0, p1, _, n, t), bow in zip(sides, bows_px, strict=True)
        ]
    )
    normals = np.concatenate([np.repeat(n[None], len(t), 0) for _, _, _, n, t in sides])
    tangents = np.concatenate([np.repeat(d[None], len(t), 0) for _, _, d, _, t in sides])
    grid = (base[:, None, :] + offsets[None, :, None] * normals[:, None, :]).astype(np.float32)
    profiles = np.zeros((len(base), len(offsets), 3), np.float32)
    for tangent in (-1.0, 0.0, 1.0):
        shift = (tangent * tangents[:, None, :]).astype(np.float32)
        profiles += cv2.remap(
            image,
            grid[..., 0] + shift[..., 0],
            grid[..., 1] + shift[..., 1],
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        ).astype(np.float32)
    profiles = lab_features(profiles / (3.0 * 255.0), colour)
    profiles = np.asarray(
        cv2.GaussianBlur(profiles, (0, 0), sigmaX=max(0.7, 1.0 / step), sigmaY=0.01)
    )
    all_grad = np.linalg.norm(np.diff(profiles, axis=1), axis=2) / step
    all_grad = np.where(searched, all_grad, 0.0)
    lines, supports, widths = [], [], []
    light_widths: list[float | None] = []
    start = 0
    k = max(2, round(5.0 / step))
    for (p0, p1, _, normal, t), outer in zip(sides, outermost, strict=True):
        rows = np.arange(start, start + len(t))
        start += len(t)
        side = _side_offsets(all_grad[rows], offsets, step, t, outer)
        if side is None:
            return None
        off0, off1, inliers, strength = side
        edge0 = p0 + off0 * normal
        edge1 = p1 + off1 * normal
        lines.append(geometry.line_through(edge0, edge1 - edge0))
        # Edge blur width: the step's contrast divided by its steepest slope.
        pos = np.clip(
            np.round(((off0 + (off1 - off0) * t) - offsets[0]) / step).astype(int),
            k,
            len(offsets) - 1 - k,
        )
        contrast = np.linalg.norm(profiles[rows, pos - k] - profiles[rows, pos + k], axis=1)
        width_px = contrast / np.maximum(strength, 1e-6)
        # A print's edge is a step (different either side); a thin line in a table's texture
        # (mortar between bricks, wood grain) is the same on both sides: it does not count.
        step_like = inliers & (width_px > 0.8)
        supports.append(float(step_like.mean()))
        widths.append(float(np.median(width_px[step_like])) if step_like.any() else 99.0)
        if lightness:
            light_widths.append(_light_width(profiles[rows, :, 0], pos, k, step, step_like))
    new = geometry.corners_from_lines(lines)
    if new is None or not geometry.is_convex(new):
        return None
    return Fit(new, float(min(supports)), tuple(widths), tuple(light_widths), tuple(supports))


def _light_width(
    light: np.ndarray, pos: np.ndarray, k: int, step: float, step_like: np.ndarray
) -> float | None:
    """The side's blur width in lightness alone, None where too little of it steps in
    lightness to read one.

    JPEG keeps colour at half the resolution of lightness (4:2:0), so a side whose step is
    mostly one of colour (a black border on blue cloth) measures wide however still the
    camera was, while a shake smears lightness as much as colour. ``light``: the profiles'
    lightness, ``pos``: the side's line in each, ``step_like``: the profiles on it.
    """
    rows = np.arange(len(light))
    contrast = np.abs(light[rows, pos - k] - light[rows, pos + k])
    slopes = np.abs(np.diff(light, axis=1)) / step
    window = np.clip(pos[:, None] + np.arange(-k, k)[None, :], 0, slopes.shape[1] - 1)
    steepest = slopes[rows[:, None], window].max(axis=1)
    lit = step_like & (contrast >= MIN_LIGHT_STEP)
    if lit.sum() < max(6, 0.5 * step_like.sum()):
        return None
    return float(np.median(contrast[lit] / np.maximum(steepest[lit], 1e-6)))


def _side_offsets(
    grad: np.ndarray, offsets: np.ndarray, step: float, t: np.ndarray, outermost: bool = False
) -> tuple[float, float, np.ndarray, np.ndarray] | None:
    """The side's edge as offsets (at t=0 and t=1) along the outward normal.

    Each profile contributes its three strongest local maxima; the line with most profiles
    agreeing wins (RANSAC over pairs of peaks). When two lines are nearly as good (a print's
    outline and its photo's edge inside a white border), the one nearest the candidate stays,
    so each candidate keeps its own outline and the choice between them is made later;
    ``outermost`` takes the outermost of them instead (the paper's edge, not a line inside).
    Returns (offset at t=0, offset at t=1, inlier mask per profile, edge strength per profile).
    """
    n, m = grad.shape
    is_peak = np.zeros_like(grad, bool)
    is_peak[:, 1:-1] = (grad[:, 1:-1] >= grad[:, :-2]) & (grad[:, 1:-1] > grad[:, 2:])
    threshold = max(0.8, 0.12 * float(np.median(grad.max(axis=1))))
    is_peak &= grad > threshold
    masked = np.where(is_peak, grad, 0.0)
    top = np.argsort(-masked, axis=1)[:, :3]
    rows = np.repeat(np.arange(n), 3)
    cols = top.ravel()
    valid = masked[rows, cols] > 0
    rows, cols = rows[valid], cols[valid]
    if len(np.unique(rows)) < 6:
        return None
    c = np.clip(cols, 1, m - 2)
    g0, g1, g2 = grad[rows, c - 1], grad[rows, c], grad[rows, c + 1]
    denom = g0 - 2 * g1 + g2
    sub = np.where(np.abs(denom) > 1e-6, 0.5 * (g0 - g2) / np.where(denom == 0, 1.0, denom), 0.0)
    pos = offsets[0] + (c + 0.5 + np.clip(sub, -0.5, 0.5)) * step
    strength = grad[rows, c]
    ts = t[rows]
    # Hypotheses: pairs of peaks from the first and last thirds of the side.
    first = np.flatnonzero(ts < t[0] + (t[-1] - t[0]) / 3)
    last = np.flatnonzero(ts > t[-1] - (t[-1] - t[0]) / 3)
    if len(first) == 0 or len(last) == 0:
        return None
    # The strongest peaks of each third make enough hypotheses (20 x 20 pairs at most).
    first = first[np.argsort(-strength[first])[:20]]
    last = last[np.argsort(-strength[last])[:20]]
    grid_i, grid_j = np.meshgrid(first, last, indexing="ij")
    i, j = grid_i.ravel(), grid_j.ravel()
    slope = (pos[j] - pos[i]) / (ts[j] - ts[i])
    intercept = pos[i] - slope * ts[i]  # offset at t = 0
    tolerance = max(1.0, 1.5 * step)
    residual = np.abs(pos[None, :] - (intercept[:, None] + slope[:, None] * ts[None, :]))
    agree = residual < tolerance
    score = agree.sum(axis=1)  # peaks of one profile are steps apart: at most one agrees
    good = score >= 0.85 * score.max()
    mid = intercept + slope * 0.5
    choice = np.argmax(mid[good]) if outermost else np.argmin(np.abs(mid[good]))
    best = int(np.flatnonzero(good)[choice])
    inlier_pts = agree[best]
    # Least squares on the inliers, one point per profile (the one nearest the line).
    a_mat = np.c_[np.ones(inlier_pts.sum()), ts[inlier_pts]]
    (b0, b1), *_ = np.linalg.lstsq(a_mat, pos[inlier_pts], rcond=None)
    per_profile = np.zeros(n, bool)
    per_profile[rows[inlier_pts]] = True
    profile_strength = np.zeros(n)
    profile_strength[rows[inlier_pts]] = strength[inlier_pts]
    return float(b0), float(b0 + b1), per_profile, profile_strength


def lab_features(rgb01: np.ndarray, colour: bool = True) -> np.ndarray:
    """CIE Lab with the colour axes weighted up a little: colour edges count like light ones
    (without ``colour``, lightness alone).

    (Lab's cube root matters: a linear luma/opponent space misses dark-on-dark edges.)
    """
    lab = np.asarray(cv2.cvtColor(np.ascontiguousarray(rgb01, np.float32), cv2.COLOR_RGB2Lab))
    return lab * np.array([1.0, 1.5, 1.5] if colour else [1.0, 0.0, 0.0], np.float32)


def on_colour_blocks(corners: np.ndarray, side: int) -> bool:
    """Whether side ``side`` of ``corners`` (frame pixels) runs along a boundary of the
    frame's JPEG colour blocks: level or upright, both its ends within
    ``BLOCK_GRID_NEAR_PX`` of one boundary.

    A JPEG keeps colour in blocks of ``COLOUR_BLOCK_PX`` pixels and, compressed hard, a
    faint colour step in a block becomes a flat patch: the step then lies on the blocks'
    boundary, a level line, wherever the edge crosses the block row. Seed 4100091, a black
    border (28, 33, 30) on a table of about 29, JPEG quality 60: the top side, the paper's
    edge slanting 16 px, was fitted to the level line y = 143.6 (0.96 of it on a step), the
    picture's top to y = 175.5 from another start; in lightness the same sides lie on the
    slanted edges (0.33 and 0.61 of them on a step)."""
    p0, p1 = corners[side], corners[(side + 1) % 4]
    across = 1 if abs(p1[0] - p0[0]) >= abs(p1[1] - p0[1]) else 0
    # Pixel centres at whole numbers: a block boundary lies half a pixel before a multiple.
    ends = np.array([p0[across], p1[across]]) + 0.5
    nearest = COLOUR_BLOCK_PX * np.round(ends / COLOUR_BLOCK_PX)
    return bool(nearest[0] == nearest[1] and np.abs(ends - nearest).max() <= BLOCK_GRID_NEAR_PX)


def same_quad(a: np.ndarray, b: np.ndarray, tolerance_px: float) -> bool:
    return bool(np.linalg.norm(a - b, axis=1).max() < tolerance_px)

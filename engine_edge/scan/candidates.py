"""Candidate outlines on the downscaled copy (the document-scanner recipe of ANCHORS.md):
Canny edges closed into contours, a "differs from the table" region mask, long LSD line
segments paired into quadrilaterals, and the hull of the sharp places; scored cheaply by
how much of each outline lies on an edge across it."""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from engine_edge.scan import geometry
from engine_edge.scan.detect_settings import DetectSettings
from engine_edge.scan.edge_fit import refine, same_quad
from engine_edge.scan.paper_table import TableView, rim_mask


def candidate_quads(view: TableView, settings: DetectSettings) -> list[np.ndarray]:
    """Quadrilaterals worth refining, best-supported first (small-image coordinates)."""
    h, w = view.lab.shape[:2]
    smooth = view.smooth
    edges = _edge_map(smooth)
    quads = contour_quads(edges, settings, (w, h))
    mask = view.regions
    mask_rgb = cv2.merge([mask, mask, mask])
    quads += [
        straightened_on_mask(mask_rgb, quad) for quad in contour_quads(mask, settings, (w, h))
    ]
    quads += _line_quads(smooth[..., 0], settings, (w, h))
    if not quads:
        return []
    features = cv2.GaussianBlur(smooth, (0, 0), 1.0).astype(np.float32)
    features[..., 0] *= 100.0 / 255.0  # OpenCV's 8-bit Lab: L scaled to 0..255, a and b offset
    features[..., 1:] *= 1.5
    gx = cv2.Sobel(features, cv2.CV_32F, 1, 0, ksize=3) / 4.0
    gy = cv2.Sobel(features, cv2.CV_32F, 0, 1, ksize=3) / 4.0
    quads = [q for q in quads if geometry.quad_area(q) < 0.97 * w * h]
    scored = sorted(((_support_cheap(q, gx, gy), q) for q in quads), key=lambda t: -t[0])
    kept: list[np.ndarray] = []
    for score, quad in scored:
        if score < 0.2:
            break
        if not any(same_quad(quad, k, 0.02 * np.hypot(w, h)) for k in kept):
            kept.append(quad)
        if len(kept) == 8:
            break
    return kept


def _edge_map(smooth_lab: np.ndarray) -> np.ndarray:
    """Canny on lightness and on the two colour channels, so a print on a table of the same
    brightness but another colour still shows its outline."""
    lightness = smooth_lab[..., 0]
    median = float(np.median(lightness))
    edges = cv2.Canny(lightness, max(8.0, 0.25 * median), max(20.0, 0.6 * median))
    edges = cv2.bitwise_or(edges, cv2.Canny(cv2.GaussianBlur(lightness, (0, 0), 1.5), 6, 14))
    for channel in (1, 2):
        chroma = cv2.convertScaleAbs(smooth_lab[..., channel], alpha=2.0, beta=-128.0)
        edges = cv2.bitwise_or(edges, cv2.Canny(chroma, 20, 50))
    return edges


def sharp_edge_quads(
    lightness: np.ndarray, settings: DetectSettings, size: tuple[int, int]
) -> list[np.ndarray]:
    """The hull of everything sharper than the table, as a quadrilateral.

    A print whose colours match a table with a strong but soft texture (wood's waves) has
    no region of its own colour and no side long and straight enough for LSD where the
    waves cross it; its cut edge is still a sharp step, and the table has none: the hull
    of the sharp places is the print. Specks (a grain of noise) are left out.
    """
    value = lightness.astype(np.float32)
    sharp = cv2.GaussianBlur(np.abs(value - cv2.GaussianBlur(value, (0, 0), 1.0)), (0, 0), 1.0)
    level = float(np.percentile(sharp[rim_mask(sharp.shape)], 99))
    binary = (sharp > 1.5 * level + 1.0).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    big = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] >= 20) + 1
    points = cv2.findNonZero(np.isin(labels, big).astype(np.uint8)) if len(big) else None
    if points is None:
        return []
    hull = cv2.convexHull(points)
    w, h = size
    if cv2.contourArea(hull) < settings.min_candidate_share * w * h:
        return []
    quad = hull_to_quad(hull)
    return [] if quad is None else [quad]


# How deep (pixels of the small copy) a notch in the region unlike the table must be to be
# where two prints' outlines meet, and how many of the deepest notches are paired up.
TOUCHING_NOTCH_PX = 3.0
TOUCHING_NOTCHES = 4
# How wide (pixels of the small copy) the cut between two notches is drawn.
TOUCHING_CUT_PX = 3


def touching_quads(view: TableView, settings: DetectSettings) -> list[np.ndarray]:
    """Two quadrilaterals (small-image coordinates) for two prints laid down touching or
    overlapping, or none.

    Two prints that touch make one region unlike the table, shaped like neither: their
    hull is a single wide quad whose sides step where one print's edge meets the other's,
    so no outline holds and the guest heard "none". Where two prints' outlines meet, the
    region has a notch on either side; cut between two notches, it parts into two regions,
    each as large as a print worth refusing (``min_share``), each outlined by its hull.
    """
    h, w = view.lab.shape[:2]
    mask = view.regions
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    least = settings.min_share * w * h
    if not contours:
        return []
    region = max(contours, key=cv2.contourArea)
    if cv2.contourArea(region) < 2 * least:
        return []
    defects = cv2.convexityDefects(region, cv2.convexHull(region, returnPoints=False))
    if defects is None:
        return []
    defects = defects.reshape(-1, 4)
    notches = [
        region[far, 0]
        for _, _, far, depth in defects[np.argsort(-defects[:, 3])[:TOUCHING_NOTCHES]]
        if depth / 256.0 >= TOUCHING_NOTCH_PX  # OpenCV gives depths in 1/256 px
    ]
    for one, other in itertools.combinations(notches, 2):
        cut = mask.copy()
        cv2.line(
            cut, (int(one[0]), int(one[1])), (int(other[0]), int(other[1])), 0, TOUCHING_CUT_PX
        )
        parts, _ = cv2.findContours(cut, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        parts = sorted(parts, key=cv2.contourArea, reverse=True)[:2]
        if len(parts) == 2 and cv2.contourArea(parts[1]) >= least:
            quads = [hull_to_quad(cv2.convexHull(part)) for part in parts]
            return [quad for quad in quads if quad is not None]
    return []


def straightened_on_mask(mask_rgb: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """``quad`` (small-image coordinates) straightened on a region mask's outline, which is
    clean (one edge, no texture); as it is where it does not hold there."""
    diag = float(np.hypot(mask_rgb.shape[1], mask_rgb.shape[0]))
    on_mask = refine(mask_rgb, quad, (0.04 * diag, 0.015 * diag))
    return quad if on_mask is None else on_mask.corners


def contour_quads(
    binary: np.ndarray, settings: DetectSettings, size: tuple[int, int]
) -> list[np.ndarray]:
    w, h = size
    closed = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    quads = []
    min_area = settings.min_candidate_share * w * h
    for contour in contours:
        hull = cv2.convexHull(contour)
        if cv2.contourArea(hull) < min_area:
            continue
        quad = hull_to_quad(hull)
        if quad is not None:
            quads.append(quad)
    return quads


def hull_to_quad(hull: np.ndarray) -> np.ndarray | None:
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            quad = geometry.order_corners(approx.reshape(4, 2))
            return quad if geometry.is_convex(quad) else None
        if len(approx) < 4:
            break
    box = cv2.boxPoints(cv2.minAreaRect(hull))
    return geometry.order_corners(box)


def _line_quads(
    lightness: np.ndarray, settings: DetectSettings, size: tuple[int, int]
) -> list[np.ndarray]:
    """Quadrilaterals from pairs of long, roughly parallel LSD segments."""
    w, h = size
    lsd = cv2.createLineSegmentDetector()
    segments = lsd.detect(lightness)[0]
    if segments is None:
        return []
    seg = segments.reshape(-1, 4).astype(np.float64)
    lengths = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    keep = lengths > 0.12 * min(w, h)
    seg, lengths = seg[keep], lengths[keep]
    if len(seg) < 4:
        return []
    order = np.argsort(-lengths)[:14]
    seg = seg[order]
    angles = np.degrees(np.arctan2(seg[:, 3] - seg[:, 1], seg[:, 2] - seg[:, 0])) % 180
    lines = [geometry.line_through(s[:2], s[2:] - s[:2]) for s in seg]
    ref = angles[0]
    diff = np.abs((angles - ref + 90) % 180 - 90)
    group_a = [i for i in range(len(seg)) if diff[i] < 30][:5]
    group_b = [i for i in range(len(seg)) if diff[i] > 60][:5]
    quads = []
    for a1, a2 in itertools.combinations(group_a, 2):
        for b1, b2 in itertools.combinations(group_b, 2):
            pts = [
                geometry.intersect_lines(lines[i], lines[j])
                for i, j in ((a1, b1), (a1, b2), (a2, b2), (a2, b1))
            ]
            if any(p is None for p in pts):
                continue
            quad = geometry.order_corners(np.array(pts))
            if not geometry.is_convex(quad):
                continue
            if geometry.quad_area(quad) < settings.min_candidate_share * w * h:
                continue
            if np.abs(quad).max() > 2 * max(w, h):
                continue
            quads.append(quad)
    return quads


def _support_cheap(quad: np.ndarray, gx: np.ndarray, gy: np.ndarray) -> float:
    """Mean of the two weakest sides' shares of outline samples that sit on a strong gradient
    pointing across the side (texture has edges too, but in every direction)."""
    h, w = gx.shape[:2]
    shares = []
    t = np.linspace(0.05, 0.95, 40)[:, None]
    for i in range(4):
        p0, p1 = quad[i], quad[(i + 1) % 4]
        d = (p1 - p0) / (np.linalg.norm(p1 - p0) + 1e-9)
        normal = np.array([-d[1], d[0]])
        hit = np.zeros(len(t), bool)
        for shift in (-1.5, 0.0, 1.5):
            pts = p0 + t * (p1 - p0) + shift * normal
            x = np.clip(np.round(pts[:, 0]).astype(int), 0, w - 1)
            y = np.clip(np.round(pts[:, 1]).astype(int), 0, h - 1)
            across = np.linalg.norm(gx[y, x] * normal[0] + gy[y, x] * normal[1], axis=1)
            along = np.linalg.norm(gx[y, x] * d[0] + gy[y, x] * d[1], axis=1)
            valid = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
            hit |= valid & (across > 3.0) & (across > 1.5 * along)
        shares.append(float(hit.mean()))
    return float(np.sort(shares)[:2].mean())

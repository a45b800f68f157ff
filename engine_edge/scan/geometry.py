"""Quadrilateral geometry for prints: corner order, areas, lines, the true aspect ratio;
and where a peak lies between three samples.

Corners are always float64 arrays of shape (4, 2) in the order top-left,
top-right, bottom-right, bottom-left, in pixel coordinates of the frame.
"""

from __future__ import annotations

import numpy as np

# Common print formats (width / height, landscape); snapping to one within a small
# tolerance removes the last percent of error that a real lens leaves in the estimate.
PRINT_ASPECTS = (1.0, 5 / 4, 4 / 3, 7 / 5, 3 / 2, 16 / 9)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Put four points in TL, TR, BR, BL order (clockwise on screen, starting top-left)."""
    pts = np.asarray(points, np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise in image coordinates (y down)
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def quad_area(corners: np.ndarray) -> float:
    """Area of the quadrilateral (shoelace formula), in square pixels."""
    x, y = corners[:, 0], corners[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def is_convex(corners: np.ndarray) -> bool:
    """True when the four corners make a convex, non-degenerate quadrilateral."""
    edges = np.roll(corners, -1, axis=0) - corners
    cross = edges[:, 0] * np.roll(edges[:, 1], -1) - edges[:, 1] * np.roll(edges[:, 0], -1)
    return bool(np.all(cross > 0) or np.all(cross < 0))


def corner_angles_deg(corners: np.ndarray) -> np.ndarray:
    """Interior angle at each corner, in degrees."""
    prev = np.roll(corners, 1, axis=0) - corners
    nxt = np.roll(corners, -1, axis=0) - corners
    cos = (prev * nxt).sum(axis=1) / (
        np.linalg.norm(prev, axis=1) * np.linalg.norm(nxt, axis=1) + 1e-9
    )
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def side_lengths(corners: np.ndarray) -> np.ndarray:
    """Lengths of the sides top, right, bottom, left, in pixels."""
    return np.linalg.norm(np.roll(corners, -1, axis=0) - corners, axis=1)


def intersect_lines(a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """Intersection of two lines given as (a, b, c) with a*x + b*y + c = 0; None if parallel."""
    z = a[0] * b[1] - a[1] * b[0]
    if abs(z) < 1e-9:
        return None
    return np.array([(a[1] * b[2] - a[2] * b[1]) / z, (a[2] * b[0] - a[0] * b[2]) / z])


def line_through(p: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Homogeneous line (a, b, c), with (a, b) of unit length, through ``p`` along ``direction``."""
    d = direction / (np.linalg.norm(direction) + 1e-12)
    normal = np.array([-d[1], d[0]])
    return np.array([normal[0], normal[1], -float(normal @ p)])


def corners_from_lines(lines: list[np.ndarray]) -> np.ndarray | None:
    """Corners from the four side lines (top, right, bottom, left); None if any pair is parallel."""
    pts = []
    for i in range(4):
        p = intersect_lines(lines[i - 1], lines[i])  # left∩top = TL, top∩right = TR, ...
        if p is None:
            return None
        pts.append(p)
    return np.array(pts)


def true_aspect(
    corners: np.ndarray, frame_size: tuple[int, int], focal_ratio: float = 1.0
) -> float:
    """Width / height of the print itself, undoing the perspective.

    Uses Zhang & He's whiteboard method: a pinhole camera with its principal point
    at the frame centre and square pixels; the focal length follows from the
    rectangle's right angles. When it is unobservable (a pair of sides stays parallel
    in the image) the lens is assumed to have ``focal_ratio`` x frame width.
    """
    n2, n3 = _side_normals(corners, frame_size)
    f2 = _focal_squared(n2, n3, frame_size, focal_ratio)
    num = n2[0] ** 2 + n2[1] ** 2 + n2[2] ** 2 * f2
    den = n3[0] ** 2 + n3[1] ** 2 + n3[2] ** 2 * f2
    return float(np.sqrt(num / den))


def focal_px(corners: np.ndarray, frame_size: tuple[int, int], focal_ratio: float = 1.0) -> float:
    """The lens's focal length (pixels) that makes the rectangle projecting to ``corners``
    square (:func:`true_aspect`'s), or ``focal_ratio`` x frame width where unobservable."""
    return float(
        np.sqrt(_focal_squared(*_side_normals(corners, frame_size), frame_size, focal_ratio))
    )


def _side_normals(
    corners: np.ndarray, frame_size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Zhang & He's n2 and n3: the rectangle's two side directions, up to the focal length."""
    w, h = frame_size
    centre = np.array([w / 2.0, h / 2.0])
    tl, tr, br, bl = (np.r_[c - centre, 1.0] for c in corners)
    m1, m2, m3, m4 = tl, tr, bl, br
    k2 = np.dot(np.cross(m1, m4), m3) / np.dot(np.cross(m2, m4), m3)
    k3 = np.dot(np.cross(m1, m4), m2) / np.dot(np.cross(m3, m4), m2)
    return k2 * m2 - m1, k3 * m3 - m1


def _focal_squared(
    n2: np.ndarray, n3: np.ndarray, frame_size: tuple[int, int], focal_ratio: float
) -> float:
    """The squared focal length that makes the sides ``n2`` and ``n3`` square, or
    ``focal_ratio`` x frame width's where the view cannot tell (or tells nonsense)."""
    w, h = frame_size
    u2, u3 = n2 / np.linalg.norm(n2), n3 / np.linalg.norm(n3)
    denom = u2[2] * u3[2]
    f2 = -(u2[0] * u3[0] + u2[1] * u3[1]) / denom if abs(denom) > 1e-9 else -1.0
    diag = float(np.hypot(w, h))
    if not (0.25 * diag) ** 2 < f2 < (6.0 * diag) ** 2:
        f2 = (focal_ratio * w) ** 2
    return float(f2)


def snap_aspect(aspect: float, tolerance: float) -> float:
    """The nearest common print format when within ``tolerance`` (relative), else ``aspect``."""
    for known in PRINT_ASPECTS:
        for candidate in (known, 1.0 / known):
            if abs(aspect / candidate - 1.0) <= tolerance:
                return candidate
    return aspect


def plane_tilt_deg(corners: np.ndarray, frame_size: tuple[int, int], focal_px: float) -> float:
    """How far the rectangle that projects to ``corners`` (TL, TR, BR, BL) turns its face away
    from the camera, in degrees: 0 square on, 90 edge on.

    A rectangle's corners satisfy TL + BR = TR + BL in space; with each corner on its
    viewing ray, that fixes their depths up to one scale, hence the plane and its normal.
    A quadrilateral that no gently tilted rectangle projects to (an outline with one side
    run through the picture) comes out steeply turned.
    """
    plane = plane_sides(corners, frame_size, focal_px)
    if plane is None:
        return 90.0
    top, left, centre = plane
    normal = np.cross(top, left)
    cos = abs(float(normal @ centre)) / max(
        float(np.linalg.norm(normal) * np.linalg.norm(centre)), 1e-12
    )
    return float(np.degrees(np.arccos(min(cos, 1.0))))


def corner_error_deg(corners: np.ndarray, frame_size: tuple[int, int], focal_px: float) -> float:
    """How far from square, in degrees, the corners of the parallelogram in space that projects
    to ``corners`` are (90 where none does).

    A print's corners are square; an outline with one side on a line through the picture
    comes out as a parallelogram leaning a few degrees (seen through the camera's own lens).
    """
    plane = plane_sides(corners, frame_size, focal_px)
    if plane is None:
        return 90.0
    top, left, _ = plane
    cos = abs(float(top @ left)) / max(float(np.linalg.norm(top) * np.linalg.norm(left)), 1e-12)
    return float(np.degrees(np.arcsin(min(cos, 1.0))))


def plane_sides(
    corners: np.ndarray, frame_size: tuple[int, int], focal_px: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The top and left sides and the centre, in camera space (top-left's depth 1), of the
    parallelogram that projects to ``corners``; None where none lies in front of the camera."""
    w, h = frame_size
    rays = np.c_[corners - [w / 2.0, h / 2.0], np.full(4, focal_px)]
    tl, tr, br, bl = rays
    # tl + d_br * br = d_tr * tr + d_bl * bl, with tl's depth 1.
    try:
        d_tr, d_bl, d_br = np.linalg.solve(np.c_[tr, bl, -br], tl)
    except np.linalg.LinAlgError:
        return None
    if min(d_tr, d_bl, d_br) <= 0:
        return None
    return d_tr * tr - tl, d_bl * bl - tl, (tl + d_br * br) / 2.0


def peak_offset(before: float, peak: float, after: float) -> float:
    """Where the parabola through three equally spaced samples peaks, as an offset from the
    middle one in sample steps; 0 where they do not bend down (no peak to place)."""
    curve = before - 2.0 * peak + after
    return 0.5 * (before - after) / curve if curve < 0 else 0.0

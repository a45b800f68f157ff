"""The last resort for a borderless print on a dark table whose picture is as dark as the
table along part of one side (a dark jacket, a suit, the shade under trees): that side
holds only where the picture is lighter, and the search may settle on a line through the
picture beside it. A print's corners are square, so the weak side is put back square with
the other three, further out where the edge bears that out, and the outline is taken when
that side and at most one other fall short and every side parts paper from table."""

from __future__ import annotations

import numpy as np

from engine_edge.scan import geometry
from engine_edge.scan.detect_settings import DetectSettings
from engine_edge.scan.edge_fit import Fit, fine_reach_px, refine, same_quad
from engine_edge.scan.outline_hunt import (
    BEYOND_PICTURE_SLACK,
    at_full_size,
    coarse_radii,
    held_by_paper,
    is_upright,
)
from engine_edge.scan.paper_table import TableView, sides_on_table, surrounded_by_table
from engine_edge.scan.weak_side import squared_side

# How far from square through the lens, in degrees, an outline taken here may be: the true
# outlines of the round-20 misses read 0.0-0.5, the ones run through the picture 2.3-3.7
# (seeds 3700077 and 4000096).
DARK_SIDE_SQUARE_DEG = 1.0
# The candidates looked at, and the share of ``min_support`` their fit on the small copy needs.
DARK_SIDE_CANDIDATES = 4
DARK_SIDE_SHARE = 0.8


def dark_side_fits(
    frame: np.ndarray,
    small: np.ndarray,
    view: TableView,
    candidates: list[np.ndarray],
    scale: float,
    settings: DetectSettings,
) -> list[Fit]:
    """After every other resort: the first candidates, fitted narrowly and widely on the
    small copy and at full size, with their weakest side put square with the others
    (:func:`squared_side`); kept where at most two sides are short of ``min_support``, by at
    most ``BEYOND_PICTURE_SLACK``, every side parts paper from table, table lies all round and
    the outline is square through the lens (``DARK_SIDE_SQUARE_DEG``).

    Seeds 3400087, 3700077, 4000078 and 4000096 (dark picture along one side, edge contrast
    13-57) were refused ``none``: their true outlines hold 0.56-0.74 on that side, 0.71-1.0
    on the others; the fits found ran 0.07-0.10 of the diagonal off through the picture.
    """
    size = (frame.shape[1], frame.shape[0])
    diag = float(np.hypot(small.shape[1], small.shape[0]))
    enough = DARK_SIDE_SHARE * settings.min_support
    kept: list[Fit] = []
    for quad in candidates[:DARK_SIDE_CANDIDATES]:
        for wide in (False, True):
            fit = refine(small, quad, coarse_radii(quad, diag, wide=wide))
            # Cheap checks on the small copy first: an empty table's candidates mostly end here.
            if fit is None or fit.support < enough or not _others_hold(view, fit, 1.0, settings):
                continue
            full = fit if scale >= 1.0 else at_full_size(frame, fit, scale, settings)
            # Upright at full size: a small print's weak side, a few pixels of the small copy
            # off at one end, reads steep there (seed 4400087, a 130 px print: 48° on the
            # small copy, 9.5° at full size, where the side is fitted on its edge).
            if (
                full is None
                or not is_upright(full, size, settings)
                or not _others_hold(view, full, scale, settings)
                or any(same_quad(full.corners, k.corners, 0.01 * diag / scale) for k in kept)
            ):
                continue
            found = _squared(frame, view, full, scale, settings)
            if found is not None:
                kept.append(found)
    return kept


def _squared(
    frame: np.ndarray, view: TableView, fit: Fit, scale: float, settings: DetectSettings
) -> Fit | None:
    """``fit`` with its weakest side put square with the others, or as it was where that
    holds less, when it passes :func:`_dark_sides`; else None.

    A side moved inwards is tried only after the fit as found: dark picture along the edge
    pulls a fit in, never out, so the print's edge lies outside a line through it. Seed
    5000033 (a small borderless painting on a dark table, dark hair along its top): the fit
    lay on the print's edge, square (0.06 degrees), its top held 0.62; put square, the top
    slid onto the hair's line inside, 7 px off at one end, and held 0.67, so that was taken
    (SSIM 0.65 of the ideal scan's)."""
    weak = int(np.argmin(fit.side_supports))
    moved = squared_side(frame, fit.corners, weak, settings)
    if moved is None:
        tries = [fit]
    elif geometry.quad_area(moved.corners) < geometry.quad_area(fit.corners):
        tries = [fit, moved]
    else:
        tries = sorted((fit, moved), key=lambda f: -f.side_supports[weak])
    for one in tries:
        if _dark_sides(frame, view, one, scale, settings):
            return one
    return None


def _others_hold(view: TableView, fit: Fit, scale: float, settings: DetectSettings) -> bool:
    """Whether every side but the weakest of ``fit`` (at ``scale`` of the small copy) holds
    within ``BEYOND_PICTURE_SLACK`` of ``min_support`` with table just outside it: only
    then is the weakest side worth putting square with them."""
    weak = int(np.argmin(fit.side_supports))
    on_table = sides_on_table(view, fit.corners * scale)
    return all(
        fit.side_supports[side] >= settings.min_support - BEYOND_PICTURE_SLACK and on_table[side]
        for side in range(4)
        if side != weak
    )


def _dark_sides(
    frame: np.ndarray, view: TableView, fit: Fit, scale: float, settings: DetectSettings
) -> bool:
    """Whether ``fit`` is a print's outline with one or two sides partly dark picture: the
    others held, those within ``BEYOND_PICTURE_SLACK``, paper parted from table on every
    side, table all round, square and upright through the lens.

    Dark picture can reach two sides (seed 4900000, a family photo on a dark table: a dark
    doorway along its right side, a chair and a dark frame along its left, noise 2.9 and
    JPEG 60; on the true corners 0.67 and 0.65 at full size, the others 0.93 and 0.89, 0.16
    degrees from square), and was refused "none" while one short side alone was taken. A
    line through the picture rarely parts paper from table (seed 3700095's does not)."""
    size = (frame.shape[1], frame.shape[0])
    supports = np.sort(fit.side_supports)
    return (
        supports[2] >= settings.min_support
        and held_by_paper(frame, fit, settings, fine_reach_px(frame), BEYOND_PICTURE_SLACK)
        and surrounded_by_table(view, fit.corners * scale)
        and is_upright(fit, size, settings)
        and geometry.corner_error_deg(fit.corners, size, settings.focal_ratio * size[0])
        <= DARK_SIDE_SQUARE_DEG
    )

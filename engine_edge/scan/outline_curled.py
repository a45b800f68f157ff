"""The curled print's last resort: an outline whose sides are held as curves.

A print curled out of an album is seen with two sides bowed by 1-4 % of their length. Every
other search fits each side as a straight line and counts only the edge within a pixel or
so of it, so a bowed side holds a third of its length or less and the print is refused
"none" (seed 250002: the candidate round it 0.02 of the diagonal off, its bowed sides 0.24
and 0.35 on their lines at full size). Only when every other search found nothing are the
candidates looked at again here with their sides fitted as gentle curves
(:func:`curl.curved_outline`): kept when each side's curve holds ``min_support`` of it, a
bend of the print explains the bows, and the curves part paper from table, with table
just outside them. The detector also asks here for the print round an outline that left
something print-sized unlike the table beside it (a curled print's border strip outlined,
the rest read as a second print) where no straight outline encloses it and the frame would
be refused "one photo at a time". A last resort's straight outline is also asked here
whether its sides bow as a curled print's (:func:`bowed_fit`). A flat print outlined by
the first search, alone on the table, never gets here.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine_edge.scan.curl import CurvedOutline, curved_outline
from engine_edge.scan.detect_settings import DetectSettings
from engine_edge.scan.edge_fit import SHARPNESS_RADIUS_PX, Fit, outward_normal, refine, refine_once
from engine_edge.scan.outline_hunt import SMALL_COPY_SHARE, coarse_radii, is_upright
from engine_edge.scan.paper_table import TableView

# How far outside a curve (pixels of the small copy) the table is looked for, and how far
# inside it the paper. Nearer than ``sides_on_table`` reads a straight side's strip (3-7):
# a curve on a picture's edge inside a white border 4 px wide there (seed 250063) had the
# border at 1-3 px out, the table from 5 px on.
TABLE_OFFSETS_PX = (2.0, 3.0, 5.0)
PAPER_OFFSETS_PX = (-3.0, -5.0)
# The least colour step (Lab) from just inside a curve to just outside it (as
# ``paper_table.parts_paper`` asks of a straight side).
PAPER_STEP = 4.0
# The parts of a side (from, to: shares of its length) each checked on its own.
THIRDS = ((0.1, 0.35), (0.35, 0.65), (0.65, 0.9))
# The least share of a candidate's outline on the small copy that differs from the table
# for its sides to be searched as curves (curves are searched for at full size, which costs
# a frame with no print found a fifth more): the curled prints found here covered
# 0.98-1.0 of theirs; a bare table's wood grain or mortar joints outline straight
# candidates over table. What differs from the table is counted with its holes filled
# (:func:`_unlike_table`).
REGION_SHARE = 0.8
# How many of the candidates are looked at (they come best first).
CANDIDATES = 8


def curled_fit(
    frame: np.ndarray,
    small: np.ndarray,
    view: TableView,
    candidates: list[np.ndarray],
    scale: float,
    settings: DetectSettings,
) -> Fit | None:
    """The best-held outline with curved sides round one of the first ``CANDIDATES``
    candidates (small-copy quads), or None where none holds as a curled print's does: its
    corners where the sides' curves meet, its support the least share of a side on its
    curve (a straight side's on its line)."""
    diag = float(np.hypot(small.shape[1], small.shape[0]))
    unlike = _filled(view.regions)
    found: list[Fit] = []
    for quad in candidates[:CANDIDATES]:
        # The small copy's straight fit lies nearer the bowed sides' chords than the rough
        # candidate does. A print bends about one axis: the two sides along it are straight
        # and hold as lines there (what every other search asks of all four); an outline
        # neither pair of whose sides holds is no curled print's (a table's grain).
        start = refine(small, quad, coarse_radii(quad, diag, wide=False))
        if (
            start is None
            or not _straight_pair(start, SMALL_COPY_SHARE * settings.min_support)
            or _unlike_table(unlike, start.corners) < REGION_SHARE
        ):
            continue
        corners = start.corners / scale
        curved = curved_outline(frame, corners, settings.focal_ratio, straight_held=True)
        if curved is None or min(curved.holds) < settings.min_support:
            continue
        fit = _curved_fit(frame, view, curved, scale, settings)
        if fit is not None:
            found.append(fit)
    return max(found, key=lambda f: f.support, default=None)


def bowed_fit(
    frame: np.ndarray,
    view: TableView,
    corners: np.ndarray,
    scale: float,
    settings: DetectSettings,
) -> Fit | None:
    """The outline ``corners`` (frame pixels, found with straight sides) with the sides that
    bow held as curves, or None where none bows as a curled print's side does.

    A curled print that no candidate's straight outline held can still be outlined by a
    last resort, straight: a bowed side's line holds its ends or its middle, and the
    corners lie a bow's depth off the paper's (seed 6000097, the faint region's outline
    0.012 of the diagonal off). Searched as curves with the straight sides kept as lines
    (as :func:`curled_fit` searches), the bowed side holds 0.87 of it on its curve, 0.48
    on its line, and the corners lie 0.0012 off; searched with every side free (the curl
    step's search round an unmarked outline) no bend was fitted, and the straight outline
    was scanned. Only a side that bows must hold ``min_support`` on its curve (the straight
    sides are the last resort's, already held), and the table must lie just outside every
    curve."""
    curved = curved_outline(frame, corners, settings.focal_ratio, straight_held=True)
    if curved is None:
        return None
    bowed = [hold for hold, sag in zip(curved.holds, curved.sags_px, strict=True) if sag != 0.0]
    if min(bowed, default=0.0) < settings.min_support:
        return None
    return _curved_fit(frame, view, curved, scale, settings)


def _curved_fit(
    frame: np.ndarray,
    view: TableView,
    curved: CurvedOutline,
    scale: float,
    settings: DetectSettings,
) -> Fit | None:
    """``curved`` as a fit (its support the least share of a side on its curve, each side's
    width read across its curve), or None where it is no upright print's outline or its
    curves do not part paper from table.

    Read across the straight chords between the corners, a bowed side's edge leaves its
    chord by up to the bow, and the spread of its step along the chord reads as blur (seed
    6100088, a still bordered print, blur 0.4 px: its bowed sides 17.8 and 13.1 px wide,
    median 8.0 px, over the 8.0 px "blurry" limit; seed 6000019, blur 0.2 px: one bowed
    side 7.3 px, no step in lightness on it or its opposite, read as shaken). Across the
    curve a still side reads as narrow as a straight one, and a shake across the bowed
    pair still widens it (a width taken from the straight pair alone passed an 8 px shake
    across the bowed pair, seed 6000057)."""
    widths = refine_once(frame, curved.corners, SHARPNESS_RADIUS_PX, bows_px=curved.sags_px)
    if widths is None:
        return None
    fit = Fit(curved.corners, min(curved.holds), widths.side_widths, side_supports=curved.holds)
    size = (frame.shape[1], frame.shape[0])
    return fit if is_upright(fit, size, settings) and _parts_paper(view, curved, scale) else None


def _straight_pair(fit: Fit, enough: float) -> bool:
    """Whether both sides of either opposite pair of ``fit`` hold ``enough`` of them."""
    held = [support >= enough for support in fit.side_supports]
    return (held[0] and held[2]) or (held[1] and held[3])


def _filled(regions: np.ndarray) -> np.ndarray:
    """Where ``regions`` (``TableView.regions``) differ from the table or are enclosed by what
    does: the table runs on from the frame's rim under a print and cannot show through it,
    so table-like colour enclosed by the print's own is its picture's (seed 6100097: a
    face's skin and shadows the brown of the wood round it, 0.776 of the true outline
    unlike the table, 0.843 with them). Table-like colour that reaches the print's edge stays
    joined to the table round it and counts as table."""
    h, w = regions.shape
    table = np.ones((h + 2, w + 2), np.uint8)
    table[1:-1, 1:-1] = regions == 0  # a frame of table round it: the rim's table is one piece
    cv2.floodFill(table, None, (0, 0), 2)
    return table[1:-1, 1:-1] != 2


def _unlike_table(unlike: np.ndarray, corners_small: np.ndarray) -> float:
    """The share of the outline ``corners_small`` (small copy) that differs from the table
    (``unlike``: :func:`_filled`)."""
    outline = np.zeros(unlike.shape, np.uint8)
    cv2.fillConvexPoly(outline, np.round(corners_small).astype(np.int32), 1)
    return float(np.count_nonzero(unlike[outline > 0])) / max(int(np.count_nonzero(outline)), 1)


def _parts_paper(view: TableView, curved: CurvedOutline, scale: float) -> bool:
    """Whether along each third of every side's curve the table lies just outside it and
    the colour steps across it (the small copy's strips, as
    :func:`paper_table.sides_on_table` and :func:`paper_table.parts_paper` read them along
    a straight side).

    Third by third: a bordered print's side can be held by a curve through the picture's
    edge at its ends and the paper's edge in its middle (seed 250063, its chord's ends 20 px
    inside the paper's corners, border on their outside: 0.022 of the diagonal off)."""
    corners = curved.corners * scale
    h, w = view.lab.shape[:2]
    for side, sag in enumerate(curved.sags_px):
        p0, p1 = corners[side], corners[(side + 1) % 4]
        normal = outward_normal(corners, side)
        for lo, hi in THIRDS:
            t = np.linspace(lo, hi, 8)[:, None]
            on_curve = p0 + t * (p1 - p0) + (4.0 * sag * scale) * t * (1.0 - t) * normal
            strips = []
            for offsets in (TABLE_OFFSETS_PX, PAPER_OFFSETS_PX):
                pts = np.concatenate([on_curve + offset * normal for offset in offsets])
                inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
                strips.append(np.round(pts[inside]).astype(int).clip(0, [w - 1, h - 1]))
            outside, paper = strips
            if len(outside) < 8 or len(paper) < 8:
                return False  # along the frame's edge: no curled print is seen whole there
            seen_out = view.features[outside[:, 1], outside[:, 0]]
            seen_in = view.features[paper[:, 1], paper[:, 0]]
            off_table = np.linalg.norm(seen_out - view.table[outside[:, 1], outside[:, 0]], axis=1)
            step = float(np.linalg.norm(seen_in.mean(axis=0) - seen_out.mean(axis=0)))
            if np.median(off_table) > view.table_spread or step < PAPER_STEP:
                return False
    return True

"""One side of an outline that runs through the picture (a fold of drapery, the edge of a
dark band) while the other three lie on the print's edge: the corners it cut off are lost
from the guest's scan. A print's corners are square, so the three firm sides fix the weak
side's direction through the camera's lens; only its place along them, further out, is
looked for, and a line the edge bears out better is kept.

Only outwards: a weak side can also be a deckled paper edge whose bites leave little of it
on a line, round a picture whose own edge is firm. Moved in onto the picture, the outline
is then widened again by the border's own steps, a pixel or two apart from where it was:
seed 4300057's scan fell from 0.986 to 0.938 of the ideal (its crop 0.35 % wider)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine_edge.scan import geometry
from engine_edge.scan.detect_settings import DetectSettings
from engine_edge.scan.edge_fit import Fit, fine_reach_px, refine, refine_once, side_shifts
from engine_edge.scan.outline_hunt import is_upright

# A side with less than this share of it on a step is looked for again, when each of the
# other three has at least the second share (seed 4200045: a painting's bottom side on a fold
# of its white dress, 0.73 on a step, the other sides 1.0; on the print's edge 0.90).
WEAK_SIDE = 0.75
FIRM_SIDES = 0.9
# How far out along its neighbours (share of their length) the weak side is looked for, and
# at most how many places along them are tried (each a full-size fit).
SIDE_REACH = 0.3
MAX_TRIES = 16
# The line found must put this much more of the side on a step at full size, and leave the
# print within this many degrees of square through the lens (4200045: 6.5 on the fold, 0.2
# on the print's edge).
SIDE_GAIN = 0.15
SQUARE_DEG = 2.0
# Where another side is not firm either, the weak side is still moved when its new line is
# itself firm and no other side loses more than this share on the way (seed 4800091: a black
# border at an edge contrast of 4.8, the picture's right side fitted on the inner edge of a
# dark band in the picture, 16 px in at the top, 0.51 on a step, the top 0.68 along the
# picture's dark background; square on the picture's edge, 1.0, the others within 0.05).
NEIGHBOUR_LOSS = 0.1
# An outline further than this off square through the lens has one side off the print's edge
# (the prints' own outlines on six scene sets: at most 0.8°, deckled and small ones, a small
# print's once 1.4°); a side re-placed square is kept if it leaves the outline within the
# second figure (seed 3700004, a darkened portrait on a dark table: 1.07°, its left side
# 4 px out at one corner, 0.54° re-placed on the print's edge) and its least side support
# within the share of the first outline's; the re-placed side is looked for this far (a
# share of its neighbours' length) in and out.
OFF_SQUARE_DEG = 1.0
# A side with less than this share of it on a step fixes its place but not its direction; an
# outline further off square through the lens than this has it turned square. The prints' own
# outlines read 0.11° off square (median; 0.36° at the 90th percentile, at most 0.62°) on 768
# prints of eight scene sets. On four sets (first frames) three outlines were over it with
# such a side, all off by it (0.41-0.80°) and 0.0011-0.0038 of the diagonal nearer the
# print's corners turned; two read as a border's paper inside (4700019's black border, a
# plain print, 3700072, read so too), which the detector leaves unturned.
FAINT_SIDE = 0.55
FAINT_OFF_SQUARE_DEG = 0.3
SQUARE_KEPT_DEG = 0.8
SQUARE_SLACK = 0.05
SQUARE_REACH = 0.08


def weak_side_outline(frame: np.ndarray, fit: Fit, settings: DetectSettings) -> Fit | None:
    """``fit`` with its one weak side moved onto the print's edge, or None where no side is
    weak alone or no better line is borne out."""
    supports = np.array(fit.side_supports)
    weak = int(np.argmin(supports))
    if supports[weak] >= WEAK_SIDE:
        return None
    size = (frame.shape[1], frame.shape[0])
    focal_px = settings.focal_ratio * size[0]
    found = squared_side(frame, fit.corners, weak, settings)
    if (
        found is None
        or side_shifts(fit.corners, found.corners)[weak] <= 0.0
        or found.side_supports[weak] < supports[weak] + SIDE_GAIN
        or not _others_hold(supports, np.array(found.side_supports), weak)
        or geometry.corner_error_deg(found.corners, size, focal_px) > SQUARE_DEG
        or not is_upright(found, size, settings)
    ):
        return None
    return found


def _others_hold(before: np.ndarray, after: np.ndarray, weak: int) -> bool:
    """Whether the outline with side ``weak`` moved (side supports ``after``) is borne out
    as well as the one it replaces (``before``): its other three firm where they were all
    firm; where one was not, the moved side firm itself and none of the others weaker by
    more than ``NEIGHBOUR_LOSS``."""
    others_before, others_after = np.delete(before, weak), np.delete(after, weak)
    if others_before.min() >= FIRM_SIDES:
        return bool(others_after.min() >= FIRM_SIDES)
    return bool(
        after[weak] >= FIRM_SIDES and (others_before - others_after).max() <= NEIGHBOUR_LOSS
    )


def squared_side(
    frame: np.ndarray,
    corners: np.ndarray,
    side: int,
    settings: DetectSettings,
    *,
    both_ways: bool = False,
) -> Fit | None:
    """``corners`` with side ``side`` put, square through the lens with the other three, on
    the line along its neighbours that the edge bears out best (each place fitted once at
    full size, the best refined), or None where no place could be fitted. The places run
    out to ``SIDE_REACH`` of the neighbours' length, or (``both_ways``) ``SQUARE_REACH`` in
    and out, where only places still within ``SQUARE_KEPT_DEG`` of square once fitted
    count."""
    size = (frame.shape[1], frame.shape[0])
    reach = fine_reach_px(frame)
    radius = 2.0 * reach
    end, far = corners[(side + 1) % 4], corners[(side + 2) % 4]
    length = float(np.linalg.norm(end - far))
    if both_ways:
        span = SQUARE_REACH * length
        shifts = np.linspace(-span, span, int(np.clip(2 * span / radius, 3, MAX_TRIES)))
    else:
        span = SIDE_REACH * length
        shifts = np.linspace(0.0, span, int(np.clip(span / radius, 2, MAX_TRIES)))
    focal_px = settings.focal_ratio * size[0]
    tried = []
    for quad in _square_places(corners, side, size, focal_px, shifts):
        placed = refine_once(frame, quad, radius)
        # Both ways, the side is re-placed for squareness's sake: a place whose fit slid back
        # onto a line off square (seed 4600045: a fold of a dress, 5.3 degrees) is no answer.
        if placed is not None and (
            not both_ways
            or geometry.corner_error_deg(placed.corners, size, focal_px) <= SQUARE_KEPT_DEG
        ):
            tried.append(placed)
    if not tried:
        return None
    best = max(tried, key=lambda f: f.side_supports[side])
    return refine(frame, best.corners, (radius, reach))


def _square_lines(
    corners: np.ndarray, side: int, size: tuple[int, int], focal_px: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For side ``side`` of ``corners``: the frame's centre, the lines (homogeneous, about
    the centre) of the side before and after it, and the vanishing point of the direction
    that makes the print square through the lens (orthogonal to the neighbours')."""
    centre = np.array([size[0] / 2.0, size[1] / 2.0])
    h = np.c_[corners - centre, np.ones(4)]

    def line(i: int) -> np.ndarray:
        return np.cross(h[i % 4], h[(i + 1) % 4])

    before, after, opposite = line(side - 1), line(side + 1), line(side + 2)
    neighbours_vp = np.cross(before, after)
    # Directions at right angles in space: v1 . diag(1, 1, f^2) . v2 = 0.
    own_vp = np.cross(opposite, neighbours_vp * [1.0, 1.0, focal_px**2])
    return centre, before, after, own_vp


def _square_places(
    corners: np.ndarray, side: int, size: tuple[int, int], focal_px: float, shifts: np.ndarray
) -> list[np.ndarray]:
    """Outlines with side ``side`` moved along its neighbours' lines (``shifts`` pixels, out
    where positive), each at the direction that makes the print square through the lens
    (its vanishing point orthogonal to the neighbours')."""
    centre, before, _, own_vp = _square_lines(corners, side, size, focal_px)
    end, far = corners[(side + 1) % 4], corners[(side + 2) % 4]
    along = (end - far) / np.linalg.norm(end - far)
    places = []
    for shift in shifts:
        moved_end = end + shift * along
        weak_line = np.cross(own_vp, np.r_[moved_end - centre, 1.0])
        meet = np.cross(weak_line, before)
        if abs(meet[2]) < 1e-9:
            continue
        quad = corners.copy()
        quad[side] = meet[:2] / meet[2] + centre
        quad[(side + 1) % 4] = moved_end
        if geometry.is_convex(quad):
            places.append(quad)
    return places


def square_outline(frame: np.ndarray, fit: Fit, settings: DetectSettings) -> Fit | None:
    """``fit`` with its one side off square put back square through the lens, or None where
    ``fit`` is square already or no square outline is borne out as well.

    A picture's own straight line meeting the print's edge at one corner (seed 4200027: the
    lower edge of a pale band along a dog picture's top, 20 px below the print's gravel edge
    at the far corner) can hold as much of a step as the paper's edge (0.85 against 0.81):
    only the lens says it is wrong, the print 2.0° off square through it (the print's own
    outline 0.01°). Each side in turn is re-placed square to the other three, a little in
    or out, and the best-supported square outline is kept if it is nearly as well
    supported as ``fit``."""
    size = (frame.shape[1], frame.shape[0])
    focal_px = settings.focal_ratio * size[0]
    if geometry.corner_error_deg(fit.corners, size, focal_px) <= OFF_SQUARE_DEG:
        return None
    found = [squared_side(frame, fit.corners, side, settings, both_ways=True) for side in range(4)]
    kept = [
        f
        for f in found
        if f is not None
        and f.support >= fit.support - SQUARE_SLACK
        and geometry.corner_error_deg(f.corners, size, focal_px) <= SQUARE_KEPT_DEG
        and is_upright(f, size, settings)
    ]
    return max(kept, key=lambda f: f.support, default=None)


def faint_side_squared(frame: np.ndarray, fit: Fit, settings: DetectSettings) -> Fit | None:
    """``fit`` with its faintest side turned square through the lens about its middle, or
    None where every side is on a step enough to fix its own direction, the outline is
    as square as prints' own outlines read, or the turn would move a corner far.

    A side that little on a step (a dark picture on a dark table, a phone's noise) is a
    line through a few scattered edge points: its place along its middle is borne out,
    its direction is not. Seed 4900097 (a phone view, the print's dark bottom on brick,
    0.43 on a step): the side 7 px in at one corner, 3 px out at the other, the outline
    0.68° off square; turned square, 2.8 px at worst."""
    supports = np.array(fit.side_supports)
    faint = int(np.argmin(supports))
    size = (frame.shape[1], frame.shape[0])
    focal_px = settings.focal_ratio * size[0]
    if (
        supports[faint] >= FAINT_SIDE
        or geometry.corner_error_deg(fit.corners, size, focal_px) <= FAINT_OFF_SQUARE_DEG
    ):
        return None
    centre, before, after, own_vp = _square_lines(fit.corners, faint, size, focal_px)
    middle = (fit.corners[faint] + fit.corners[(faint + 1) % 4]) / 2.0 - centre
    turned = np.cross(own_vp, np.r_[middle, 1.0])
    quad = fit.corners.copy()
    for corner, neighbour in ((faint, before), ((faint + 1) % 4, after)):
        meet = np.cross(turned, neighbour)
        if abs(meet[2]) < 1e-9:
            return None
        quad[corner] = meet[:2] / meet[2] + centre
    moved_px = float(np.linalg.norm(quad - fit.corners, axis=1).max())
    if not geometry.is_convex(quad) or moved_px > fine_reach_px(frame):
        return None
    return replace(fit, corners=quad)

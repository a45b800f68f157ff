"""An outline on the paper's edge along one side and on the picture's along the other three.

A border as alike the table as paper can be (a white border on a light table, a black one
on a dark cloth) may show its outer edge on one side only: the fit then takes the paper's
edge there and the picture's much stronger edge on the three others, and the crop keeps a
strip of border along one side and loses none elsewhere (seeds 4500002 and 4500100: 0.72
and 0.57 of the ideal's SSIM). Such an outline gives itself away: only along that side is
the band just inside it plain, and it is as alike the table just outside as the paper is.
The picture's own edge lies a border's width further in, a strong line: moving that one
side in to it outlines the photo alone, which is the crop a bordered print gets anyway.
"""

from __future__ import annotations

import numpy as np

from engine_edge.scan import geometry
from engine_edge.scan.detect_settings import DetectSettings
from engine_edge.scan.edge_fit import Fit, fine_reach_px, offset_quad, refine, side_shifts
from engine_edge.scan.paper_table import TableView, side_strips, texture_along

# Lightness spread (Lab, 8-bit, about the side's own trend) of the band just inside a side
# on the small copy: at most PLAIN_BAND where it is a border's paper, at least PICTURE_BAND
# along a side that lies on a busy picture's edge.
PLAIN_BAND = 1.5
PICTURE_BAND = 6.0
# How far (Lab) the plain band may stand from the table just outside it: a border that
# stands out more than this is found all round, and is not the case here. A black border
# bitten deep by its deckle on brick stands 33-35 from the brick and was missed on three
# sides (the spec of seed 4800093). A smooth picture (a painted wall, seed 4500100) stands
# out from the border round it by at least STANDS_OUT instead.
ALIKE_TABLE = 40.0
STANDS_OUT = 60.0
# Where the picture's edge is looked for, a share of the print's size (square root of its
# area) in from the lone side: a border is narrow, though a wide one on a small landscape
# print lies 0.11 of its size in (chelsea in a 57 px black border, the spec of 4800093).
INWARD_SHARES = (0.01, 0.02, 0.03, 0.045, 0.06, 0.08, 0.1, 0.12)
# The lone side must move in by at least this share of the size, the others stay within it.
LEAST_MOVE = 0.005


def lone_border_side(view: TableView, corners_small: np.ndarray) -> int | None:
    """The one side (0 top .. 3 left) with plain paper as alike the table as that just
    inside it while picture lies just inside the three others; None otherwise."""
    shape = view.lab.shape[:2]
    inside = side_strips(corners_small, (-1.5, -2.0, -2.5), shape)
    outside = side_strips(corners_small, (3.0, 5.0, 7.0), shape)
    feats = view.features
    plain: list[int] = []
    picture = 0
    for i, (in_pts, out_pts) in enumerate(zip(inside, outside, strict=True)):
        if len(in_pts) < 10 or len(out_pts) < 10:
            return None
        band = feats[in_pts[:, 1], in_pts[:, 0]]
        texture = texture_along(band[:, 0], in_pts, corners_small[i], corners_small[(i + 1) % 4])
        table = feats[out_pts[:, 1], out_pts[:, 0]]
        alike = np.linalg.norm(np.median(band, axis=0) - np.median(table, axis=0))
        if texture <= PLAIN_BAND and alike <= ALIKE_TABLE:
            plain.append(i)
        elif texture >= PICTURE_BAND or alike >= STANDS_OUT:
            picture += 1
    return plain[0] if len(plain) == 1 and picture == 3 else None


def picture_outline(
    frame: np.ndarray, view: TableView, best: Fit, scale: float, settings: DetectSettings
) -> Fit | None:
    """``best`` with its lone border side (:func:`lone_border_side`) moved in to the
    picture's edge, the other sides where they were; None when ``best`` is not such an
    outline or no well-supported picture edge lies a border's width in."""
    side = lone_border_side(view, best.corners * scale)
    if side is None:
        return None
    size = float(np.sqrt(geometry.quad_area(best.corners)))
    reach = fine_reach_px(frame)
    for share in INWARD_SHARES:
        guess = offset_quad(best.corners, [-share * size if i == side else 0.0 for i in range(4)])
        if guess is None:
            continue
        fit = refine(frame, guess, (0.012 * size, reach))
        if fit is None or fit.support < settings.min_support:
            continue
        moved = side_shifts(best.corners, fit.corners)
        others = [abs(m) for i, m in enumerate(moved) if i != side]
        if moved[side] > -LEAST_MOVE * size or max(others) > LEAST_MOVE * size:
            continue
        return fit
    return None

"""From an outline found on the picture out to the paper's edge: a light or dark border
whose faint edge was missed, a deckled edge's tips, a picture's own line that took a side
where paper and table are alike. Each move out must part paper from table."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from engine_edge.scan import geometry
from engine_edge.scan.candidates import contour_quads, straightened_on_mask
from engine_edge.scan.detect_settings import DetectSettings
from engine_edge.scan.edge_fit import (
    SHARPNESS_RADIUS_PX,
    Fit,
    fine_reach_px,
    offset_quad,
    outward_normal,
    refine,
    refine_once,
    side_shifts,
)
from engine_edge.scan.outline_hunt import (
    BEYOND_PICTURE_SLACK,
    DEEP_BITES_SLACK,
    held_by_paper,
    is_upright,
)
from engine_edge.scan.paper_table import (
    TableView,
    just_outside,
    lab_along,
    paper_sides,
    parts_paper,
    print_region,
    side_colours,
    side_steps,
    sides_are_steps,
    sides_on_table,
    surrounded_by_table,
)

# The print's region on the small copy is smoothed (colour and busyness blurred over a few
# pixels): its tips can lie up to this many small pixels out on the table.
REGION_HALO = 4.0
# A deckled side's tips: the outermost line along which this share of the side is paper.
TIPS_SHARE = 0.1
# Paper and table this far apart (Lab) are told apart pixel by pixel at full size.
TIPS_APART = 25.0
# How far out from a found outline, as a share of the print's size (the square root of its
# area), the outermost line is looked for, and how much better it must be supported at full
# size to be taken instead (see ``outermost_outline``).
OUTERMOST_SEARCH = 0.1
OUTERMOST_GAIN = 0.1
# ... unless paper lies outside each side that moved (``_beyond_the_picture``): just outside
# the old side differs from further out this many times as much as outside the new side,
# and at least by the second figure (Lab).
OUTSIDE_GAP = 3.0
MIN_OUTSIDE_GAP = 12.0
# ... and what lies between the two sides is not the table beyond the new one (Lab): the
# paper beyond the picture on seeds 600027, 600084, 600092, 3300027 and 3400027 stood
# 15-136 from the table outside the paper's edge; brick between a print and a mortar joint
# beside it (5200051), 1.0.
PAPER_BETWEEN = 6.0


def outer_outline(
    frame: np.ndarray,
    inner: Fit,
    view: TableView,
    scale: float,
    settings: DetectSettings,
    side_sets: list[list[bool]] | None = None,
    slack: float = 0.25,
) -> Fit | None:
    """The largest well-supported outline a little outside ``inner`` with table all round it.

    By default two ways out, step by step: every side (a border of even width, whose light
    paper may pass for a light table), and only the sides with picture outside them (the
    others already lie on the print's edge); ``side_sets`` names others. Its support may
    fall ``slack`` short of ``min_support``. None when none finds one.
    """
    area = geometry.quad_area(inner.corners)
    size = np.sqrt(area)
    if side_sets is None:
        side_sets = [[True] * 4, [not ok for ok in sides_on_table(view, inner.corners * scale)]]
    found: list[Fit] = []
    reach = fine_reach_px(frame)
    for sides in side_sets:
        for share in (0.02, 0.04, 0.06, 0.08, 0.10, 0.12):
            guess = offset_quad(inner.corners, [share * size if s else 0.0 for s in sides])
            if guess is None:
                continue
            fit = refine(frame, guess, (0.012 * size, reach))
            # A deckled edge puts only its tips on one line: less of it supports the side,
            # which is acceptable here because the table must lie all round the outline.
            if fit is None or fit.support < settings.min_support - slack:
                continue
            if geometry.quad_area(fit.corners) < 1.02 * area:
                continue
            # ... and, that short of support, each side must part paper from table at full
            # size. The small copy's table-all-round test reads a side's median: a side laid
            # slantwise across a deckled border, on the paper's edge at one end and a
            # border's width inside it at the other, has table outside half its length and
            # passes (seed 1100066: 3.4 % of the diagonal off, 0.65 of the ideal's SSIM).
            if fit.support < settings.min_support and not all(
                paper_sides(frame, fit.corners, reach)
            ):
                continue
            if surrounded_by_table(view, fit.corners * scale) and sides_are_steps(
                view, fit.corners * scale
            ):
                found.append(fit)
                break
    return max(found, key=lambda f: geometry.quad_area(f.corners)) if found else None


def outermost_outline(frame: np.ndarray, fit: Fit, settings: DetectSettings) -> Fit | None:
    """The outline through the outermost well-supported line near each side of ``fit``,
    when at full size it is clearly better supported than ``fit``, or when paper lay
    beyond ``fit`` (``_beyond_the_picture``); else None.

    On the small copy a picture's own line just inside a side (a door frame under a pale
    ceiling strip at the top of the picture) can be the stronger edge and take the side,
    while at full size the paper's cut edge a little outside it is the sharper step: the
    dog on wavy wood (seed 600027) had its top side on the door frame, 0.56 supported at
    full size against 0.93 on the paper's edge 6 % of the diagonal further out. Each side
    that moves must part paper from table there.
    """
    reach = fine_reach_px(frame)
    radius = OUTERMOST_SEARCH * float(np.sqrt(geometry.quad_area(fit.corners)))
    wider = refine(frame, fit.corners, (radius,), (True, True, True, True))
    if wider is None:
        return None
    wider = refine(frame, wider.corners, (reach,))
    if wider is None or geometry.quad_area(wider.corners) <= geometry.quad_area(fit.corners):
        return None
    moved = side_shifts(fit.corners, wider.corners) > reach
    steps = side_steps(frame, wider.corners, reach)
    checked = moved
    if _beyond_the_picture(frame, fit.corners, wider.corners, steps, moved, reach):
        need = settings.min_support
        if wider.support < need:
            # The picture that matched the table outside the old sides may match it along
            # part of another side too: the dog's pale ceiling strip at its top and a pale
            # post down its right (seed 3400027, a light table: the paper's edge 0.67
            # supported, the right side losing the profiles along the post). Paper beyond
            # the old sides says where the print is; every side must then part paper from
            # table.
            need, checked = settings.min_support - BEYOND_PICTURE_SLACK, np.ones(4, bool)
    else:
        own = refine_once(frame, fit.corners, SHARPNESS_RADIUS_PX)
        need = max(settings.min_support, (0.0 if own is None else own.support) + OUTERMOST_GAIN)
    if wider.support < need:
        return None
    return wider if all(parts_paper(*s) for s, c in zip(steps, checked, strict=True) if c) else None


def _beyond_the_picture(
    frame: np.ndarray,
    inner: np.ndarray,
    outer: np.ndarray,
    outer_steps: list[tuple[float | None, float]],
    moved: np.ndarray,
    reach: float,
) -> bool:
    """Whether every side of ``inner`` that the outline ``outer`` (its ``side_steps``,
    ``outer_steps``) moved out has paper, not table, just outside it, where the outer side
    has table: just outside ``inner``'s side differs from further out ``OUTSIDE_GAP`` times
    as much as just outside the outer side does, and clearly, and it is unlike what lies
    just outside the outer side by ``PAPER_BETWEEN`` at least.

    Such a side lies on a line inside the picture, however sharp: the dog's photo has a
    door frame under a pale ceiling strip along its top (seed 3300027, on gravel: the top
    side on the frame, 0.85 supported at full size; the paper's edge 9.5 px further out,
    0.81, not 0.1 better, so kept out: 0.03 of the diagonal off). Outside the frame's line
    the strip stood 50 from the table further out; outside the paper's edge, 1.5.

    A line on the table parallel to the print's edge and just off it reads the same way
    from inside: a brick's pale mortar joint 17 px out from a small print's right side
    (seed 5200051) stood 44 from the brick beyond it, yet what lay between was brick, as
    beyond the joint (1.0 apart): the side moved out onto the joint, 18 px off.
    """
    if not moved.any():
        return False
    own = side_steps(frame, inner, reach)
    outside = zip(
        side_colours(frame, inner, just_outside(reach)),
        side_colours(frame, outer, just_outside(reach)),
        strict=True,
    )
    between = [0.0 if a is None or b is None else float(np.linalg.norm(a - b)) for a, b in outside]
    return all(
        a[0] is not None
        and b[0] is not None
        and a[1] >= max(MIN_OUTSIDE_GAP, OUTSIDE_GAP * b[1])
        and apart >= PAPER_BETWEEN
        for a, b, apart, m in zip(own, outer_steps, between, moved, strict=True)
        if m
    )


def paper_round(
    frame: np.ndarray, view: TableView, inner: Fit, fits: list[Fit], scale: float
) -> Fit | None:
    """The best-supported of ``fits`` that lies round ``inner`` (sides in common allowed)
    with table all round it and every side parting paper from table at full size; None
    when there is none.

    A picture's sharp edge inside a white border can be better supported than the paper's
    deckled edge round it and win (seed 400003: a white wall in the picture beside the
    subject, whose edge made one side, 1.0 against 0.72); with picture, not table, outside
    it, the outline round it on the paper's edge is the print.
    """
    reach = fine_reach_px(frame)
    around = [
        fit
        for fit in fits
        if fit is not inner
        and geometry.quad_area(fit.corners) > geometry.quad_area(inner.corners)
        and all(
            cv2.pointPolygonTest(fit.corners.astype(np.float32), (float(x), float(y)), True)
            >= -reach
            for x, y in inner.corners
        )
        and surrounded_by_table(view, fit.corners * scale)
        and all(paper_sides(frame, fit.corners, reach))
    ]
    return max(around, key=lambda f: f.support) if around else None


def joined_outline(
    frame: np.ndarray,
    view: TableView,
    inner: Fit,
    fits: list[Fit],
    scale: float,
    settings: DetectSettings,
) -> Fit | None:
    """``inner`` with each side that has picture, not table, outside it replaced by the
    nearest side of another of ``fits`` further out that has table outside it; kept when at
    full size it has table all round and is held by paper as a deckled edge with deep bites
    may be (:func:`held_by_paper`: its sides were each found on an accepted outline). None
    otherwise.

    A picture's own straight lines can cut the paper into parts that each outline well:
    white pillarbox bars beside the subject, inside a white deckled border (seed 3400003,
    on brick: the paper's right part with the bar's edge for its left side, 0.91, and its
    left part with the other bar's edge for its right side, 0.89). Each part has the
    paper's edge, with table outside, on the sides the other lacks, and neither reaches
    the other's side by the outermost search.
    """
    on_table = sides_on_table(view, inner.corners * scale)
    if all(on_table):
        return None
    reach = fine_reach_px(frame)
    beyond = [
        (side_shifts(inner.corners, fit.corners), sides_on_table(view, fit.corners * scale), fit)
        for fit in fits
        if fit is not inner
    ]
    lines = []
    for i, table_outside in enumerate(on_table):
        side = inner.corners
        if not table_outside:
            outside = [
                (shifts[i], fit.corners)
                for shifts, table, fit in beyond
                if shifts[i] > reach and table[i]
            ]
            if not outside:
                return None
            side = min(outside, key=lambda found: found[0])[1]
        p0, p1 = side[i], side[(i + 1) % 4]
        lines.append(geometry.line_through(p0, p1 - p0))
    joined = geometry.corners_from_lines(lines)
    if joined is None or not geometry.is_convex(joined):
        return None
    fit = refine(frame, joined, (reach,))
    if (
        fit is None
        or not held_by_paper(frame, fit, settings, reach, DEEP_BITES_SLACK)
        or not is_upright(fit, (frame.shape[1], frame.shape[0]), settings)
        or not surrounded_by_table(view, fit.corners * scale)
    ):
        return None
    return fit


def region_outline(
    frame: np.ndarray, inner: Fit, view: TableView, scale: float, settings: DetectSettings
) -> Fit | None:
    """The outline of the print's region when it reaches past a side of ``inner``.

    Where a picture is nearly as light as the table along part of a side, the paper's edge
    there is a faint step and the picture's own line a little inside is the stronger one;
    a side fitted on the small copy, where the two merge over part of the side, takes the
    picture's line. The region that differs from the table still reaches the paper's edge:
    its outline, refined at full size (where the two lines are apart), is kept when it is
    larger, well supported and parts paper from table on every side. None otherwise.
    """
    corners = inner.corners * scale
    found = print_region(view, corners)
    if found is None:
        return None
    region = found.astype(np.uint8)
    inside = np.zeros_like(region)
    cv2.fillConvexPoly(inside, np.round(corners).astype(np.int32), 1)
    near = cv2.dilate(inside, np.ones((5, 5), np.uint8))
    if np.count_nonzero(found & (near == 0)) < 0.008 * geometry.quad_area(corners):
        return None
    quads = contour_quads(region * 255, settings, (view.lab.shape[1], view.lab.shape[0]))
    if not quads:
        return None
    quad = max(quads, key=geometry.quad_area)
    start = straightened_on_mask(cv2.merge([region * 255] * 3), quad) / scale
    reach = fine_reach_px(frame)
    # The mask's outline lies a few small pixels off (it is smoothed): search wider first.
    fit = refine(frame, start, (max(3.0, 4.0 / scale), max(3.0, 2.5 / scale), reach))
    if fit is None or fit.support < settings.min_support:
        return None
    if geometry.quad_area(fit.corners) < 1.01 * geometry.quad_area(inner.corners):
        return None
    if not surrounded_by_table(view, fit.corners * scale):
        return None
    if not all(paper_sides(frame, fit.corners, reach)):
        return None
    # The region may cover a light border on one side only (paper a shade off the table's
    # there): that side moves to the paper's edge, the others stay on the picture's. Where
    # the paper's edge lies further out on those too, they go there as well.
    stayed = [bool(s <= reach) for s in side_shifts(inner.corners, fit.corners)]
    if any(stayed) and not all(stayed):
        outer = outer_outline(frame, fit, view, scale, settings, [stayed])
        if outer is not None and is_upright(outer, (frame.shape[1], frame.shape[0]), settings):
            return outer
    return fit


def deckled_outline(frame: np.ndarray, view: TableView, inner: Fit, scale: float) -> Fit | None:
    """The outline of a deckled (wavy-cut) print round ``inner``: each side moved out to
    the tips of the print's region, as a ruler laid against the edge would touch them.

    A deckled edge has no straight line to refine; the region that differs from the table
    does show where the paper ends. None unless table lies all round the result and some
    side parts paper from table at full size: a light border on a light table under a
    lamp's fall-off can be left out of the region, whose tips then lie on the border's
    plain paper, a border's width inside its edge (seed 1200030: 0.034 of the print's
    diagonal off, paper on both sides of every side). Not every side: deep bites (12 px,
    seed 1300093) put table in the strip just inside the tips on two sides of a right one.
    """
    corners = inner.corners * scale
    region = print_region(view, corners)
    if region is None:
        return None
    ys, xs = np.nonzero(region)
    pts = np.c_[xs, ys].astype(np.float64) + 0.5
    centre = corners.mean(axis=0)
    size = float(np.sqrt(geometry.quad_area(corners)))
    lines, depths = [], []
    for i in range(4):
        p0, p1 = corners[i], corners[(i + 1) % 4]
        line = geometry.line_through(p0, p1 - p0)
        if line[:2] @ centre + line[2] > 0:
            line = -line  # outward normal
        along = (pts - p0) @ ((p1 - p0) / np.linalg.norm(p1 - p0))
        within = (along > 0.1 * np.linalg.norm(p1 - p0)) & (along < 0.9 * np.linalg.norm(p1 - p0))
        beyond = pts[within] @ line[:2] + line[2]
        if beyond.size < 20:
            return None
        shift = float(np.percentile(beyond, 99.5))
        if not 0.0 < shift < 0.15 * size:
            return None
        line[2] -= shift
        lines.append(line)
        depths.append(shift)
    outer = geometry.corners_from_lines(lines)
    if outer is None or not geometry.is_convex(outer):
        return None
    if geometry.quad_area(outer) < 1.02 * geometry.quad_area(corners):
        return None
    if not surrounded_by_table(view, outer):
        return None
    # The paper is looked for beyond the bites: half the narrowest band between the
    # picture's outline and the tips in (a 16 px deckle put table in the strip just inside
    # the tips on every side of seed 1400030's ivory border, which was then refused).
    inset = 0.5 * min(depths) / scale
    if not any(paper_sides(frame, outer / scale, fine_reach_px(frame), inset)):
        return None
    return replace(inner, corners=_tips_at_full_size(frame, outer / scale, inset, scale))


def _tips_at_full_size(
    frame: np.ndarray, corners: np.ndarray, inset_px: float, scale: float
) -> np.ndarray:
    """``corners`` (a deckled outline at the tips of the print's region) with each side
    pulled in, at the frame's resolution, to the outermost line along which paper shows.

    The region was found on the small copy, blurred: on a busy table its tips reach a
    few pixels past the paper onto the table (seed 3700102, s8 in a white deckled border
    on brick: 7-11 px out at 1920 px, 0.01 of the diagonal; the flat view then had a band
    of brick round the paper, the border crop found no border, and the scan kept it, 0.29
    of the ideal's SSIM). Paper is the colour ``inset_px`` inside the side (the border
    beyond the bites), table the colour just past the halo; a side whose two are close
    (a light border on a light table) stays where it is, and no side moves out.
    """
    reach = fine_reach_px(frame)
    halo = REGION_HALO / scale
    pulls = []
    for i in range(4):
        normal = outward_normal(corners, i)
        along = corners[i] + np.linspace(0.15, 0.85, 128)[:, None] * (
            corners[(i + 1) % 4] - corners[i]
        )
        paper = np.median(lab_along(frame, along - inset_px * normal), axis=0)
        table = np.median(lab_along(frame, along + (halo + reach) * normal), axis=0)
        apart = float(np.linalg.norm(paper - table))
        pull = 0.0
        if apart >= TIPS_APART:
            for offset in np.arange(halo, -halo, -1.0):
                colours = lab_along(frame, along + offset * normal)
                near = np.linalg.norm(colours - paper, axis=1) < max(10.0, 0.3 * apart)
                if colours.size and float(np.mean(near)) >= TIPS_SHARE:
                    pull = min(0.0, float(offset) + 0.5)
                    break
        pulls.append(pull)
    pulled = offset_quad(corners, pulls)
    return corners if pulled is None else pulled

"""The hunt over candidates: each refined on the small copy, then at the frame's
resolution, kept when supported there (or when a deckled edge is held by paper on every
side); and the last resorts, tried in turn when no candidate held."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from engine_edge.scan import geometry
from engine_edge.scan.candidates import hull_to_quad, sharp_edge_quads, straightened_on_mask
from engine_edge.scan.detect_settings import DetectSettings
from engine_edge.scan.edge_fit import Fit, fine_reach_px, refine, same_quad
from engine_edge.scan.paper_table import (
    TableView,
    paper_inside,
    paper_sides,
    parts_paper,
    region_agreement,
    region_mask,
    side_steps,
    surrounded_by_table,
)

# The share of ``min_support`` a candidate's fit on the small copy needs to be refined at full
# size (``fit_candidates``).
SMALL_COPY_SHARE = 0.8
# How far short of ``min_support`` an outline fitted outermost may fall when paper lies beyond
# the picture's sides (``outermost_outline``, ``faint_region_fits``), every side parting paper
# from table.
BEYOND_PICTURE_SLACK = 0.15
# The share of ``min_support`` a candidate needs on the small copy to be looked at in full
# by the very last resort (``faint_fits``): none, the full size decides (a thin light
# border is a line there, not a step, and holds nothing).
FAINT_SHARE = 0.0
# The floor of the region mask's spreads (``region_mask``) for the very last look at a
# faint region, and how much of the outline and its region (intersection over union) must
# agree for the outline to be taken (``faint_region_fits``).
FAINT_REGION_FLOOR = 0.5
REGION_AGREEMENT = 0.9
# The least colour step (Lab) across every side of a faint region's outline at full size. A
# print whose paper is like the table parts little from it, but something: the outlines this
# resort chose on the first frames of 13 flat and 5 old-print sets (78 scenes besides the
# one below) stepped at least 4.7 on every side, and the ones it kept beside them 4.1, but for
# two with a side on the stones or the wood grain (1000036: 2.1, 3500045: 2.6); seed
# 6000016's right side, 27 px out on a dark table (a dark phone view shaken 5 px), stepped
# 1.0: table on both sides of it (0.70 of the ideal scan).
FAINT_REGION_LEAST_STEP = 3.0
# How far short of ``min_support`` at full size an outline whose every side parts paper
# from table may fall (a deckled edge's deep bites leave only their tips on its line).
DEEP_BITES_SLACK = 0.45
# The share of ``min_support`` under which a candidate's narrow fit on the small copy is
# searched again wider as a deeply deckled print's outline (``deckled_fits``): bites of 14 px
# into a 24 px border left a third of each side on the tips' line there (seed 3900057: 0.33).
DECKLE_SHARE = 0.4
# How far (pixels of the small copy) the full-size outline of a candidate held less than that
# on the small copy may lie from its small-copy fit: where the small copy barely saw a line,
# the full size must find the same one, not a stronger one nearby.
DECKLE_DRIFT_SMALL_PX = 1.5
# How many times finer than the small copy a border's paper is looked for again when a side
# shows none there (``border_all_round``): a 3 px border is 6 px on that copy.
FINER_COPY = 2.0
# How far (pixels of the small copy) a deckled print's side is looked for at full size when
# the wider search there left its outline (``deckled_fits``).
NEAR_SMALL_PX = 1.0
# How far (pixels of the small copy) each side of the sharp places' hull is looked for when
# the candidates' own searches from it held nothing (``sharp_edge_fits``): the hull lies on
# the print's cut edge to a pixel or two, where a wider search can slide a side onto a
# sharper line of the picture.
HULL_NEAR_PX = 2.0


def _small_fit(
    small: np.ndarray, quad: np.ndarray, diag: float, enough: float, *, widen: bool
) -> tuple[Fit | None, bool]:
    """``quad`` refined on the small copy, and whether the wide search made it: the narrow
    search first and, where that falls short of ``enough`` support and ``widen`` allows, the
    wide one (a rough candidate: a print whose colours resemble the table)."""
    fit = refine(small, quad, coarse_radii(quad, diag, wide=False))
    if (fit is None or fit.support < enough) and widen:
        return refine(small, quad, coarse_radii(quad, diag, wide=True)), True
    return fit, False


def is_upright(fit: Fit, size: tuple[int, int], settings: DetectSettings) -> bool:
    """Whether a print could lie along ``fit`` without being turned away from the camera
    further than ``max_tilt_deg``. Prints on the table or in a hand face the camera within
    about 25° (the scene set's within 23°); an outline that cut across the picture (dark
    hair on a dark table, its top side through the hair) reads 60-80°."""
    focal_px = settings.focal_ratio * size[0]
    return geometry.plane_tilt_deg(fit.corners, size, focal_px) <= settings.max_tilt_deg


def fit_candidates(
    frame: np.ndarray,
    small: np.ndarray,
    candidates: list[np.ndarray],
    scale: float,
    settings: DetectSettings,
    enough_share: float = SMALL_COPY_SHARE,
) -> list[Fit]:
    """Refine ``candidates`` (small-image quads) on the small image, keep the distinct
    ones supported there by ``enough_share`` of ``min_support``, then refine those at the
    frame's resolution."""
    sh, sw = small.shape[:2]
    diag = float(np.hypot(sw, sh))
    enough = enough_share * settings.min_support
    # Per distinct coarse outline: its fit, and the candidate for the wider search when that
    # is still to be tried (one of the first four, whose narrow search held on the small copy).
    coarse: list[tuple[Fit, np.ndarray | None]] = []
    for rank, quad in enumerate(candidates):
        fit, widened = _small_fit(small, quad, diag, enough, widen=rank < 4)
        wider: np.ndarray | None = quad if rank < 4 and not widened else None
        if fit is None or fit.support < enough:
            continue
        if not any(same_quad(fit.corners, f.corners, 0.02 * diag) for f, _ in coarse):
            coarse.append((fit, wider))
    fits: list[Fit] = []
    for fit, wider in sorted(coarse, key=lambda c: -c[0].support)[:5]:
        if scale >= 1.0:
            if fit.support >= settings.min_support:
                fits.append(fit)
            continue
        refined = at_full_size(frame, fit, scale, settings)
        kept = _accepted(frame, fit, refined, scale, settings, deep_bites=False)
        if kept is None and wider is not None:
            # The narrow search can lock onto a line in a busy table beside a small print
            # (gravel 19 px off its top, seed 300060) that falls short at full size; the
            # wider one from the same candidate may have found the print's side.
            again = refine(small, wider, coarse_radii(wider, diag, wide=True))
            if again is not None and again.support >= enough:
                other = at_full_size(frame, again, scale, settings)
                kept = _accepted(frame, again, other, scale, settings, deep_bites=False)
        if kept is None:
            # Only then deep deckle bites: 300060's narrow outline, 6 % off, had every
            # side parting paper from gravel too.
            kept = _accepted(frame, fit, refined, scale, settings, deep_bites=True)
        if kept is not None:
            fits.append(kept)
    return fits


def coarse_radii(quad: np.ndarray, diag: float, *, wide: bool) -> tuple[float, ...]:
    """Search radii for refining a candidate on the small copy (``diag``: its diagonal):
    narrow, or wide for a rough candidate. A small print's sides are searched no further
    than a sixth of its size."""
    near = min(1.0, np.sqrt(geometry.quad_area(quad)) / (6 * 0.03 * diag))
    if wide:
        return (0.07 * diag * near, 0.03 * diag * near, 0.012 * diag)
    return (0.03 * diag * near, 0.012 * diag)


def at_full_size(frame: np.ndarray, fit: Fit, scale: float, settings: DetectSettings) -> Fit | None:
    """``fit`` (found on the copy at ``scale``) refined at the frame's resolution, or on a
    copy smoothed against noise when that is better supported."""
    # From a copy at half the size or more, one pass at full size is enough.
    radii: tuple[float, ...] = (max(3.0, 2.5 / scale),)
    if scale < 0.5:
        radii += (fine_reach_px(frame),)
    refined = refine(frame, fit.corners / scale, radii)
    if refined is None or refined.support < settings.min_support:
        # A noisy sensor (a phone's, in dim light) hides the edge pixel by pixel:
        # look again on a copy smoothed to about the candidate's own scale.
        smoothed = cv2.GaussianBlur(frame, (0, 0), 0.5 / scale)
        again = refine(smoothed, fit.corners / scale, radii)
        if again is not None and (refined is None or again.support > refined.support):
            refined = again
    return refined


def _accepted(
    frame: np.ndarray,
    fit: Fit,
    refined: Fit | None,
    scale: float,
    settings: DetectSettings,
    *,
    deep_bites: bool,
) -> Fit | None:
    """``refined`` (``fit`` from the copy at ``scale``, at full size) when it is supported
    there, or when the small copy saw it clearly and the full-size lines agree; else None.

    Shake, noise and deckles blur the edge at full size. A deckled edge puts only its
    bites' tips on the full-size line: when the small copy, where the bites are under a
    pixel, saw the edge almost whole, less is enough at full size. Deeper bites (12 px,
    seed 200093: 0.84 on the small copy, 0.38 at full size) leave less still, taken when
    every side parts paper from table at full size (the last resort's check), when
    ``deep_bites``.
    """
    if refined is None:
        return None
    if refined.support >= settings.min_support:
        return refined
    if fit.support < 0.8 or not same_quad(refined.corners, fit.corners / scale, 1.5 / scale):
        return None
    floor = settings.min_support - (0.45 if fit.support >= 0.9 else 0.25)
    reach = fine_reach_px(frame)
    if (fit.support >= 0.85 and refined.support >= floor) or (
        deep_bites and held_by_paper(frame, refined, settings, reach, DEEP_BITES_SLACK)
    ):
        return replace(refined, support=fit.support)
    return None


def held_by_paper(
    frame: np.ndarray,
    fit: Fit,
    settings: DetectSettings,
    reach: float,
    slack: float,
) -> bool:
    """Whether an outline up to ``slack`` short of ``min_support`` at full size is still
    the print's edge: every side parts paper from table (a deckled edge's deep bites leave
    only their tips on its line, ``DEEP_BITES_SLACK``)."""
    return fit.support >= settings.min_support - slack and all(
        paper_sides(frame, fit.corners, reach)
    )


def sharp_edge_fits(
    frame: np.ndarray, small: np.ndarray, view: TableView, scale: float, settings: DetectSettings
) -> list[Fit]:
    """The last resort when no candidate held: the hull of the sharp places, refined, kept
    only when each side parts paper from table at the frame's resolution. The hull's
    strongest lines may be the picture's own, a few pixels inside a side where paper and
    table are alike: such an outline is no outline (the guest hears "none", as before,
    rather than getting a wrong crop)."""
    candidates = sharp_edge_quads(view.lab[..., 0], settings, (small.shape[1], small.shape[0]))
    fits = fit_candidates(frame, small, candidates, scale, settings)
    kept = _parting_paper(frame, fits, settings)
    if not kept:
        # The hull is on the print's edge already; the searches from it reach 15 small-copy
        # pixels and may settle on the picture's own line (seed 4900045, a painting on wavy
        # wood: the bottom side on a fold of the dress, 37 px in at one end, 0.66 supported
        # at full size; within 2 px of the hull, 0.93 on the paper's edge).
        near = _near_fits(frame, small, candidates, scale, settings)
        kept = _parting_paper(frame, near, settings)
    return kept


def _near_fits(
    frame: np.ndarray,
    small: np.ndarray,
    candidates: list[np.ndarray],
    scale: float,
    settings: DetectSettings,
) -> list[Fit]:
    """``candidates`` refined on the small copy within ``HULL_NEAR_PX`` of where they are,
    then at full size, kept as :func:`fit_candidates` keeps its fits (no deep bites)."""
    fits = []
    for quad in candidates:
        fit = refine(small, quad, (HULL_NEAR_PX,))
        if fit is None or fit.support < SMALL_COPY_SHARE * settings.min_support:
            continue
        refined = fit if scale >= 1.0 else at_full_size(frame, fit, scale, settings)
        kept = _accepted(frame, fit, refined, scale, settings, deep_bites=False)
        if kept is not None:
            fits.append(kept)
    return fits


def _parting_paper(frame: np.ndarray, fits: list[Fit], settings: DetectSettings) -> list[Fit]:
    """Those of ``fits`` each of whose sides parts paper from table at full size, a side
    that does not fitted again outermost first (:func:`sharp_edge_fits`)."""
    reach = fine_reach_px(frame)
    kept = []
    for fit in fits:
        paper = paper_sides(frame, fit.corners, reach)
        if not all(paper):
            # A picture's own line just inside a side (a grey strip along its top) is
            # nearer the hull than the paper's edge, which lies just outside it: such a side
            # is fitted again, taking the outermost of the nearly best lines near it.
            again = outermost_sides(frame, fit, paper)
            if again is None or again.support < settings.min_support:
                continue
            fit, paper = again, paper_sides(frame, again.corners, reach)
        if all(paper):
            kept.append(fit)
    return kept


def faint_fits(
    frame: np.ndarray,
    small: np.ndarray,
    view: TableView,
    candidates: list[np.ndarray],
    scale: float,
    settings: DetectSettings,
) -> list[Fit]:
    """The very last resort: the first few candidates whose fit on the small copy fell
    short, looked at in full, kept only when at the frame's resolution they are supported
    and every side parts paper from table there, with table all round.

    A thin light border between a dark table and the picture puts two edges a pixel or two
    apart on the small copy, where a side then finds neither whole (seed 400048, a light
    deckled print on a dark table: 0.50 there, 0.72 at full size on the paper's edge). A
    border under about three pixels of the small copy is a thin light line there, the same
    on both sides, which no side counts as a step: the outline holds nothing (seed 3400102,
    a 13 px cream border on brick at 1920 x 1080: 0.00 on the small copy, 0.74 at full size
    and 0.003 of the diagonal off), so the small copy asks for no support here.
    """
    reach = fine_reach_px(frame)
    return [
        fit
        for fit in fit_candidates(frame, small, candidates[:4], scale, settings, FAINT_SHARE)
        if fit.support >= settings.min_support
        and surrounded_by_table(view, fit.corners * scale)
        and all(paper_sides(frame, fit.corners, reach))
    ]


def deckled_fits(
    frame: np.ndarray,
    small: np.ndarray,
    view: TableView,
    candidates: list[np.ndarray],
    scale: float,
    settings: DetectSettings,
) -> list[Fit]:
    """After every other resort: the first few candidates, however weakly supported on the
    small copy (searched wider there under ``DECKLE_SHARE``), kept when at the frame's
    resolution they are held by paper as deep bites allow (:func:`held_by_paper`,
    ``DEEP_BITES_SLACK``), with table all round and a plain border's paper just inside every
    side (:func:`border_all_round`).

    A deckle that bites half-way into a plain border leaves a third to two thirds of each
    side on its tips' line on the small copy and under half at full size: cream borders on
    a dark table or wood (seeds 3800084, 3900057 and 3600084, bites of 14-15 px into
    24-27 px borders; their outlines 0.005-0.008 of the diagonal off, 0.39-0.54 supported
    at full size) were refused. The border's paper vouches for the outline: a print
    without one whose weak outline lay on the picture's own lines, a thin white strip
    inside the paper's edge (seed 3800060, 0.021 off; every side parting picture from
    table, 0.92 agreeing with its region), has picture inside its sides and stays refused.

    The small copy asks for no support here, as for :func:`faint_fits`: a deckle a few of
    its pixels deep scatters the edge beyond a side's one-pixel line, and a busy table's
    stones lie as near (seed 5100057, a cream border bitten 12 px on gravel: its first
    candidate held 0.08-0.12 on the small copy, 0.61 at full size, 3 px off, every check
    passed; it was refused "none"). Such a weak one is kept only within
    ``DECKLE_DRIFT_SMALL_PX`` of where the small copy put it (1.7 px at full size there).
    """
    reach = fine_reach_px(frame)
    sh, sw = small.shape[:2]
    diag = float(np.hypot(sw, sh))
    enough = DECKLE_SHARE * settings.min_support
    kept = []
    for quad in candidates[:4]:
        fit, _ = _small_fit(small, quad, diag, enough, widen=True)
        if fit is None:
            continue
        drift_px = np.inf if fit.support >= enough else DECKLE_DRIFT_SMALL_PX / scale
        full = fit if scale >= 1.0 else at_full_size(frame, fit, scale, settings)
        held = _deckled_near(frame, view, full, fit.corners / scale, drift_px, scale, settings)
        if not held and scale < 1.0:
            # At full size the search may reach past the bites onto the picture's stronger
            # edge inside the border; within the small copy's own pixel it stays on the
            # paper's (seed 4000039, a black border of 18 px bitten 6 px deep on brick: its
            # bottom side 19 px in, on the picture, 0.009 of the diagonal off; 0.0015 so).
            full = refine(frame, fit.corners / scale, (NEAR_SMALL_PX / scale, reach))
            held = _deckled_near(frame, view, full, fit.corners / scale, drift_px, scale, settings)
        if held and full is not None:
            kept.append(full)
    return kept


def _deckled_near(
    frame: np.ndarray,
    view: TableView,
    fit: Fit | None,
    near: np.ndarray,
    drift_px: float,
    scale: float,
    settings: DetectSettings,
) -> bool:
    """Whether ``fit`` is a deckled print's outline (:func:`_deckled_outline`) within
    ``drift_px`` of ``near`` (both in frame pixels) at every corner."""
    return (
        fit is not None
        and same_quad(fit.corners, near, drift_px)
        and _deckled_outline(frame, view, fit, scale, settings)
    )


def _deckled_outline(
    frame: np.ndarray, view: TableView, fit: Fit, scale: float, settings: DetectSettings
) -> bool:
    """Whether ``fit`` (frame pixels) is a deckled print's outline as :func:`deckled_fits`
    takes it: held by paper as deep bites allow, table all round, the border's paper just
    inside every side."""
    return (
        held_by_paper(frame, fit, settings, fine_reach_px(frame), DEEP_BITES_SLACK)
        and surrounded_by_table(view, fit.corners * scale)
        and border_all_round(frame, view, fit.corners, scale)
    )


def border_all_round(frame: np.ndarray, view: TableView, corners: np.ndarray, scale: float) -> bool:
    """Whether a border's plain paper lies just inside every side of ``corners`` (frame
    pixels), read on the small copy (``view``, at ``scale``) or, where some side shows none
    there, on a copy ``FINER_COPY`` times finer.

    A border under about three pixels of the small copy leaves its paper in the strip
    nearest the edge only, the picture in the others (seed 3900102, a 14 px cream border
    bitten 7.6 px deep, at 1920 x 1080: 2.9 px there, the left side's strip read as
    picture, spread 12 about its trend): the outline, 0.002 of the diagonal off, was refused."""
    if all(paper_inside(view, corners * scale)):
        return True
    finer = min(1.0, FINER_COPY * scale)
    if finer <= scale:
        return False
    h, w = frame.shape[:2]
    copy = cv2.resize(frame, (round(w * finer), round(h * finer)), interpolation=cv2.INTER_AREA)
    return all(paper_inside(TableView(cv2.cvtColor(copy, cv2.COLOR_RGB2Lab)), corners * finer))


def faint_region_fits(
    frame: np.ndarray, small: np.ndarray, view: TableView, scale: float, settings: DetectSettings
) -> list[Fit]:
    """After every other resort: the outline of the largest region that differs from the
    table however faintly (``FAINT_REGION_FLOOR``), kept when supported at the frame's
    resolution, with table all round, and covering the same place as its region
    (``REGION_AGREEMENT``).

    A print whose colour and smoothness are close to the table's mean (a plain grey-brown
    backdrop on gravel, seed 500009; a sepia dog on brown wavy wood, 500027) differs from
    the table by less than ``region_mask``'s floor on the texture channel allows, and no
    other generator proposes its outline, though at full size it is 0.85-0.9 supported.
    Its paper and the table are alike, so the paper-from-table test of the other last
    resorts fails on a side; the region found independently of the edges vouches for it
    instead: a line of stones or grain is not the rim of a region unlike the table.
    """
    h, w = view.lab.shape[:2]
    mask = region_mask(view.smooth, FAINT_REGION_FLOOR)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return []
    # The largest region only: the print is, and a picture's own patches can be regions of
    # their own inside it (a framed mirror on a grey wall as plain as gravel, seed 200095).
    hull = max((cv2.convexHull(c) for c in contours), key=cv2.contourArea)
    if cv2.contourArea(hull) < settings.min_candidate_share * w * h:
        return []
    quad = hull_to_quad(hull)
    if quad is None:
        return []
    region = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(region, hull, 1)
    # Two starts, each refined on its own (as one list, the two would be merged as the same
    # outline and only the first kept): the quad straightened on the mask's outline, and the
    # hull's own quad. On a mask whose outline waves with the table's grain the straightened
    # one can drift onto a wave (seed 1000045, a dark backdrop on wavy wood: 1.5 % of the
    # diagonal off, held at full size by neither search; the hull's quad, 0.5 % off: 0.88
    # on the small copy, 0.67 at full size, 0.0005 off), or onto a line of mortar beside a
    # side (1000036, on brick: 2.5 % off; that side has table on both sides of it). Of the
    # outlines kept, the one with the most sides parting paper from table at full size wins
    # (:func:`_paper_rank`).
    reach = fine_reach_px(frame)
    kept: list[tuple[tuple[int, float], Fit]] = []
    for start in (straightened_on_mask(cv2.merge([mask, mask, mask]), quad), quad):
        kept += [
            (_paper_rank(frame, fit, reach), fit)
            for fit in fit_candidates(frame, small, [start], scale, settings)
            if fit.support >= settings.min_support
            and region_agreement(fit.corners * scale, region) >= REGION_AGREEMENT
            and surrounded_by_table(view, fit.corners * scale)
        ]
    # A side with no paper inside it may lie on the picture's own line, the paper's faint
    # edge a little further out: a painting's dark hem on brown wavy wood (seed 3500045,
    # the bottom side on a fold of the dress 20 px inside, 0.72 supported; the paper's edge
    # 0.68, a step of 12 against the wood). Fitted again outermost, it is kept where every
    # side then parts paper from table (it wins on that count).
    for rank, fit in list(kept):
        if rank[0] == 4:
            continue
        again = outermost_sides(frame, fit, paper_sides(frame, fit.corners, reach), reach)
        if (
            again is not None
            and held_by_paper(frame, again, settings, reach, BEYOND_PICTURE_SLACK)
            and region_agreement(again.corners * scale, region) >= REGION_AGREEMENT
            and surrounded_by_table(view, again.corners * scale)
        ):
            kept.append((_paper_rank(frame, again, reach), again))
    stepping = [(rank, fit) for rank, fit in kept if rank[1] >= FAINT_REGION_LEAST_STEP]
    return [max(stepping, key=lambda k: k[0])[1]] if stepping else []


def _paper_rank(frame: np.ndarray, fit: Fit, reach: float) -> tuple[int, float]:
    """How well ``fit``'s sides part paper from table at full size, for choosing among a
    faint region's outlines: how many sides do (:func:`paper_sides`), then the least colour
    step across a side (the first kept on a tie).

    A side a few pixels out on the table still parts a little of the print's blurred edge
    from the table further out: seed 4400106, a phone view on gravel, its left side 8 px
    out on the stones (0.0087 of the diagonal off, a step of 6.1 there) against the print's
    edge 0.0015 off (18.1); both outlines had every side parting paper from table."""
    steps = side_steps(frame, fit.corners, reach)
    least = min((step for step, _ in steps if step is not None), default=float("inf"))
    return sum(parts_paper(*step) for step in steps), least


def outermost_sides(
    frame: np.ndarray, fit: Fit, paper: list[bool], reach: float | None = None
) -> Fit | None:
    """``fit`` with each side that does not part paper from table (``paper``) fitted again
    within 1.2 % of the frame's diagonal, taking the outermost of the nearly best lines
    there (the paper's edge, not a line of the picture just inside it); then, with
    ``reach``, refined at the finest search as well."""
    h, w = frame.shape[:2]
    outer = tuple(not side for side in paper)
    again = refine(frame, fit.corners, (0.012 * float(np.hypot(w, h)),), outer)
    if again is None or reach is None:
        return again
    return refine(frame, again.corners, (reach,))

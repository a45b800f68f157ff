"""Find the print in a camera frame: its four corners, or hints saying why not.

Candidates come from three cheap generators run on a downscaled copy (the
document-scanner recipe of ANCHORS.md): Canny edges closed into contours, a
"differs from the table" region mask, and long LSD line segments paired into
quadrilaterals. Every candidate is scored by how much of its outline lies on
a real edge; the best few are refined at the frame's own resolution by fitting
each side as a robust line through sub-pixel edge positions (so fingers over an
edge, rounded or deckled corners and a sleeve's reflection count as outliers).
Anything doubtful becomes a hint for the guest rather than a wrong crop.

This module is the entry point and says what is wrong; the parts live beside it:
``candidates`` (outlines proposed on the small copy), ``edge_fit`` (a side fitted as a
line at any resolution), ``paper_table`` (paper told from table), ``outline_hunt`` (the
candidates refined and judged, and the last resorts), ``outline_curled`` (the very last: a
curled print's sides held as curves), ``outline_outward`` (from the picture out to the
paper's edge) and ``glare`` (reflections on the found print).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from engine_edge.compat import StrEnum
from engine_edge.image_io import as_rgb8
from engine_edge.scan import geometry
from engine_edge.scan.border_side import picture_outline
from engine_edge.scan.candidates import candidate_quads, touching_quads
from engine_edge.scan.curl import SEARCH_SHARE
from engine_edge.scan.dark_side import dark_side_fits
from engine_edge.scan.detect_settings import DetectSettings
from engine_edge.scan.edge_fit import (
    SHARPNESS_RADIUS_PX,
    Fit,
    fine_reach_px,
    on_colour_blocks,
    refine,
    refine_once,
    same_quad,
)
from engine_edge.scan.glare import find_glare, picture_corners
from engine_edge.scan.outline_curled import bowed_fit, curled_fit
from engine_edge.scan.outline_hunt import (
    deckled_fits,
    faint_fits,
    faint_region_fits,
    fit_candidates,
    is_upright,
    sharp_edge_fits,
)
from engine_edge.scan.outline_outward import (
    deckled_outline,
    joined_outline,
    outer_outline,
    outermost_outline,
    paper_round,
    region_outline,
)
from engine_edge.scan.paper_table import (
    TableView,
    one_paper,
    paper_inside,
    paper_sides,
    picture_sides,
    sides_are_steps,
    surrounded_by_table,
)
from engine_edge.scan.screen import screen_evidence
from engine_edge.scan.weak_side import (
    OFF_SQUARE_DEG,
    faint_side_squared,
    square_outline,
    weak_side_outline,
)


class Hint(StrEnum):
    """Why a frame cannot be captured yet (GLARE alone does not stop a capture; GLARE_TILT,
    glare with no second view to remove it, does)."""

    NONE = "none"
    TOO_SMALL = "too_small"
    CUT_OFF = "cut_off"
    TILTED = "tilted"
    BLURRY = "blurry"
    TOO_DARK = "too_dark"
    GLARE = "glare"
    GLARE_TILT = "glare_tilt"
    TWO_PRINTS = "two_prints"
    SCREEN = "screen"
    UNCLEAR = "unclear"


HINT_TEXT: dict[Hint, str] = {
    Hint.NONE: "Place one printed photo on the table, face up.",
    Hint.TOO_SMALL: "The photo is too small for the camera; hold it closer to the camera.",
    Hint.CUT_OFF: "Part of the photo is outside the view; slide it towards the middle.",
    Hint.TILTED: "Lay the photo flat; it looks tilted.",
    Hint.BLURRY: "Hold still for a moment; the picture is blurry.",
    Hint.TOO_DARK: "It is too dark to see the photo; turn the light on.",
    Hint.GLARE: "There is a reflection on the photo; we will take a few frames to remove it.",
    Hint.GLARE_TILT: "There is a reflection on the photo (marked); tilt it a little away from "
    "the light.",
    Hint.TWO_PRINTS: "Please place only one photo at a time.",
    Hint.SCREEN: "This looks like a phone or tablet screen; please put the printed photo "
    "itself on the table.",
    Hint.UNCLEAR: "The photo's edges are hard to see; place it on a plain, contrasting surface.",
}


# The detector's tuning when a caller names none.
DEFAULT_SETTINGS = DetectSettings()
# How far outside an enclosing outline (frame pixels) a corner of the outline inside it may
# lie: the two share the print's edge along their common sides.
ENCLOSING_SLACK_PX = 3.0


@dataclass(frozen=True)
class PrintDetection:
    """What the detector saw; ``corners`` (TL, TR, BR, BL, frame pixels) may be a best guess."""

    corners: np.ndarray | None
    hints: tuple[Hint, ...]
    frame_size: tuple[int, int]  # (width, height)
    support: float = 0.0  # least share of a side lying on an edge, 0..1
    edge_width_px: float = 0.0  # blur width of the print's outline, in frame pixels
    widest_edge_px: float = 0.0  # the blurriest side's width (camera shake smears across it)
    glare_share: float = 0.0
    candidates: tuple[np.ndarray, ...] = field(default=(), repr=False)
    # Where reflections cover the print: (x0, y0, x1, y1) as fractions of the frame.
    glare_boxes: tuple[tuple[float, float, float, float], ...] = ()
    closer: float = 1.0  # "too small": the share of its distance to the camera to hold it at
    # Found only with its sides held as curves (outline_curled), or by a last resort with
    # straight sides that bow as curves (outline_curled.bowed_fit): a curled print, whose
    # bend is measured with its straight sides searched for as lines too
    # (curl.curved_outline).
    curled: bool = False

    @property
    def usable(self) -> bool:
        """True when the corners can be trusted for a capture."""
        return self.corners is not None and all(h is Hint.GLARE for h in self.hints)

    @property
    def message(self) -> str:
        """The most important hint as a sentence for the guest ('' when all is well)."""
        if not self.hints:
            return ""
        if self.hints[0] is Hint.TOO_SMALL:
            return closer_message(self.closer)
        return HINT_TEXT[self.hints[0]]


Box = tuple[float, float, float, float]


def glare_rectangles(boxes: tuple[Box, ...] | list[Box], image_size: tuple[int, int]) -> list[Box]:
    """Where to mark reflections on the preview, in its pixels (x0, y0, x1, y1).

    The scanner reports glare as fractions of the camera's frame (``glare_boxes``), so the
    marks land on the same spot whatever size the preview is; each is grown a little and
    kept inside the image, so the mark rings the reflection rather than covering it.
    """
    width, height = image_size
    out = []
    for x0, y0, x1, y1 in boxes:
        grow = 0.15 * max(x1 - x0, y1 - y0)
        out.append(
            (
                max(0.0, x0 - grow) * width,
                max(0.0, y0 - grow) * height,
                min(1.0, x1 + grow) * width,
                min(1.0, y1 + grow) * height,
            )
        )
    return out


def closer_message(share: float) -> str:
    """How close to hold a too-small print, in words a guest can follow."""
    for limit, words in (
        (0.75, "a little closer to the camera"),
        (0.58, "at about two thirds of its distance from the camera"),
        (0.42, "at about half its distance from the camera"),
        (0.29, "at about a third of its distance from the camera"),
    ):
        if share >= limit:
            return f"The photo is small for the camera; hold it {words}."
    return "The photo is very small for the camera; hold it close under the camera."


def detect_print_quad(
    frame: np.ndarray,
    settings: DetectSettings = DEFAULT_SETTINGS,
    previous: np.ndarray | None = None,
) -> PrintDetection:
    """Find the one print in ``frame`` (RGB uint8; grey and RGBA are made RGB) and say what,
    if anything, is wrong.

    ``previous`` (corners from the last preview frame) makes it a tracker: the outline is
    refined from there, and the full search only runs when that fails. A tracked frame
    does not look for a second print; callers search in full every few frames.
    """
    frame = as_rgb8(frame, "The camera's picture")
    h, w = frame.shape[:2]
    size = (w, h)
    scale = min(1.0, settings.work_px / max(w, h))
    small = cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    view = TableView(cv2.cvtColor(small, cv2.COLOR_RGB2Lab))
    if np.percentile(view.lab[..., 0], 99.8) < 45:  # a small print on a dark table is not "dark"
        return PrintDetection(None, (Hint.TOO_DARK,), size)
    tracked = None
    candidates: list[np.ndarray] | None = None
    if previous is not None:
        diag = float(np.hypot(w, h))
        tracked = refine(frame, previous, (0.015 * diag, fine_reach_px(frame)))
    if tracked is not None and tracked.support >= settings.min_support + 0.1:
        fits = [tracked]
    else:
        candidates = candidate_quads(view, settings)
        fits = fit_candidates(frame, small, candidates, scale, settings)
        if not any(is_upright(f, size, settings) for f in fits):
            # Only the first four candidates get the wider search; before refusing, the
            # rest get it too (seed 600102: the fifth, a deckled print's picture inside
            # its border, held on the small copy narrowly but not at full size, 0.44;
            # searched wider, 0.97 there and 1.0 at full size). Only upright ones count:
            # a steep one would turn "none" into "tilted" and skip the last resorts.
            later = fit_candidates(frame, small, candidates[4:], scale, settings)
            fits += [f for f in later if is_upright(f, size, settings)]
    upright = [f for f in fits if is_upright(f, size, settings)]
    # A clearly outlined print turned steeply away is "tilted" (``_turned_away``); any other
    # steep outline is a wrong one: the last resorts still look.
    steep = any(_turned_away(view, f, scale, size, settings) for f in fits)
    fits = upright
    # The last resort's sides were each checked to part paper from table at full size.
    sides_checked = not fits and not steep
    if sides_checked:
        # A steep outline that a last resort found is the print's own: a steep print whose
        # dark corner of picture was the only outline before (a coffee photo at 55° on a
        # dark table) is outlined whole by its faint region, 1.0 supported.
        resorted = sharp_edge_fits(frame, small, view, scale, settings)
        fits = [f for f in resorted if is_upright(f, size, settings)]
        if not fits:
            if candidates is None:
                candidates = candidate_quads(view, settings)
            resorted += faint_fits(frame, small, view, candidates, scale, settings)
            fits = [f for f in resorted if is_upright(f, size, settings)]
        if not fits:
            resorted += faint_region_fits(frame, small, view, scale, settings)
            fits = [f for f in resorted if is_upright(f, size, settings)]
        steep = not fits and any(_turned_away(view, f, scale, size, settings) for f in resorted)
        if not fits:
            # Only an upright one is taken; a steep one says nothing: its border was not
            # seen whole, and "tilted" is no truer of it than "none".
            assert candidates is not None  # made for the faint fits above
            deckled = deckled_fits(frame, small, view, candidates, scale, settings)
            fits = [f for f in deckled if is_upright(f, size, settings)]
            if not fits:
                fits = dark_side_fits(frame, small, view, candidates, scale, settings)
            steep = steep and not fits
    all_quads = tuple(f.corners for f in fits)
    # Only a last resort found the outline: no candidate's four straight sides held.
    last_resort = sides_checked
    # A curled print's outline, its sides held as curves: it is no straight outline, so the
    # steps below that move or check straight sides leave it as the curves found it.
    curled: Fit | None = None
    # An outline that left something print-sized unlike the table beside it, with no
    # straight outline round both: perhaps a strip of a curled print (below).
    inner: Fit | None = None
    if not fits:
        if steep:
            return PrintDetection(None, (Hint.TILTED,), size)
        touching = _touching_prints(frame, small, view, scale, settings)
        if not touching:
            assert candidates is not None  # made for the faint fits above
            curled = curled_fit(frame, small, view, candidates, scale, settings)
        if curled is None:
            return PrintDetection(None, (Hint.TWO_PRINTS if touching else Hint.NONE,), size)
        fits = [curled]
    _rank(fits, fine_reach_px(frame))
    best = fits[0]
    if (
        not sides_checked
        and best is not tracked
        and _another_print(view, best.corners * scale, settings)
    ):
        # Something print-sized besides the outline differs from the table: a second print,
        # or the rest of this one round a part of its picture that was outlined.
        enclosing = _region_round(frame, small, view, best, scale, settings)
        if enclosing is not None:
            best = enclosing
            fits.insert(0, enclosing)
            sides_checked = True
        else:
            inner = best
    if not sides_checked and fits[0] is not tracked:
        outermost = outermost_outline(frame, best, settings)
        if outermost is not None:
            best = outermost
            fits.insert(0, outermost)
        # A picture as light as the table along part of a side (a pale sky in one corner)
        # leaves the picture's own line nearby as the stronger, straighter edge.
        wider = region_outline(frame, best, view, scale, settings)
        if wider is not None and is_upright(wider, size, settings):
            best = wider
            fits.insert(0, wider)
        # One side on a line through the picture, the other three on the print's edge.
        moved = weak_side_outline(frame, best, settings)
        if moved is not None:
            best = moved
            fits.insert(0, moved)
    if fits[0] is not tracked and curled is None:
        # One side on a picture's line that meets the print's edge at a corner: off square.
        # A last resort's outline too (seed 4600045: a fold of a white dress 5.3 degrees off
        # square, found by the faint last resort).
        squared = square_outline(frame, best, settings)
        if squared is not None:
            best = squared
            fits.insert(0, squared)
    within_border: Fit | None = None
    paper: Fit | None = None
    if not sides_checked and not surrounded_by_table(view, best.corners * scale):
        # Picture, not table, just outside: perhaps the photo inside a light border whose
        # faint outer edge was missed. Look for that edge a little further out, unless an
        # outline already found round it lies on the paper's edge.
        if all(paper_inside(view, best.corners * scale, outside=True)):
            within_border = best
        paper = paper_round(frame, view, best, fits, scale)
        for fit in [] if paper is not None else fits[:3]:
            outer = outer_outline(frame, fit, view, scale, settings)
            if outer is None:
                outer = deckled_outline(frame, view, fit, scale)
            if outer is not None and is_upright(outer, size, settings):
                paper = outer
                break
        if paper is None:
            paper = joined_outline(frame, view, best, fits, scale, settings)
        if paper is not None:
            best = paper
            fits.insert(0, paper)
    if curled is None and (inside := picture_sides(view, best.corners * scale)):
        # A light border as pale as the table, or a black one as dark as the gaps in
        # gravel: its paper's edge found on some sides, the picture's edge on the others.
        # Those move out to the paper's edge too, a last resort's as well (seed 2900019: a
        # black border on a dark table, the faint region's outline from the paper's corner
        # to the picture's other three, 0.027 of the diagonal off). One that cannot move is
        # not refused: a borderless picture's own plain bands pass for a border's paper too
        # (seed 4100016, dark bars either side of it, outlined right).
        # Deep bites (a fifth of the border) leave 40 % of a deckled side on its tips' line.
        outer = outer_outline(frame, best, view, scale, settings, [inside], slack=0.35)
        # Kept only with the border's paper inside every side, one paper all round.
        if (
            outer is not None
            and is_upright(outer, size, settings)
            and all(paper_inside(view, outer.corners * scale))
            and one_paper(view, outer.corners * scale)
        ):
            best = outer
            fits.insert(0, outer)
        elif within_border is not None:
            # The paper's edge was found on some sides only, and the picture inside was
            # outlined with one border's paper all round it: that outline is the one to
            # keep (seed 3200019, a black border on a dark table, edge contrast 4.8: the
            # top and right moved out to the paper's edge, the left and bottom stayed on
            # the picture's, 0.06 of the diagonal off both; the paper's edge all round
            # held only 0.33-0.40).
            best = within_border
    if (
        curled is None
        and (inward := picture_outline(frame, view, best, scale, settings)) is not None
    ):
        best = inward
        fits.insert(0, inward)
    # A border's paper inside the outline is cut off with it, along the picture's own edge
    # found in the rectified print: turning the paper's faint side only tilts that edge in
    # the crop (seed 4700019, a black border: 0.984 of the ideal, 0.975 turned).
    if (
        curled is None
        and (turned := faint_side_squared(frame, best, settings)) is not None
        and not any(paper_inside(view, best.corners * scale))
    ):
        best = turned
        fits.insert(0, turned)
    if curled is None and not _off_colour_blocks(frame, best, settings):
        # The edge is too faint to tell from the JPEG's blocks: no crop rather than a wrong one.
        return PrintDetection(None, (Hint.UNCLEAR,), size, candidates=all_quads)
    hints = _print_hints(frame, small, view, best, fits, tracked is None, scale, settings)
    if Hint.TWO_PRINTS in hints and inner is not None:
        # A curled print's region has bowed sides that no straight outline holds: a strip
        # of it (a border along one side, or the paper beyond a light band of its picture)
        # was outlined, and the rest read as a second print (seed 250073: a bordered print
        # curled 8.5 %, its right strip outlined, "one photo at a time"). Only a refusal is
        # looked at again: an outline the straight steps moved out to the paper scans as
        # it did (seed 5800063: 0.84 of the ideal through the curled outline, ok before).
        assert candidates is not None  # no tracked outline: the full search ran
        curled = _curled_round(frame, small, view, candidates, inner, scale, settings)
        if curled is not None:
            best = curled
            fits.insert(0, curled)
            hints = _print_hints(frame, small, view, best, fits, tracked is None, scale, settings)
    # A picture kept inside its border's paper has that border, not table, just outside; the
    # paper's outline found round it, table all round, shows it is no part of a larger
    # picture (seed 5000030, a deckled white border on a dark table: the picture outlined
    # 0.1 px off was refused "unclear", the deckle's bites along one side having left no
    # plain paper just inside the paper's outline there).
    bordered = (
        best is within_border
        and paper is not None
        and surrounded_by_table(view, paper.corners * scale)
    )
    # A curled print's curves were checked against the table where they lie
    # (outline_curled); the straight chords between its corners cut through its bulges.
    if not bordered and curled is None and not surrounded_by_table(view, best.corners * scale):
        hints.insert(0, Hint.UNCLEAR)
    glare, boxes = find_glare(small, best.corners * scale)
    if (
        glare > settings.glare_share
        and (picture := picture_corners(frame, best.corners)) is not None
    ):
        # Only the picture is kept: what lay on the print's own border goes with it.
        glare, boxes = find_glare(small, best.corners * scale, picture * scale)
    if glare > settings.glare_share:
        hints.append(Hint.GLARE_TILT if settings.glare_blocks else Hint.GLARE)
    if (
        hints in ([], [Hint.GLARE], [Hint.GLARE_TILT])
        and screen_evidence(frame, best.corners).is_screen()
    ):
        hints.insert(0, Hint.SCREEN)
    # A last resort's straight outline of a curled print, its bowed sides held as curves
    # (outline_curled.bowed_fit), is marked curled: the curl step then measures the bend
    # with the straight sides held as lines, as that fit did. An outline whose four
    # straight sides held is left to the curl step's own search.
    bowed = (
        last_resort
        and curled is None
        and bowed_fit(frame, view, best.corners, scale, settings) is not None
    )
    return PrintDetection(
        best.corners,
        tuple(hints),
        size,
        support=best.support,
        edge_width_px=best.edge_width_px,
        widest_edge_px=best.widest_edge_px,
        glare_share=glare,
        candidates=all_quads,
        glare_boxes=tuple(
            (x0 / small.shape[1], y0 / small.shape[0], x1 / small.shape[1], y1 / small.shape[0])
            for x0, y0, x1, y1 in boxes
        ),
        closer=_closer(best.corners, settings),
        curled=curled is not None or bowed,
    )


def _rank(fits: list[Fit], reach_px: float) -> None:
    """Put the outline to take first in ``fits``: the best-supported one; among nearly as
    well supported ones, the largest (a print's outer edge rather than its photo inside a
    border), unless a better-supported one is the same outline within ``reach_px`` (the
    finest search's reach): then that one.

    Two fits of one edge a few pixels apart at a corner are no border and its picture
    (seed 4000031, a dark painting on a dark table: the larger 4.5 px out at one corner,
    0.008 of the diagonal off, 0.48 supported; the other 0.004 off, 0.50)."""
    top_support = max(f.support for f in fits)
    fits.sort(
        key=lambda f: (f.support >= top_support - 0.1, geometry.quad_area(f.corners)), reverse=True
    )
    first = fits[0].corners
    twins = [i for i in range(1, len(fits)) if same_quad(fits[i].corners, first, reach_px)]
    twin = max(twins, key=lambda i: fits[i].support, default=None)
    if twin is not None and fits[twin].support > fits[0].support:
        fits.insert(0, fits.pop(twin))


def _off_colour_blocks(frame: np.ndarray, fit: Fit, settings: DetectSettings) -> bool:
    """Whether each side of ``fit`` that runs along a boundary of the JPEG's colour blocks
    (:func:`on_colour_blocks`) is an edge in lightness too, ``min_support`` of it on a step:
    a faint colour edge is moved onto those boundaries by the compression, a print's real
    edge there steps in lightness as well (seed 4100091, a black border on a table of the
    same grey: its top side on a block boundary, 0.96 on a step in colour, 0.32 in
    lightness, the paper's slanting edge 8 px from it at one end)."""
    blocks = [side for side in range(4) if on_colour_blocks(fit.corners, side)]
    if not blocks:
        return True
    light = refine_once(frame, fit.corners, fine_reach_px(frame), colour=False)
    return light is not None and min(light.side_supports[i] for i in blocks) >= settings.min_support


def _turned_away(
    view: TableView, fit: Fit, scale: float, size: tuple[int, int], settings: DetectSettings
) -> bool:
    """Whether ``fit`` shows a print turned steeply away: a steep outline each of whose sides
    parts paper from table, with table (or a border's paper, round the picture inside a
    turned print's border) all round it.

    One side run through the picture (its texture going on across it) is no turned print
    but a wrong outline: seeds 1000001 (a black border on a dark table, the outline inside
    the photo, 73°), 200033 and 200095 (a side across the picture, 67° and 74°) lie within
    5° of flat. So does 3200097, a blurred phone view whose steep outline (62°) was a pale
    towel in the picture's corner: a smooth picture outside its side made no texture to
    stop there, but it is no table.
    """
    corners = fit.corners * scale
    return (
        not is_upright(fit, size, settings)
        and sides_are_steps(view, corners)
        and (surrounded_by_table(view, corners) or all(paper_inside(view, corners, outside=True)))
    )


def _print_short_px(corners: np.ndarray, settings: DetectSettings) -> float:
    """The print's shorter side in pixels of the camera's capture resolution."""
    sides = geometry.side_lengths(corners)
    short = min(max(sides[0], sides[2]), max(sides[1], sides[3]))
    return float(short * settings.camera_px_per_frame_px)


def _closer(corners: np.ndarray, settings: DetectSettings) -> float:
    """The share of its distance to hold the print at for it to be big enough (1: as it is)."""
    return min(1.0, _print_short_px(corners, settings) / max(settings.min_print_px, 1e-6))


def _shaken(frame: np.ndarray, fit: Fit, settings: DetectSettings) -> bool:
    """Whether a side is as wide as a shake makes it: over ``max_shake_px``, and, where it
    steps in lightness, over ``max_shake_light_px`` there too, read on the frame itself.

    The fit's widths may come from a copy smoothed against noise (σ 2 px on a 1600 px
    frame), and a side's step may be mostly one of colour, which JPEG keeps at half
    resolution: a still print on blue cloth measured 7.1-7.2 px, 3.7 px in the frame's
    lightness. A shake smears lightness too, but may smear only the sides whose step is
    colour alone, so each side is judged on its own.

    A shake moves the whole print, so it smears a side and the side opposite alike (the
    shaken views of tuning seeds 34 and 97: 6.3 / 5.7 and 6.3 / 6.2 px in lightness). A
    side wider in lightness than its opposite is its own soft step (a still small print on
    a light table, seed 51: 5.5 px against 4.5 px opposite, camera blur 1.9 px): where both
    step in lightness, the narrower of the pair is what a shake would have made.
    """
    wide = [width > settings.max_shake_px for width in fit.side_widths]
    if not any(wide):
        return False
    sharp = refine_once(frame, fit.corners, SHARPNESS_RADIUS_PX, lightness=True)
    lights = sharp.light_widths if sharp is not None else (None,) * len(wide)
    paired = [
        _shake_width(light, other)
        for light, other in zip(lights, lights[2:] + lights[:2], strict=True)
    ]
    return any(
        is_wide and (light is None or light > settings.max_shake_light_px)
        for is_wide, light in zip(wide, paired, strict=True)
    )


def _shake_width(light: float | None, opposite: float | None) -> float | None:
    """What a shake made of a side, in lightness: the narrower of its own width and its
    opposite side's (:func:`_shaken`), or the one of the two that can be read. A side that
    barely steps in lightness (a picture's top as light as the grass round it, seed
    600072: 6.2 px in colour, no step in lightness) is judged by its opposite side,
    which the same shake would have smeared alike (3.7 px there: a still print)."""
    if light is None or opposite is None:
        return opposite if light is None else light
    return min(light, opposite)


def _print_hints(
    frame: np.ndarray,
    small: np.ndarray,
    view: TableView,
    best: Fit,
    fits: list[Fit],
    searched: bool,
    scale: float,
    settings: DetectSettings,
) -> list[Hint]:
    """The hints about ``best`` (:func:`_hints`),
    "one photo at a time" also where anything else print-sized differs from the table or two
    prints touch (only asked after the full search, ``searched``, or with other outlines
    found)."""
    hints = _hints(frame, best, fits, settings)
    if (
        (len(fits) > 1 or searched)
        and Hint.TWO_PRINTS not in hints
        and (
            _another_print(view, best.corners * scale, settings)
            or _touching_prints(frame, small, view, scale, settings)
        )
    ):
        hints.insert(0, Hint.TWO_PRINTS)
    return hints


def _hints(frame: np.ndarray, best: Fit, fits: list[Fit], settings: DetectSettings) -> list[Hint]:
    """What is wrong with ``best`` as the print's outline: a second print beside it, cut
    off, too small, tilted, blurry (a curled outline's blur read across its curves, as
    ``outline_curled._curved_fit`` measured it for every curled search)."""
    h, w = frame.shape[:2]
    corners = best.corners
    area = geometry.quad_area(corners)
    hints: list[Hint] = []
    others = [f for f in fits[1:] if not _overlaps(f.corners, corners)]
    if any(
        geometry.quad_area(f.corners) > max(0.25 * area, settings.min_share * w * h) for f in others
    ):
        hints.append(Hint.TWO_PRINTS)
    margin = settings.border_margin * min(w, h)
    inside = (corners[:, 0] > margin) & (corners[:, 0] < w - 1 - margin)
    inside &= (corners[:, 1] > margin) & (corners[:, 1] < h - 1 - margin)
    if not inside.all():
        hints.append(Hint.CUT_OFF)
    if _print_short_px(corners, settings) < settings.min_print_px:
        hints.append(Hint.TOO_SMALL)
    angles = geometry.corner_angles_deg(corners)
    sides = geometry.side_lengths(corners)
    ratio = max(sides[0] / sides[2], sides[2] / sides[0], sides[1] / sides[3], sides[3] / sides[1])
    if np.abs(angles - 90).max() > settings.max_angle_dev_deg or ratio > settings.max_side_ratio:
        hints.append(Hint.TILTED)
    shaken = (
        settings.camera_px_per_frame_px <= 1.0
        and _shaken(frame, best, settings)
        and not _sharp_picture_inside(frame, best, settings)
    )
    if shaken or best.edge_width_px > settings.max_edge_width * np.hypot(w, h):
        hints.append(Hint.BLURRY)
    return hints


def _sharp_picture_inside(frame: np.ndarray, fit: Fit, settings: DetectSettings) -> bool:
    """Whether the picture inside the print's own border has sharp edges though the
    paper's do not: a faint paper edge (a black border on a dark cloth, seed 4400100, edge
    contrast 6) reads as wide as a shake, and a shake would have smeared the picture's
    edge alike (there the paper's edge read 7.1-7.7 px, the picture's 3.1-3.6)."""
    picture = picture_corners(frame, fit.corners)
    if picture is None:
        return False
    inner = refine(frame, picture, (2 * SHARPNESS_RADIUS_PX, fine_reach_px(frame)))
    return (
        inner is not None
        and inner.support >= settings.min_support
        and not _shaken(frame, inner, settings)
    )


def _overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    """True if either quad contains the other's centre (nested or the same print)."""
    ca, cb = a.mean(axis=0), b.mean(axis=0)
    inside_b = cv2.pointPolygonTest(b.astype(np.float32), (float(ca[0]), float(ca[1])), False) >= 0
    inside_a = cv2.pointPolygonTest(a.astype(np.float32), (float(cb[0]), float(cb[1])), False) >= 0
    return bool(inside_a or inside_b)


def _another_print(view: TableView, corners_small: np.ndarray, settings: DetectSettings) -> bool:
    """True when, besides the chosen print, something print-sized differs from the table.

    Catches a second print whose edges were too faint to outline (its colours close to the
    table's): better to ask for one photo at a time than to scan one and ignore the other.
    A region all round the chosen one is its own paper, not another print: the picture
    inside a dark deckled border outlined, the border's ring read as a region (seed
    4800093, a black border bitten 15 px deep on brick, refused "one photo at a time").
    """
    h, w = view.lab.shape[:2]
    mask = view.regions.copy()
    cv2.fillConvexPoly(mask, np.round(corners_small).astype(np.int32), 0)
    mask = cv2.erode(mask, np.ones((5, 5), np.uint8))  # drop the chosen print's rim
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area = geometry.quad_area(corners_small)
    floor = max(0.4 * area, 0.5 * settings.min_share * w * h)
    large = [hull for c in contours if cv2.contourArea(hull := cv2.convexHull(c)) > floor]
    centre = tuple(float(v) for v in corners_small.mean(axis=0))
    if any(cv2.pointPolygonTest(hull, centre, False) < 0 for hull in large):
        return True  # beside the chosen print
    # Only regions round it, if any: they are its own border when its paper lies outside.
    return bool(large) and not all(paper_inside(view, corners_small, outside=True))


def _touching_prints(
    frame: np.ndarray, small: np.ndarray, view: TableView, scale: float, settings: DetectSettings
) -> bool:
    """Whether two prints lie touching or overlapping: the region unlike the table parts into
    two (:func:`touching_quads`), and each part is outlined as a print is, upright and
    supported at the frame's resolution.

    Two prints side by side, one over the other's edge (coffee and chelsea, 0.14-0.25 of the
    frame each, on dark, light, brick and wood), made one region whose hull no outline held:
    the guest heard "place a photo" with two on the table; on brick, one outline held across
    both, a crop of half of each. Both parts must hold as prints: a single print's region
    pinched by a dark band of its picture parts too, but the cut through its picture is no
    edge.
    """
    size = (frame.shape[1], frame.shape[0])
    quads = touching_quads(view, settings)
    return len(quads) == 2 and all(
        any(
            is_upright(fit, size, settings)
            for fit in fit_candidates(frame, small, [quad], scale, settings)
        )
        for quad in quads
    )


def _region_round(
    frame: np.ndarray,
    small: np.ndarray,
    view: TableView,
    fit: Fit,
    scale: float,
    settings: DetectSettings,
) -> Fit | None:
    """The outline of the region unlike the table that ``fit`` lies inside, as the faint
    region's last resort finds and checks it (:func:`faint_region_fits`), or None.

    A part of the picture can be outlined more sharply than the print round it: seed
    4400061, a painting on brick whose dark edges (a black dress, a dark corner) barely
    part from the bricks, outlined only round a small painted frame in its corner (0.71
    supported, two of its sides on the print's own). The rest of the print then read as a
    second one and the guest was asked to take it away. An outline that encloses ``fit``
    whole, table all round, is that print; a second print beside it encloses nothing.

    It replaces an outline that held, so it must be a print's as surely: upright, square
    through the lens (``OFF_SQUARE_DEG``) and parting paper from table on every side (a
    portrait on wavy wood, seed 4200061, had a region over its lower half only, outlined
    22° off square, a corner out on the wood: 0.19 of the diagonal off)."""
    size = (frame.shape[1], frame.shape[0])
    reach = fine_reach_px(frame)
    inside = [
        region
        for region in faint_region_fits(frame, small, view, scale, settings)
        if _encloses(region.corners, fit.corners)
        and is_upright(region, size, settings)
        and geometry.corner_error_deg(region.corners, size, settings.focal_ratio * size[0])
        <= OFF_SQUARE_DEG
        and all(paper_sides(frame, region.corners, reach))
    ]
    return inside[0] if inside else None


def _curled_round(
    frame: np.ndarray,
    small: np.ndarray,
    view: TableView,
    candidates: list[np.ndarray],
    fit: Fit,
    scale: float,
    settings: DetectSettings,
) -> Fit | None:
    """The curled print's outline (:func:`outline_curled.curled_fit`) that ``fit`` lies
    inside, or None: only the candidates larger than ``fit`` and round its centre are
    searched, as a bowed print's region is. Beside a real second print the outlines round
    both prints are such candidates too; they are searched and fail (no straight pair, or
    no table just outside their curves), which a preview frame of two prints pays every
    time: 0.1-0.7 s at 640 px (review of round 27)."""
    centre = tuple(float(v) for v in (fit.corners * scale).mean(axis=0))
    area = geometry.quad_area(fit.corners * scale)
    around = [
        quad
        for quad in candidates
        if geometry.quad_area(quad) > area
        and cv2.pointPolygonTest(quad.astype(np.float32), centre, False) > 0
    ]
    curled = curled_fit(frame, small, view, around, scale, settings) if around else None
    if curled is None:
        return None
    # A corner of ``fit`` on a bowed side lies outside the curled outline's straight chord
    # by up to that side's bow (seed 250078: 3.8 px, a border strip's corner beside the
    # paper's on a side bowed 16.7 px); the curve search reaches no further than its share.
    slack = ENCLOSING_SLACK_PX + SEARCH_SHARE * float(geometry.side_lengths(curled.corners).max())
    return curled if _encloses(curled.corners, fit.corners, slack) else None


def _encloses(outer: np.ndarray, inner: np.ndarray, slack: float = ENCLOSING_SLACK_PX) -> bool:
    """Whether the outline ``outer`` holds every corner of ``inner`` (frame pixels; a
    corner may lie ``slack`` outside it) and is the larger: the two share the print's edge
    along their common sides."""
    return all(
        cv2.pointPolygonTest(outer.astype(np.float32), (float(x), float(y)), True) >= -slack
        for x, y in inner
    ) and geometry.quad_area(outer) > geometry.quad_area(inner)


def refine_quad(frame: np.ndarray, corners: np.ndarray) -> np.ndarray | None:
    """Corners found on a preview, scaled to ``frame``, made exact at the frame's resolution."""
    h, w = frame.shape[:2]
    diag = float(np.hypot(w, h))
    fit = refine(frame, corners, (0.01 * diag, fine_reach_px(frame)))
    return None if fit is None else fit.corners

"""Find the print in a camera frame: its four corners, or hints saying why not.

Candidates come from three cheap generators run on a downscaled copy (the
document-scanner recipe of ANCHORS.md): Canny edges closed into contours, a
"differs from the table" region mask, and long LSD line segments paired into
quadrilaterals. Every candidate is scored by how much of its outline lies on
a real edge; the best few are refined at the frame's own resolution by fitting
each side as a robust line through sub-pixel edge positions (so fingers over an
edge, rounded or deckled corners and a sleeve's reflection count as outliers).
Anything doubtful becomes a hint for the guest rather than a wrong crop.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from engine_edge.compat import StrEnum
from engine_edge.scan import geometry
from engine_edge.scan.restore import picture_quad
from engine_edge.scan.screen import screen_evidence


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


@dataclass(frozen=True)
class DetectSettings:
    """Tuning of the detector; fractions are of the frame unless said otherwise."""

    work_px: int = 400  # longest side of the downscaled copy used to find candidates
    min_share: float = 0.08  # print area / frame area of a second print worth refusing
    min_candidate_share: float = 0.008  # outlines smaller than this are not looked at
    # A print's shorter side, in pixels of the camera's capture resolution, below which its
    # face is too small to animate ("too small": hold it closer). ``camera_px_per_frame_px``
    # converts when the detector sees a downscaled preview.
    min_print_px: float = 200.0
    camera_px_per_frame_px: float = 1.0
    min_support: float = 0.7  # share of each side that must lie on an edge
    max_angle_dev_deg: float = 28.0  # corner angles beyond 90 +- this: "tilted"
    max_side_ratio: float = 1.6  # opposite sides more unequal than this: "tilted"
    # An outline that no rectangle turned less than this from the camera projects to: "tilted"
    # (or, from the last resort, a side run through the picture: not taken).
    max_tilt_deg: float = 45.0
    focal_ratio: float = 1.0  # the lens's focal length / frame width (``[scan] focal_ratio``)
    max_edge_width: float = 0.006  # print edge blur width / frame diagonal: "blurry"
    # The blurriest side's width in pixels at the camera's own resolution ("blurry": hold
    # steadier). A shake smears the sides across it; the scene set's tuning seeds with a
    # side wider than this all had over 4 px of blur and scanned below 0.95 of the ideal.
    # Only judged on full-resolution frames: a preview's downscale hides it.
    max_shake_px: float = 7.0
    # ... unless that side steps in lightness and is narrower than this there (a JPEG halves
    # colour's resolution, not lightness's; a shake smears both). Shaken views over the
    # limit above: 6.2 and 6.5 px in lightness; a still print on cloth over it: 3.7 px.
    max_shake_light_px: float = 5.0
    border_margin: float = 0.006  # corners this close to the frame edge: "cut off"
    glare_share: float = 0.004  # share of the print that is blown-out white: "glare"
    glare_blocks: bool = False  # no second view will come to remove glare: ask to tilt instead


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


@dataclass(frozen=True)
class _Fit:
    corners: np.ndarray
    support: float
    side_widths: tuple[float, ...]  # per side (top, right, bottom, left)
    # Per side, its width in lightness alone (None where it steps too little in lightness
    # to read one); only read when asked for (``_refine_once(lightness=True)``).
    light_widths: tuple[float | None, ...] = ()

    @property
    def edge_width_px(self) -> float:
        """The outline's blur width: its sides' median."""
        return float(np.median(self.side_widths))

    @property
    def widest_edge_px(self) -> float:
        """The blurriest side's width: a shake smears some sides only."""
        return max(self.side_widths)


def detect_print_quad(
    frame: np.ndarray,
    settings: DetectSettings = DetectSettings(),
    previous: np.ndarray | None = None,
) -> PrintDetection:
    """Find the one print in ``frame`` (RGB uint8) and say what, if anything, is wrong.

    ``previous`` (corners from the last preview frame) makes it a tracker: the outline is
    refined from there, and the full search only runs when that fails. A tracked frame
    does not look for a second print; callers search in full every few frames.
    """
    h, w = frame.shape[:2]
    size = (w, h)
    scale = min(1.0, settings.work_px / max(w, h))
    small = cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2Lab)
    if np.percentile(lab[..., 0], 99.8) < 45:  # a small print on a dark table is not "dark"
        return PrintDetection(None, (Hint.TOO_DARK,), size)
    tracked = None
    candidates: list[np.ndarray] | None = None
    if previous is not None:
        diag = float(np.hypot(w, h))
        tracked = _refine(frame, previous, (0.015 * diag, _fine_reach_px(frame)))
    if tracked is not None and tracked.support >= settings.min_support + 0.1:
        fits = [tracked]
    else:
        candidates = _candidates(lab, settings)
        fits = _fits(frame, small, candidates, scale, settings)
        if not any(_upright(f, size, settings) for f in fits):
            # Only the first four candidates get the wider search; before refusing, the
            # rest get it too (seed 600102: the fifth, a deckled print's picture inside
            # its border, held on the small copy narrowly but not at full size, 0.44;
            # searched wider, 0.97 there and 1.0 at full size). Only upright ones count:
            # a steep one would turn "none" into "tilted" and skip the last resorts.
            later = _fits(frame, small, candidates[4:], scale, settings)
            fits += [f for f in later if _upright(f, size, settings)]
    upright = [f for f in fits if _upright(f, size, settings)]
    # A clearly outlined print turned steeply away is "tilted" (``_turned_away``); any other
    # steep outline is a wrong one: the last resorts still look.
    steep = any(_turned_away(lab, f, scale, size, settings) for f in fits)
    fits = upright
    # The last resort's sides were each checked to part paper from table at full size.
    sides_checked = not fits and not steep
    if sides_checked:
        # A steep outline that a last resort found is the print's own: a steep print whose
        # dark corner of picture was the only outline before (a coffee photo at 55° on a
        # dark table) is outlined whole by its faint region, 1.0 supported.
        resorted = _sharp_edge_fits(frame, small, lab, scale, settings)
        fits = [f for f in resorted if _upright(f, size, settings)]
        if not fits:
            if candidates is None:
                candidates = _candidates(lab, settings)
            resorted += _faint_fits(frame, small, lab, candidates, scale, settings)
            fits = [f for f in resorted if _upright(f, size, settings)]
        if not fits:
            resorted += _faint_region_fits(frame, small, lab, scale, settings)
            fits = [f for f in resorted if _upright(f, size, settings)]
        steep = not fits and any(_turned_away(lab, f, scale, size, settings) for f in resorted)
    all_quads = tuple(f.corners for f in fits)
    if not fits:
        return PrintDetection(None, (Hint.TILTED if steep else Hint.NONE,), size)
    # The best-supported outline wins; among nearly as well supported ones, the largest
    # (a print's outer edge rather than its photo inside a border).
    top_support = max(f.support for f in fits)
    fits.sort(
        key=lambda f: (f.support >= top_support - 0.1, geometry.quad_area(f.corners)), reverse=True
    )
    best = fits[0]
    if not sides_checked and fits[0] is not tracked:
        outermost = _outermost_outline(frame, best, settings)
        if outermost is not None:
            best = outermost
            fits.insert(0, outermost)
        # A picture as light as the table along part of a side (a pale sky in one corner)
        # leaves the picture's own line nearby as the stronger, straighter edge.
        wider = _region_outline(frame, best, lab, scale, settings)
        if wider is not None and _upright(wider, size, settings):
            best = wider
            fits.insert(0, wider)
    within_border: _Fit | None = None
    if not sides_checked and not _surrounded_by_table(lab, best.corners * scale):
        # Picture, not table, just outside: perhaps the photo inside a light border whose
        # faint outer edge was missed. Look for that edge a little further out, unless an
        # outline already found round it lies on the paper's edge.
        if all(_paper_inside(lab, best.corners * scale, outside=True)):
            within_border = best
        paper = _paper_round(frame, lab, best, fits, scale)
        for fit in [] if paper is not None else fits[:3]:
            outer = _outer_outline(frame, fit, lab, scale, settings)
            if outer is None:
                outer = _deckled_outline(frame, lab, fit, scale)
            if outer is not None and _upright(outer, size, settings):
                paper = outer
                break
        if paper is None:
            paper = _joined_outline(frame, lab, best, fits, scale, settings)
        if paper is not None:
            best = paper
            fits.insert(0, paper)
    if not sides_checked and (inside := _picture_sides(lab, best.corners * scale)):
        # A light border as pale as the table, or a black one as dark as the gaps in
        # gravel: its paper's edge found on some sides, the picture's edge on the others.
        # Those move out to the paper's edge too.
        # Deep bites (a fifth of the border) leave 40 % of a deckled side on its tips' line.
        outer = _outer_outline(frame, best, lab, scale, settings, [inside], slack=0.35)
        # Kept only with the border's paper inside every side, one paper all round.
        if (
            outer is not None
            and _upright(outer, size, settings)
            and all(_paper_inside(lab, outer.corners * scale))
            and _one_paper(lab, outer.corners * scale)
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
    hints = _hints(frame, best, fits, settings)
    if (
        (len(fits) > 1 or tracked is None)
        and Hint.TWO_PRINTS not in hints
        and _another_print(lab, best.corners * scale, settings)
    ):
        hints.insert(0, Hint.TWO_PRINTS)
    if not _surrounded_by_table(lab, best.corners * scale):
        hints.insert(0, Hint.UNCLEAR)
    glare, boxes = _glare(small, best.corners * scale)
    if (
        glare > settings.glare_share
        and (picture := _picture_corners(frame, best.corners)) is not None
    ):
        # Only the picture is kept: what lay on the print's own border goes with it.
        glare, boxes = _glare(small, best.corners * scale, picture * scale)
    if glare > settings.glare_share:
        hints.append(Hint.GLARE_TILT if settings.glare_blocks else Hint.GLARE)
    if (
        hints in ([], [Hint.GLARE], [Hint.GLARE_TILT])
        and screen_evidence(frame, best.corners).is_screen()
    ):
        hints.insert(0, Hint.SCREEN)
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
    )


def _upright(fit: _Fit, size: tuple[int, int], settings: DetectSettings) -> bool:
    """Whether a print could lie along ``fit`` without being turned away from the camera
    further than ``max_tilt_deg``. Prints on the table or in a hand face the camera within
    about 25° (the scene set's within 23°); an outline that cut across the picture (dark
    hair on a dark table, its top side through the hair) reads 60-80°."""
    focal_px = settings.focal_ratio * size[0]
    return geometry.plane_tilt_deg(fit.corners, size, focal_px) <= settings.max_tilt_deg


def _turned_away(
    lab: np.ndarray, fit: _Fit, scale: float, size: tuple[int, int], settings: DetectSettings
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
        not _upright(fit, size, settings)
        and _sides_are_steps(lab, corners)
        and (_surrounded_by_table(lab, corners) or all(_paper_inside(lab, corners, outside=True)))
    )


def _print_short_px(corners: np.ndarray, settings: DetectSettings) -> float:
    """The print's shorter side in pixels of the camera's capture resolution."""
    sides = geometry.side_lengths(corners)
    short = min(max(sides[0], sides[2]), max(sides[1], sides[3]))
    return float(short * settings.camera_px_per_frame_px)


def _closer(corners: np.ndarray, settings: DetectSettings) -> float:
    """The share of its distance to hold the print at for it to be big enough (1: as it is)."""
    return min(1.0, _print_short_px(corners, settings) / max(settings.min_print_px, 1e-6))


def _outer_outline(
    frame: np.ndarray,
    inner: _Fit,
    lab: np.ndarray,
    scale: float,
    settings: DetectSettings,
    side_sets: list[list[bool]] | None = None,
    slack: float = 0.25,
) -> _Fit | None:
    """The largest well-supported outline a little outside ``inner`` with table all round it.

    By default two ways out, step by step: every side (a border of even width, whose light
    paper may pass for a light table), and only the sides with picture outside them (the
    others already lie on the print's edge); ``side_sets`` names others. Its support may
    fall ``slack`` short of ``min_support``. None when none finds one.
    """
    area = geometry.quad_area(inner.corners)
    size = np.sqrt(area)
    if side_sets is None:
        side_sets = [[True] * 4, [not ok for ok in _sides_on_table(lab, inner.corners * scale)]]
    found: list[_Fit] = []
    reach = _fine_reach_px(frame)
    for sides in side_sets:
        for share in (0.02, 0.04, 0.06, 0.08, 0.10, 0.12):
            guess = _offset_quad(inner.corners, [share * size if s else 0.0 for s in sides])
            if guess is None:
                continue
            fit = _refine(frame, guess, (0.012 * size, reach))
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
                _paper_sides(frame, fit.corners, reach)
            ):
                continue
            if _surrounded_by_table(lab, fit.corners * scale) and _sides_are_steps(
                lab, fit.corners * scale
            ):
                found.append(fit)
                break
    return max(found, key=lambda f: geometry.quad_area(f.corners)) if found else None


def _picture_sides(lab: np.ndarray, corners_small: np.ndarray) -> list[bool]:
    """Per side, whether it lies on the picture's edge inside a border (light or dark) that
    the other sides show (one or two sides without the border's paper just inside); []
    when the sides agree."""
    paper = _paper_inside(lab, corners_small)
    picture = [not p for p in paper]
    return picture if 1 <= sum(picture) <= 2 else []


def _paper_inside(
    lab: np.ndarray, corners_small: np.ndarray, *, outside: bool = False
) -> list[bool]:
    """Per side, whether the border's paper lies just inside it (``outside``: just outside
    it, round a picture). The border: two sides or more with plain paper of one hue there,
    light (white or cream; a lamp's fall-off changes its lightness, not its hue) or dark (a
    black border). All False without one."""
    feats = lab.astype(np.float32)
    inner = []
    offsets = (1.5, 2.0, 2.5) if outside else (-1.5, -2.0, -2.5)
    for pts in _side_strips(corners_small, offsets, lab.shape[:2]):
        values = feats[pts[:, 1], pts[:, 0]] if len(pts) >= 10 else np.zeros((1, 3), np.float32)
        inner.append((np.median(values, axis=0), _spread(values[:, 0])))
    for tone in (_light_paper, _dark_paper):
        plain = [colour[1:] for colour, spread in inner if spread <= 5.0 and tone(colour[0])]
        if len(plain) < 2:
            continue
        hue = np.median(plain, axis=0)
        if np.linalg.norm(plain - hue, axis=1).max() > 4.0:
            continue
        # A deckle's bites show the table through the border: paper need not be plain there.
        return [
            bool(tone(colour[0]) and spread <= 8.0 and np.linalg.norm(colour[1:] - hue) <= 4.0)
            for colour, spread in inner
        ]
    return [False] * 4


def _one_paper(lab: np.ndarray, corners_small: np.ndarray) -> bool:
    """Whether the paper just inside every side is one paper: as far from the table just
    there (``_table_model``, which follows a lamp's fall-off) on every side, within
    ``ONE_PAPER``.

    A picture's own plain white bands along two sides pass for a light border's paper
    there (pillarbox bars beside liveportrait_s1, seed 1400003, an ivory deckled border on
    a light table): those sides were taken as the paper's edge and only the other two
    moved out to it, an outline 0.03 of the diagonal off both the paper and the picture.
    The bars stood 26-29 lighter than the table, the border 6.
    """
    feats = lab.astype(np.float32)
    table, _ = _table_model(feats)
    papers = [
        np.median(feats[pts[:, 1], pts[:, 0]] - table[pts[:, 1], pts[:, 0]], axis=0)
        for pts in _side_strips(corners_small, (-1.5, -2.0, -2.5), lab.shape[:2])
        if len(pts) >= 10
    ]
    return all(
        float(np.linalg.norm(a - b)) <= ONE_PAPER for a, b in itertools.combinations(papers, 2)
    )


def _light_paper(lightness: float) -> bool:
    """A white or cream border's lightness (Lab L, 0-255), under the lamp's fall-off."""
    return lightness >= 160


def _dark_paper(lightness: float) -> bool:
    """A black border's lightness (Lab L, 0-255), lit by the lamp."""
    return lightness <= 60


def _outermost_outline(frame: np.ndarray, fit: _Fit, settings: DetectSettings) -> _Fit | None:
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
    reach = _fine_reach_px(frame)
    radius = OUTERMOST_SEARCH * float(np.sqrt(geometry.quad_area(fit.corners)))
    wider = _refine(frame, fit.corners, (radius,), (True, True, True, True))
    if wider is None:
        return None
    wider = _refine(frame, wider.corners, (reach,))
    if wider is None or geometry.quad_area(wider.corners) <= geometry.quad_area(fit.corners):
        return None
    moved = _side_shifts(fit.corners, wider.corners) > reach
    steps = _side_steps(frame, wider.corners, reach)
    checked = moved
    if _beyond_the_picture(frame, fit.corners, steps, moved, reach):
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
        own = _refine_once(frame, fit.corners, SHARPNESS_RADIUS_PX)
        need = max(settings.min_support, (0.0 if own is None else own.support) + OUTERMOST_GAIN)
    if wider.support < need:
        return None
    return (
        wider if all(_parts_paper(*s) for s, c in zip(steps, checked, strict=True) if c) else None
    )


def _beyond_the_picture(
    frame: np.ndarray,
    inner: np.ndarray,
    outer_steps: list[tuple[float | None, float]],
    moved: np.ndarray,
    reach: float,
) -> bool:
    """Whether every side of ``inner`` that an outer outline (its ``_side_steps``,
    ``outer_steps``) moved out has paper, not table, just outside it, where the outer side
    has table: just outside ``inner``'s side differs from further out ``OUTSIDE_GAP`` times
    as much as just outside the outer side does, and clearly.

    Such a side lies on a line inside the picture, however sharp: the dog's photo has a
    door frame under a pale ceiling strip along its top (seed 3300027, on gravel: the top
    side on the frame, 0.85 supported at full size; the paper's edge 9.5 px further out,
    0.81, not 0.1 better, so kept out: 0.03 of the diagonal off). Outside the frame's line
    the strip stood 50 from the table further out; outside the paper's edge, 1.5.
    """
    if not moved.any():
        return False
    own = _side_steps(frame, inner, reach)
    return all(
        a[0] is not None and b[0] is not None and a[1] >= max(MIN_OUTSIDE_GAP, OUTSIDE_GAP * b[1])
        for a, b, m in zip(own, outer_steps, moved, strict=True)
        if m
    )


def _paper_round(
    frame: np.ndarray, lab: np.ndarray, inner: _Fit, fits: list[_Fit], scale: float
) -> _Fit | None:
    """The best-supported of ``fits`` that lies round ``inner`` (sides in common allowed)
    with table all round it and every side parting paper from table at full size; None
    when there is none.

    A picture's sharp edge inside a white border can be better supported than the paper's
    deckled edge round it and win (seed 400003: a white wall in the picture beside the
    subject, whose edge made one side, 1.0 against 0.72); with picture, not table, outside
    it, the outline round it on the paper's edge is the print.
    """
    reach = _fine_reach_px(frame)
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
        and _surrounded_by_table(lab, fit.corners * scale)
        and all(_paper_sides(frame, fit.corners, reach))
    ]
    return max(around, key=lambda f: f.support) if around else None


def _joined_outline(
    frame: np.ndarray,
    lab: np.ndarray,
    inner: _Fit,
    fits: list[_Fit],
    scale: float,
    settings: DetectSettings,
) -> _Fit | None:
    """``inner`` with each side that has picture, not table, outside it replaced by the
    nearest side of another of ``fits`` further out that has table outside it; kept when at
    full size it has table all round and is held by paper as a deckled edge with deep bites
    may be (:func:`_held_by_paper`: its sides were each found on an accepted outline). None
    otherwise.

    A picture's own straight lines can cut the paper into parts that each outline well:
    white pillarbox bars beside the subject, inside a white deckled border (seed 3400003,
    on brick: the paper's right part with the bar's edge for its left side, 0.91, and its
    left part with the other bar's edge for its right side, 0.89). Each part has the
    paper's edge, with table outside, on the sides the other lacks, and neither reaches
    the other's side by the outermost search.
    """
    on_table = _sides_on_table(lab, inner.corners * scale)
    if all(on_table):
        return None
    reach = _fine_reach_px(frame)
    beyond = [
        (_side_shifts(inner.corners, fit.corners), _sides_on_table(lab, fit.corners * scale), fit)
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
    fit = _refine(frame, joined, (reach,))
    if (
        fit is None
        or not _held_by_paper(frame, fit, settings, reach, DEEP_BITES_SLACK)
        or not _upright(fit, (frame.shape[1], frame.shape[0]), settings)
        or not _surrounded_by_table(lab, fit.corners * scale)
    ):
        return None
    return fit


def _side_shifts(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
    """Per side (top, right, bottom, left), how far ``outer``'s side lies outside
    ``inner``'s, at its middle (pixels, along ``inner``'s outward normal)."""
    shifts = []
    for i in range(4):
        middle = (inner[i] + inner[(i + 1) % 4]) / 2
        mid = (outer[i] + outer[(i + 1) % 4]) / 2
        shifts.append(float(np.dot(mid - middle, _outward_normal(inner, i))))
    return np.array(shifts)


def _outward_normal(corners: np.ndarray, i: int) -> np.ndarray:
    """The unit normal of side ``i`` (top, right, bottom, left) of ``corners``, pointing
    away from the quad's centre."""
    p0, p1 = corners[i], corners[(i + 1) % 4]
    d = (p1 - p0) / np.linalg.norm(p1 - p0)
    normal = np.array([-d[1], d[0]])
    return -normal if np.dot(normal, (p0 + p1) / 2 - corners.mean(axis=0)) < 0 else normal


def _region_outline(
    frame: np.ndarray, inner: _Fit, lab: np.ndarray, scale: float, settings: DetectSettings
) -> _Fit | None:
    """The outline of the print's region when it reaches past a side of ``inner``.

    Where a picture is nearly as light as the table along part of a side, the paper's edge
    there is a faint step and the picture's own line a little inside is the stronger one;
    a side fitted on the small copy, where the two merge over part of the side, takes the
    picture's line. The region that differs from the table still reaches the paper's edge:
    its outline, refined at full size (where the two lines are apart), is kept when it is
    larger, well supported and parts paper from table on every side. None otherwise.
    """
    corners = inner.corners * scale
    found = _print_region(lab, corners)
    if found is None:
        return None
    region = found.astype(np.uint8)
    inside = np.zeros_like(region)
    cv2.fillConvexPoly(inside, np.round(corners).astype(np.int32), 1)
    near = cv2.dilate(inside, np.ones((5, 5), np.uint8))
    if np.count_nonzero(found & (near == 0)) < 0.008 * geometry.quad_area(corners):
        return None
    quads = _contour_quads(region * 255, settings, (lab.shape[1], lab.shape[0]))
    if not quads:
        return None
    quad = max(quads, key=geometry.quad_area)
    start = _on_mask(cv2.merge([region * 255] * 3), quad) / scale
    reach = _fine_reach_px(frame)
    # The mask's outline lies a few small pixels off (it is smoothed): search wider first.
    fit = _refine(frame, start, (max(3.0, 4.0 / scale), max(3.0, 2.5 / scale), reach))
    if fit is None or fit.support < settings.min_support:
        return None
    if geometry.quad_area(fit.corners) < 1.01 * geometry.quad_area(inner.corners):
        return None
    if not _surrounded_by_table(lab, fit.corners * scale):
        return None
    if not all(_paper_sides(frame, fit.corners, reach)):
        return None
    # The region may cover a light border on one side only (paper a shade off the table's
    # there): that side moves to the paper's edge, the others stay on the picture's. Where
    # the paper's edge lies further out on those too, they go there as well.
    stayed = [bool(s <= reach) for s in _side_shifts(inner.corners, fit.corners)]
    if any(stayed) and not all(stayed):
        outer = _outer_outline(frame, fit, lab, scale, settings, [stayed])
        if outer is not None and _upright(outer, (frame.shape[1], frame.shape[0]), settings):
            return outer
    return fit


def _deckled_outline(frame: np.ndarray, lab: np.ndarray, inner: _Fit, scale: float) -> _Fit | None:
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
    region = _print_region(lab, corners)
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
    if not _surrounded_by_table(lab, outer):
        return None
    # The paper is looked for beyond the bites: half the narrowest band between the
    # picture's outline and the tips in (a 16 px deckle put table in the strip just inside
    # the tips on every side of seed 1400030's ivory border, which was then refused).
    inset = 0.5 * min(depths) / scale
    if not any(_paper_sides(frame, outer / scale, _fine_reach_px(frame), inset)):
        return None
    return replace(inner, corners=_tips_at_full_size(frame, outer / scale, inset, scale))


# The print's region on the small copy is smoothed (colour and busyness blurred over a few
# pixels): its tips can lie up to this many small pixels out on the table.
REGION_HALO = 4.0
# A deckled side's tips: the outermost line along which this share of the side is paper.
TIPS_SHARE = 0.1
# Paper and table this far apart (Lab) are told apart pixel by pixel at full size.
TIPS_APART = 25.0


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
    reach = _fine_reach_px(frame)
    halo = REGION_HALO / scale
    pulls = []
    for i in range(4):
        normal = _outward_normal(corners, i)
        along = corners[i] + np.linspace(0.15, 0.85, 128)[:, None] * (
            corners[(i + 1) % 4] - corners[i]
        )
        paper = np.median(_lab_along(frame, along - inset_px * normal), axis=0)
        table = np.median(_lab_along(frame, along + (halo + reach) * normal), axis=0)
        apart = float(np.linalg.norm(paper - table))
        pull = 0.0
        if apart >= TIPS_APART:
            for offset in np.arange(halo, -halo, -1.0):
                colours = _lab_along(frame, along + offset * normal)
                near = np.linalg.norm(colours - paper, axis=1) < max(10.0, 0.3 * apart)
                if colours.size and float(np.mean(near)) >= TIPS_SHARE:
                    pull = min(0.0, float(offset) + 0.5)
                    break
        pulls.append(pull)
    pulled = _offset_quad(corners, pulls)
    return corners if pulled is None else pulled


def _lab_along(frame: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The frame's Lab colours (float, N x 3) at ``points`` (x, y), those inside it."""
    h, w = frame.shape[:2]
    at = np.round(points).astype(int)
    inside = (at[:, 0] >= 0) & (at[:, 0] < w) & (at[:, 1] >= 0) & (at[:, 1] < h)
    if not inside.any():
        return np.empty((0, 3), np.float32)
    pixels = frame[at[inside, 1], at[inside, 0]][None]
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2Lab)[0].astype(np.float32)


def _print_region(lab: np.ndarray, corners_small: np.ndarray) -> np.ndarray | None:
    """The connected region that differs from the table at the outline's centre (a boolean
    mask of the small copy), None when the centre looks like table."""
    h, w = lab.shape[:2]
    _, labels = cv2.connectedComponents(_region_mask(cv2.medianBlur(lab, 5)))
    cx, cy = np.clip(np.round(corners_small.mean(axis=0)).astype(int), 0, [w - 1, h - 1])
    label = labels[cy, cx]
    return None if label == 0 else labels == label


def _offset_quad(corners: np.ndarray, distances_px: list[float]) -> np.ndarray | None:
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


def _fits(
    frame: np.ndarray,
    small: np.ndarray,
    candidates: list[np.ndarray],
    scale: float,
    settings: DetectSettings,
    enough_share: float = 0.8,
) -> list[_Fit]:
    """Refine ``candidates`` (small-image quads) on the small image, keep the distinct
    ones supported there by ``enough_share`` of ``min_support``, then refine those at the
    frame's resolution."""
    sh, sw = small.shape[:2]
    diag = float(np.hypot(sw, sh))
    enough = enough_share * settings.min_support
    # Per distinct coarse outline: its fit, and the candidate for the wider search when that
    # is still to be tried (one of the first four, whose narrow search held on the small copy).
    coarse: list[tuple[_Fit, np.ndarray | None]] = []
    for rank, quad in enumerate(candidates):
        fit = _refine(small, quad, _coarse_radii(quad, diag, wide=False))
        wider: np.ndarray | None = quad if rank < 4 else None
        if (fit is None or fit.support < enough) and wider is not None:
            # A rough candidate (a print whose colours resemble the table): search wider.
            fit, wider = _refine(small, quad, _coarse_radii(quad, diag, wide=True)), None
        if fit is None or fit.support < enough:
            continue
        if not any(_same_quad(fit.corners, f.corners, 0.02 * diag) for f, _ in coarse):
            coarse.append((fit, wider))
    fits: list[_Fit] = []
    for fit, wider in sorted(coarse, key=lambda c: -c[0].support)[:5]:
        if scale >= 1.0:
            if fit.support >= settings.min_support:
                fits.append(fit)
            continue
        refined = _at_full_size(frame, fit, scale, settings)
        kept = _accepted(frame, fit, refined, scale, settings, deep_bites=False)
        if kept is None and wider is not None:
            # The narrow search can lock onto a line in a busy table beside a small print
            # (gravel 19 px off its top, seed 300060) that falls short at full size; the
            # wider one from the same candidate may have found the print's side.
            again = _refine(small, wider, _coarse_radii(wider, diag, wide=True))
            if again is not None and again.support >= enough:
                other = _at_full_size(frame, again, scale, settings)
                kept = _accepted(frame, again, other, scale, settings, deep_bites=False)
        if kept is None:
            # Only then deep deckle bites: 300060's narrow outline, 6 % off, had every
            # side parting paper from gravel too.
            kept = _accepted(frame, fit, refined, scale, settings, deep_bites=True)
        if kept is not None:
            fits.append(kept)
    return fits


def _coarse_radii(quad: np.ndarray, diag: float, *, wide: bool) -> tuple[float, ...]:
    """Search radii for refining a candidate on the small copy (``diag``: its diagonal):
    narrow, or wide for a rough candidate. A small print's sides are searched no further
    than a sixth of its size."""
    near = min(1.0, np.sqrt(geometry.quad_area(quad)) / (6 * 0.03 * diag))
    if wide:
        return (0.07 * diag * near, 0.03 * diag * near, 0.012 * diag)
    return (0.03 * diag * near, 0.012 * diag)


def _at_full_size(
    frame: np.ndarray, fit: _Fit, scale: float, settings: DetectSettings
) -> _Fit | None:
    """``fit`` (found on the copy at ``scale``) refined at the frame's resolution, or on a
    copy smoothed against noise when that is better supported."""
    # From a copy at half the size or more, one pass at full size is enough.
    radii: tuple[float, ...] = (max(3.0, 2.5 / scale),)
    if scale < 0.5:
        radii += (_fine_reach_px(frame),)
    refined = _refine(frame, fit.corners / scale, radii)
    if refined is None or refined.support < settings.min_support:
        # A noisy sensor (a phone's, in dim light) hides the edge pixel by pixel:
        # look again on a copy smoothed to about the candidate's own scale.
        smoothed = cv2.GaussianBlur(frame, (0, 0), 0.5 / scale)
        again = _refine(smoothed, fit.corners / scale, radii)
        if again is not None and (refined is None or again.support > refined.support):
            refined = again
    return refined


def _accepted(
    frame: np.ndarray,
    fit: _Fit,
    refined: _Fit | None,
    scale: float,
    settings: DetectSettings,
    *,
    deep_bites: bool,
) -> _Fit | None:
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
    if fit.support < 0.8 or not _same_quad(refined.corners, fit.corners / scale, 1.5 / scale):
        return None
    floor = settings.min_support - (0.45 if fit.support >= 0.9 else 0.25)
    reach = _fine_reach_px(frame)
    if (fit.support >= 0.85 and refined.support >= floor) or (
        deep_bites and _held_by_paper(frame, refined, settings, reach, DEEP_BITES_SLACK)
    ):
        return replace(refined, support=fit.support)
    return None


def _held_by_paper(
    frame: np.ndarray,
    fit: _Fit,
    settings: DetectSettings,
    reach: float,
    slack: float,
) -> bool:
    """Whether an outline up to ``slack`` short of ``min_support`` at full size is still
    the print's edge: every side parts paper from table (a deckled edge's deep bites leave
    only their tips on its line, ``DEEP_BITES_SLACK``)."""
    return fit.support >= settings.min_support - slack and all(
        _paper_sides(frame, fit.corners, reach)
    )


def _shaken(frame: np.ndarray, fit: _Fit, settings: DetectSettings) -> bool:
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
    sharp = _refine_once(frame, fit.corners, SHARPNESS_RADIUS_PX, lightness=True)
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


def _hints(frame: np.ndarray, best: _Fit, fits: list[_Fit], settings: DetectSettings) -> list[Hint]:
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
    shaken = settings.camera_px_per_frame_px <= 1.0 and _shaken(frame, best, settings)
    if shaken or best.edge_width_px > settings.max_edge_width * np.hypot(w, h):
        hints.append(Hint.BLURRY)
    return hints


# --- candidate generators (downscaled Lab image) -------------------------------------------


def _candidates(lab: np.ndarray, settings: DetectSettings) -> list[np.ndarray]:
    """Quadrilaterals worth refining, best-supported first (small-image coordinates)."""
    h, w = lab.shape[:2]
    smooth = cv2.medianBlur(lab, 5)
    edges = _edge_map(smooth)
    quads = _contour_quads(edges, settings, (w, h))
    mask = _region_mask(smooth)
    mask_rgb = cv2.merge([mask, mask, mask])
    quads += [_on_mask(mask_rgb, quad) for quad in _contour_quads(mask, settings, (w, h))]
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
        if not any(_same_quad(quad, k, 0.02 * np.hypot(w, h)) for k in kept):
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


def _rim_mask(shape: tuple[int, ...]) -> np.ndarray:
    """A band around the frame's edge, where table shows."""
    h, w = shape[:2]
    rim = max(2, min(h, w) // 30)
    mask = np.zeros((h, w), bool)
    mask[:rim], mask[-rim:], mask[:, :rim], mask[:, -rim:] = True, True, True, True
    return mask


def _table_model(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The table's features everywhere, as a plane through the frame's rim per channel.

    A plane, not one colour: light falls off across a table, and a constant would call its
    darker side "not table". Returns the expected features (h, w, channels) and the rim
    pixels' residuals (N, channels), so callers can judge what counts as near.
    """
    h, w, channels = features.shape
    rim = _rim_mask(features.shape)
    ys, xs = np.nonzero(rim)
    design = np.c_[xs / w, ys / h, np.ones(len(xs))]
    values = features[rim].reshape(-1, channels)
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    # Once more without the worst-fitting quarter (a print touching the rim, a shadow).
    error = np.abs(values - design @ coef).sum(axis=1)
    keep = error <= np.percentile(error, 75)
    coef, *_ = np.linalg.lstsq(design[keep], values[keep], rcond=None)
    coef = coef.astype(np.float32)
    across = (np.arange(w, dtype=np.float32) / w)[None, :, None] * coef[0]
    down = (np.arange(h, dtype=np.float32) / h)[:, None, None] * coef[1]
    return across + down + coef[2], values - design @ coef


def _region_mask(smooth_lab: np.ndarray, floor: float = 2.0) -> np.ndarray:
    """Pixels whose local colour or texture differs from the table's (seen at the frame's rim).

    Texture matters on busy tables: a grey photo on grey gravel has the gravel's colour but
    not its busyness. ``floor`` is added to each feature's spread on the table: the default
    keeps a table's own unevenness out; the last look at a faint print lowers it.
    """
    blurred = cv2.GaussianBlur(smooth_lab, (0, 0), 2.0).astype(np.float32)
    lightness = smooth_lab[..., 0].astype(np.float32)
    busy = np.abs(lightness - cv2.GaussianBlur(lightness, (0, 0), 1.0))
    busy = cv2.GaussianBlur(busy, (0, 0), 3.0)
    features = np.dstack([blurred, busy])
    table, residual = _table_model(features)
    spread = np.median(np.abs(residual), axis=0) * 1.5 + floor
    distance = np.sqrt((((features - table) / spread) ** 2).sum(axis=2))
    mask = (distance > 4.0).astype(np.uint8) * 255
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=2)


def _sharp_edge_fits(
    frame: np.ndarray, small: np.ndarray, lab: np.ndarray, scale: float, settings: DetectSettings
) -> list[_Fit]:
    """The last resort when no candidate held: the hull of the sharp places, refined, kept
    only when each side parts paper from table at the frame's resolution. The hull's
    strongest lines may be the picture's own, a few pixels inside a side where paper and
    table are alike: such an outline is no outline (the guest hears "none", as before,
    rather than getting a wrong crop)."""
    reach = _fine_reach_px(frame)
    candidates = _sharp_edge_quads(lab[..., 0], settings, (small.shape[1], small.shape[0]))
    kept = []
    for fit in _fits(frame, small, candidates, scale, settings):
        paper = _paper_sides(frame, fit.corners, reach)
        if not all(paper):
            # A picture's own line just inside a side (a grey strip along its top) is
            # nearer the hull than the paper's edge, which lies just outside it: such a side
            # is fitted again, taking the outermost of the nearly best lines near it.
            again = _outermost_sides(frame, fit, paper)
            if again is None or again.support < settings.min_support:
                continue
            fit, paper = again, _paper_sides(frame, again.corners, reach)
        if all(paper):
            kept.append(fit)
    return kept


def _faint_fits(
    frame: np.ndarray,
    small: np.ndarray,
    lab: np.ndarray,
    candidates: list[np.ndarray],
    scale: float,
    settings: DetectSettings,
) -> list[_Fit]:
    """The very last resort: the first few candidates whose fit on the small copy fell
    short, looked at in full, kept only when at the frame's resolution they are supported
    and every side parts paper from table there, with table all round.

    A thin light border between a dark table and the picture puts two edges a pixel or two
    apart on the small copy, where a side then finds neither whole (seed 400048, a light
    deckled print on a dark table: 0.50 there, 0.72 at full size on the paper's edge).
    """
    reach = _fine_reach_px(frame)
    return [
        fit
        for fit in _fits(frame, small, candidates[:4], scale, settings, FAINT_SHARE)
        if fit.support >= settings.min_support
        and _surrounded_by_table(lab, fit.corners * scale)
        and all(_paper_sides(frame, fit.corners, reach))
    ]


def _faint_region_fits(
    frame: np.ndarray, small: np.ndarray, lab: np.ndarray, scale: float, settings: DetectSettings
) -> list[_Fit]:
    """After every other resort: the outline of the largest region that differs from the
    table however faintly (``FAINT_REGION_FLOOR``), kept when supported at the frame's
    resolution, with table all round, and covering the same place as its region
    (``REGION_AGREEMENT``).

    A print whose colour and smoothness are close to the table's mean (a plain grey-brown
    backdrop on gravel, seed 500009; a sepia dog on brown wavy wood, 500027) differs from
    the table by less than ``_region_mask``'s floor on the texture channel allows, and no
    other generator proposes its outline, though at full size it is 0.85-0.9 supported.
    Its paper and the table are alike, so the paper-from-table test of the other last
    resorts fails on a side; the region found independently of the edges vouches for it
    instead: a line of stones or grain is not the rim of a region unlike the table.
    """
    h, w = lab.shape[:2]
    mask = _region_mask(cv2.medianBlur(lab, 5), FAINT_REGION_FLOOR)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return []
    # The largest region only: the print is, and a picture's own patches can be regions of
    # their own inside it (a framed mirror on a grey wall as plain as gravel, seed 200095).
    hull = max((cv2.convexHull(c) for c in contours), key=cv2.contourArea)
    if cv2.contourArea(hull) < settings.min_candidate_share * w * h:
        return []
    quad = _hull_to_quad(hull)
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
    # outlines kept, the one with the most sides parting paper from table at full size wins,
    # the straightened quad's on a tie (such prints' paper passes for table on some side).
    reach = _fine_reach_px(frame)
    kept: list[tuple[int, _Fit]] = []
    for start in (_on_mask(cv2.merge([mask, mask, mask]), quad), quad):
        kept += [
            (sum(_paper_sides(frame, fit.corners, reach)), fit)
            for fit in _fits(frame, small, [start], scale, settings)
            if fit.support >= settings.min_support
            and _region_agreement(fit.corners * scale, region) >= REGION_AGREEMENT
            and _surrounded_by_table(lab, fit.corners * scale)
        ]
    # A side with no paper inside it may lie on the picture's own line, the paper's faint
    # edge a little further out: a painting's dark hem on brown wavy wood (seed 3500045,
    # the bottom side on a fold of the dress 20 px inside, 0.72 supported; the paper's edge
    # 0.68, a step of 12 against the wood). Fitted again outermost, it is kept where every
    # side then parts paper from table (it wins on that count).
    for paper_count, fit in list(kept):
        if paper_count == 4:
            continue
        again = _outermost_sides(frame, fit, _paper_sides(frame, fit.corners, reach), reach)
        if (
            again is not None
            and _held_by_paper(frame, again, settings, reach, BEYOND_PICTURE_SLACK)
            and _region_agreement(again.corners * scale, region) >= REGION_AGREEMENT
            and _surrounded_by_table(lab, again.corners * scale)
        ):
            kept.append((4, again))
    return [max(kept, key=lambda k: k[0])[1]] if kept else []


def _outermost_sides(
    frame: np.ndarray, fit: _Fit, paper: list[bool], reach: float | None = None
) -> _Fit | None:
    """``fit`` with each side that does not part paper from table (``paper``) fitted again
    within 1.2 % of the frame's diagonal, taking the outermost of the nearly best lines
    there (the paper's edge, not a line of the picture just inside it); then, with
    ``reach``, refined at the finest search as well."""
    h, w = frame.shape[:2]
    outer = tuple(not side for side in paper)
    again = _refine(frame, fit.corners, (0.012 * float(np.hypot(w, h)),), outer)
    if again is None or reach is None:
        return again
    return _refine(frame, again.corners, (reach,))


def _region_agreement(corners_small: np.ndarray, region: np.ndarray) -> float:
    """How much an outline (small-copy corners) and a region mask cover the same place:
    intersection over union, leaving out a band ``REGION_BAND_PX`` wide either side of the
    outline.

    The mask is smoothed, so it spills a few pixels past the print's edge all round; as a
    share of the area that halo grows as the print shrinks. Counted, it refused a small
    print on brick whose outline was right to 0.0002 of the diagonal (seed 1400033: 0.865,
    a 2.8 px halo on average round a 60 x 78 px print).
    """
    outline = np.zeros_like(region)
    cv2.fillConvexPoly(outline, np.round(corners_small).astype(np.int32), 1)
    kernel = cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * REGION_BAND_PX + 1, 2 * REGION_BAND_PX + 1)
    )
    counted = (cv2.dilate(outline, kernel) - cv2.erode(outline, kernel)) == 0
    union = max(int(np.count_nonzero((outline | region) & counted)), 1)
    return int(np.count_nonzero(outline & region & counted)) / union


def _paper_sides(
    frame: np.ndarray, corners: np.ndarray, reach_px: float, inset_px: float = 0.0
) -> list[bool]:
    """Per side, at the frame's resolution: does it part paper from table? Just outside it
    must look like further out (table), and differ from just inside (paper), or from
    ``inset_px`` further inside than that."""
    return [_parts_paper(*step) for step in _side_steps(frame, corners, reach_px, inset_px)]


def _parts_paper(step: float | None, table: float) -> bool:
    """A side's ``_side_steps`` reading parts paper from table (or lies along the frame's
    edge, ``step`` None)."""
    return step is None or (step >= 4.0 and table < max(4.0, 0.5 * step))


def _side_steps(
    frame: np.ndarray, corners: np.ndarray, reach_px: float, inset_px: float = 0.0
) -> list[tuple[float | None, float]]:
    """Per side, at the frame's resolution: (the colour step from just inside it to just
    outside, how far just outside differs from further out); (None, 0) along the frame's
    edge (where "cut off" speaks). See :func:`_paper_sides`."""
    shape = frame.shape[:2]
    strips = [
        _side_strips(corners, offsets, shape)
        for offsets in (
            (-0.5 * reach_px - inset_px, -reach_px - inset_px),
            (0.5 * reach_px, reach_px),
            (2.5 * reach_px, 3.0 * reach_px),
        )
    ]
    result: list[tuple[float | None, float]] = []
    for inner, near, far in zip(*strips, strict=True):
        if min(len(inner), len(near), len(far)) < 10:
            result.append((None, 0.0))
            continue
        medians = [np.median(_lab_along(frame, pts), axis=0) for pts in (inner, near, far)]
        step = float(np.linalg.norm(medians[0] - medians[1]))
        result.append((step, float(np.linalg.norm(medians[1] - medians[2]))))
    return result


def _sharp_edge_quads(
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
    level = float(np.percentile(sharp[_rim_mask(sharp.shape)], 99))
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
    quad = _hull_to_quad(hull)
    return [] if quad is None else [quad]


def _on_mask(mask_rgb: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """``quad`` (small-image coordinates) straightened on a region mask's outline, which is
    clean (one edge, no texture); as it is where it does not hold there."""
    diag = float(np.hypot(mask_rgb.shape[1], mask_rgb.shape[0]))
    on_mask = _refine(mask_rgb, quad, (0.04 * diag, 0.015 * diag))
    return quad if on_mask is None else on_mask.corners


def _contour_quads(
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
        quad = _hull_to_quad(hull)
        if quad is not None:
            quads.append(quad)
    return quads


def _hull_to_quad(hull: np.ndarray) -> np.ndarray | None:
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


# --- refinement at full resolution ---------------------------------------------------------

# Lightness step (CIE L) across a side from which its width is read in lightness alone.
MIN_LIGHT_STEP = 6.0
# How far from a known outline its edges are looked for when only their widths are wanted:
# the outline stays on the edge it was fitted to (profiles a half pixel apart).
SHARPNESS_RADIUS_PX = 3.0
# How far out from a found outline, as a share of the print's size (the square root of its
# area), the outermost line is looked for, and how much better it must be supported at full
# size to be taken instead (see ``_outermost_outline``).
OUTERMOST_SEARCH = 0.1
OUTERMOST_GAIN = 0.1
# ... unless paper lies outside each side that moved (``_beyond_the_picture``): just outside
# the old side differs from further out this many times as much as outside the new side,
# and at least by the second figure (Lab).
OUTSIDE_GAP = 3.0
MIN_OUTSIDE_GAP = 12.0
# How far short of ``min_support`` the outermost outline may then fall, every side parting
# paper from table.
BEYOND_PICTURE_SLACK = 0.15
# The share of ``min_support`` a candidate needs on the small copy to be looked at in full
# by the very last resort (``_faint_fits``), where the full size decides.
FAINT_SHARE = 0.55
# The floor of the region mask's spreads (``_region_mask``) for the very last look at a
# faint region, and how much of the outline and its region (intersection over union) must
# agree for the outline to be taken (``_faint_region_fits``).
FAINT_REGION_FLOOR = 0.5
REGION_AGREEMENT = 0.9
# How far short of ``min_support`` at full size an outline whose every side parts paper
# from table may fall (a deckled edge's deep bites leave only their tips on its line).
DEEP_BITES_SLACK = 0.45
# How far apart (Lab, 8-bit) one border's paper may stand from the table on two of its
# sides (``_one_paper``).
ONE_PAPER = 12.0
# Half the width of the band round an outline that its agreement with a region leaves out:
# the region mask's smoothing (``_region_mask``) spills up to about 3 px past an edge; 2 px
# of it are left out (1400033's right outline: 0.865 counted whole, 0.95 so).
REGION_BAND_PX = 2


def _fine_reach_px(frame: np.ndarray) -> float:
    """How far the last, finest search for a side reaches at the frame's resolution, and
    how far from a found side paper and table are compared: 0.4 % of the frame's
    diagonal, at least 3 px."""
    h, w = frame.shape[:2]
    return max(3.0, 0.004 * float(np.hypot(w, h)))


def _refine(
    image: np.ndarray,
    quad: np.ndarray,
    radii: tuple[float, ...],
    outermost: tuple[bool, ...] = (False, False, False, False),
) -> _Fit | None:
    """Fit each side as a robust line through sub-pixel edge positions, once per search radius
    (``outermost`` sides take the outermost of the nearly best lines, not the nearest)."""
    corners = quad.astype(np.float64)
    fit: _Fit | None = None
    for radius in radii:
        fit = _refine_once(image, corners, radius, outermost)
        if fit is None:
            return None
        corners = fit.corners
    return fit


def _refine_once(
    image: np.ndarray,
    corners: np.ndarray,
    radius: float,
    outermost: tuple[bool, ...] = (False, False, False, False),
    *,
    lightness: bool = False,
) -> _Fit | None:
    """One pass: along each side, find the strongest colour edge across it near the current
    line, then fit a new line; the sides' intersections are the new corners (``lightness``:
    with each side's width in lightness alone too)."""
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
        normal = _outward_normal(corners, i)
        t = np.linspace(0.08, 0.92, int(np.clip(length / 6, 24, 72)))
        sides.append((p0, p1, direction, normal, t))
    # All four sides' profiles in one image: one remap per tangent shift, one colour conversion.
    # Three parallel profiles one pixel apart are averaged: less noise, same edge.
    base = np.concatenate([p0 + t[:, None] * (p1 - p0) for p0, p1, _, _, t in sides])
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
    profiles = _lab_features(profiles / (3.0 * 255.0))
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
    return _Fit(new, float(min(supports)), tuple(widths), tuple(light_widths))


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


def _lab_features(rgb01: np.ndarray) -> np.ndarray:
    """CIE Lab with the colour axes weighted up a little: colour edges count like light ones.

    (Lab's cube root matters: a linear luma/opponent space misses dark-on-dark edges.)
    """
    lab = np.asarray(cv2.cvtColor(np.ascontiguousarray(rgb01, np.float32), cv2.COLOR_RGB2Lab))
    return lab * np.array([1.0, 1.5, 1.5], np.float32)


# --- checks ---------------------------------------------------------------------------------


def _same_quad(a: np.ndarray, b: np.ndarray, tolerance_px: float) -> bool:
    return bool(np.linalg.norm(a - b, axis=1).max() < tolerance_px)


def _overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    """True if either quad contains the other's centre (nested or the same print)."""
    ca, cb = a.mean(axis=0), b.mean(axis=0)
    inside_b = cv2.pointPolygonTest(b.astype(np.float32), (float(ca[0]), float(ca[1])), False) >= 0
    inside_a = cv2.pointPolygonTest(a.astype(np.float32), (float(cb[0]), float(cb[1])), False) >= 0
    return bool(inside_a or inside_b)


def _another_print(lab: np.ndarray, corners_small: np.ndarray, settings: DetectSettings) -> bool:
    """True when, besides the chosen print, something print-sized differs from the table.

    Catches a second print whose edges were too faint to outline (its colours close to the
    table's): better to ask for one photo at a time than to scan one and ignore the other.
    """
    h, w = lab.shape[:2]
    mask = _region_mask(cv2.medianBlur(lab, 5))
    cv2.fillConvexPoly(mask, np.round(corners_small).astype(np.int32), 0)
    mask = cv2.erode(mask, np.ones((5, 5), np.uint8))  # drop the chosen print's rim
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area = geometry.quad_area(corners_small)
    floor = max(0.4 * area, 0.5 * settings.min_share * w * h)
    return any(cv2.contourArea(cv2.convexHull(c)) > floor for c in contours)


def _surrounded_by_table(lab: np.ndarray, corners_small: np.ndarray) -> bool:
    """True when a strip just outside every side looks like the table at the frame's rim.

    An outline found inside the print (a dark photo on a dark table, a door frame in the
    picture) has picture, not table, just outside some side: that must not become a crop.
    """
    return all(_sides_on_table(lab, corners_small))


def _sides_on_table(lab: np.ndarray, corners_small: np.ndarray) -> list[bool]:
    """Per side (top, right, bottom, left): does the strip just outside it look like table?"""
    feats = lab.astype(np.float32)
    table, residual = _table_model(feats)
    table_spread = np.percentile(np.linalg.norm(residual, axis=1), 90) + 6.0
    result = []
    for pts in _side_strips(corners_small, (3.0, 5.0, 7.0), lab.shape[:2]):
        y, x = pts[:, 1], pts[:, 0]
        strip = feats[y, x] - table[y, x]
        # A side along the frame's edge has no strip outside: "cut off" covers it.
        result.append(len(strip) < 10 or np.median(np.linalg.norm(strip, axis=1)) <= table_spread)
    return result


def _sides_are_steps(lab: np.ndarray, corners_small: np.ndarray) -> bool:
    """True when every side parts paper from table: just inside it the colour differs from
    just outside, and a textured table's texture stops there. A line in the table's
    texture a little outside the print (gravel, wood grain) has table on both sides; a
    deckled edge's bites leave most of the inner strip paper."""
    feats = lab.astype(np.float32)
    shape = lab.shape[:2]
    outside = _side_strips(corners_small, (3.0, 5.0, 7.0), shape)
    inside = _side_strips(corners_small, (-1.5, -2.0, -2.5), shape)
    for i, (out_pts, in_pts) in enumerate(zip(outside, inside, strict=True)):
        if len(out_pts) < 10 or len(in_pts) < 10:
            continue
        out_feats = feats[out_pts[:, 1], out_pts[:, 0]]
        in_feats = feats[in_pts[:, 1], in_pts[:, 0]]
        if np.linalg.norm(np.median(out_feats, axis=0) - np.median(in_feats, axis=0)) < 4.0:
            return False
        p0, p1 = corners_small[i], corners_small[(i + 1) % 4]
        out_texture = _texture(out_feats[:, 0], out_pts, p0, p1)
        in_texture = _texture(in_feats[:, 0], in_pts, p0, p1)
        if out_texture >= 8.0 and in_texture >= 0.5 * out_texture:
            return False
    return True


def _texture(light: np.ndarray, pts: np.ndarray, p0: np.ndarray, p1: np.ndarray) -> float:
    """The spread of ``light`` (sampled at ``pts`` along the side from ``p0`` to ``p1``)
    about a straight trend along the side: a lamp's fall-off shades paper and table from
    one end of a side to the other, which is light, not texture (a white border on a light
    table under a slanting lamp read as textured as gravel, and its edge was refused)."""
    direction = (p1 - p0) / max(float(np.linalg.norm(p1 - p0)), 1e-6)
    along = (pts - p0) @ direction
    design = np.c_[np.ones(len(along)), along]
    coefficients, *_ = np.linalg.lstsq(design, light.astype(np.float64), rcond=None)
    return _spread(light - design @ coefficients)


def _spread(values: np.ndarray) -> float:
    """Robust spread: the median absolute deviation."""
    return float(np.median(np.abs(values - np.median(values))))


def _side_strips(
    corners_small: np.ndarray, offsets: tuple[float, ...], shape: tuple[int, ...]
) -> list[np.ndarray]:
    """Per side (top, right, bottom, left): integer (x, y) points along its middle 70 %,
    ``offsets`` pixels outwards (negative: inwards), those inside the image."""
    h, w = shape[:2]
    strips = []
    for i in range(4):
        p0, p1 = corners_small[i], corners_small[(i + 1) % 4]
        t = np.linspace(0.15, 0.85, 24)[:, None]
        mid = p0 + t * (p1 - p0)
        normal = _outward_normal(corners_small, i)
        pts = np.concatenate([mid + offset * normal for offset in offsets])
        inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
        strips.append(np.round(pts[inside]).astype(int).clip(0, [w - 1, h - 1]))
    return strips


# Longest side, in pixels, of the flat view of the print in which its border is looked for.
FLAT_VIEW_PX = 512


def _picture_corners(frame: np.ndarray, corners: np.ndarray) -> np.ndarray | None:
    """Where the picture inside the print's own plain border lies in ``frame`` (TL, TR, BR,
    BL), as the restoration will find and crop it; None without a border.

    What the restoration crops off is not the photo: a white or cream border wider than
    the rim the glare check skips, clipped to white by a bright lamp in broken patches too
    short to read as a strip along the rim (seed 400101), is no reflection on the photo.
    The print is flattened at up to ``FLAT_VIEW_PX`` on its longest side (the restoration
    finds a border on a copy of that size too) and the picture's corners are mapped back
    into the frame.
    """
    sides = geometry.side_lengths(corners)
    shrink = min(1.0, FLAT_VIEW_PX / float(max(sides)))
    # The print's surroundings, at the flat view's scale (a 12 MP frame is not warped whole).
    x0, y0 = np.floor(corners.min(axis=0)).astype(int).clip(0)
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 1
    near = frame[y0:y1, x0:x1]
    if shrink < 1.0:
        near = cv2.resize(near, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    seen = (corners - [x0, y0]) * shrink
    w = max(8, round(max(sides[0], sides[2]) * shrink))
    h = max(8, round(max(sides[1], sides[3]) * shrink))
    flat_corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    to_flat = cv2.getPerspectiveTransform(seen.astype(np.float32), flat_corners)
    inner = picture_quad(cv2.warpPerspective(near, to_flat, (w, h), flags=cv2.INTER_LINEAR))
    if inner is None:
        return None
    picture = cv2.perspectiveTransform(inner[None], np.linalg.inv(to_flat))[0]
    return picture.astype(np.float64) / shrink + [x0, y0]


# Brightness (HSV value) below which a pixel next to a blown-out area is the picture's own
# dark, not a reflection's halo.
PICTURE_DARK = 170
# Round a reflection's blown-out core (``_washed_out``): the ring two to four pixels out
# (HSV saturation at most half: light laid on the print washes colour out; over a light
# picture, value 195, texture 13 at most, and 8 grey levels above the picture further out),
# and over a darker picture the fall-off: the ring lifted at least 30 % of the way from the
# picture further out to white, its texture at most 0.8 of that picture's and 16.
RING_SATURATION = 128
RING_BRIGHT = 195
RING_TEXTURE = 13.0
RING_FALL = 8.0
FALL_LIFT = 0.3
FALL_SMOOTHING = 0.8
FALL_TEXTURE = 16.0


def _glare(
    small_rgb: np.ndarray, corners_small: np.ndarray, picture_small: np.ndarray | None = None
) -> tuple[float, list[tuple[int, int, int, int]]]:
    """Reflections on the print: blown-out, colourless blobs with a bright, smooth halo.

    Returns their share of the print and their boxes (small-image pixels). A reflection
    fades out softly and washes the picture out, so the ring round it is still bright and
    nearly without texture; white paper or a white shirt in the picture ends at an edge
    or has folds and weave round it. The print's outer rim (where a white border is) is not
    looked at: glare there is cropped off with the border anyway. A wider white or cream
    border, or a white edge of the picture, reaches inside that rim; it is a long, thin
    strip lying mostly in the print's outer band, while a reflection is a blob (or a broad
    band) over the picture: of a strip, only the part over the middle counts. Nor is
    anything outside ``picture_small`` looked at (where the picture inside the print's own
    border lies, :func:`_picture_corners`): the border is cropped off whatever its width.
    """
    mask = np.zeros(small_rgb.shape[:2], np.uint8)
    centre = corners_small.mean(axis=0)
    inner = centre + 0.92 * (corners_small - centre)
    cv2.fillConvexPoly(mask, np.round(inner).astype(np.int32), 1)
    if picture_small is not None:
        picture = np.zeros_like(mask)
        cv2.fillConvexPoly(picture, np.round(picture_small).astype(np.int32), 1)
        mask &= picture
    middle = np.zeros_like(mask)
    cv2.fillConvexPoly(
        middle, np.round(centre + 0.75 * (corners_small - centre)).astype(np.int32), 1
    )
    hsv = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2HSV)
    candidates = ((hsv[..., 2] >= 250) & (hsv[..., 1] < 25) & (mask > 0)).astype(np.uint8)
    blown = cv2.morphologyEx(candidates, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(blown, connectivity=8)
    value = hsv[..., 2]
    texture = np.abs(cv2.Laplacian(value.astype(np.float32), cv2.CV_32F))
    area = max(1, int(mask.sum()))
    glare_px = 0
    boxes = []
    for i in range(1, count):
        component = (labels == i).astype(np.uint8)
        # How far each pixel lies outside the component: both the fall-off round a
        # reflection and the picture's own edge round a white wall are read from it.
        away = cv2.distanceTransform(1 - component, cv2.DIST_L2, 3)
        if not _washed_out(component, away, mask, hsv, texture):
            continue
        x, y, bw, bh = stats[i, :4]
        if _picture_white_at_edge(component, middle) or _picture_white_at_rim(
            component, away, mask, value
        ):
            continue
        if _rim_strip(component, middle, stats[i]):
            # Only what reaches over the middle of the picture (a reflection joined to it).
            component &= middle
            if not component.any():
                continue
            x, y, bw, bh = cv2.boundingRect(component)
        glare_px += int(np.count_nonzero(component))
        boxes.append((int(x), int(y), int(x + bw), int(y + bh)))
    return glare_px / area, boxes


def _washed_out(
    component: np.ndarray,
    away: np.ndarray,
    inside: np.ndarray,
    hsv: np.ndarray,
    texture: np.ndarray,
) -> bool:
    """Whether the picture round a blown-out ``component`` is washed out the way light laid
    on the print washes it out: a reflection fades softly, so two to four pixels from its
    blown-out core the picture is still lifted towards white, greyed and smoothed.

    Over a light picture that ring is bright. Over a dark one it is not (a reflection over
    a dark dress: 168; round 14 asked 195 and let every such reflection pass, down to 0.89
    of the ideal scan), but the light still falls off gradually all round: the ring lies
    well above the picture further out (``far``), by at least the step from the core's own
    edge down to the ring, with that picture's texture flattened. White paper, a shirt or a
    lamp in the picture ends at an edge: most of its fall lies in the first pixel or two
    and the picture beyond is no darker than the ring, or keeps its texture up to it; a
    white dress clipped flat does not fall off at all, however bright its ring.
    """
    near = cv2.dilate(component, np.ones((5, 5), np.uint8))
    ring = (cv2.dilate(component, np.ones((9, 9), np.uint8)) > 0) & (near == 0)
    if not ring.any() or float(np.median(hsv[..., 1][ring])) >= RING_SATURATION:
        return False
    value = hsv[..., 2]
    ring_value = float(np.median(value[ring]))
    ring_texture = float(texture[ring].mean())
    radius = float(np.sqrt(np.count_nonzero(component) / np.pi))
    edge = (away > 0) & (away <= 1.5) & (inside > 0)
    # Beyond the halo of a reflection the size of the core (a wider halo only lifts it).
    far = (away > 0.6 * radius + 4) & (away <= 1.2 * radius + 6) & (inside > 0)
    if np.count_nonzero(edge) < 8 or np.count_nonzero(far) < 8:
        return False
    edge_value, far_value = float(np.median(value[edge])), float(np.median(value[far]))
    if ring_value >= RING_BRIGHT:
        # Still some fall-off: a white dress or wall clipped flat reads as bright beyond.
        # And falling already from the core's edge to the ring: a white bar beside the
        # subject steps down at its edge onto a light wall as bright as the ring.
        return (
            ring_texture <= RING_TEXTURE
            and ring_value - far_value >= RING_FALL
            and edge_value - ring_value >= RING_FALL
        )
    if ring_texture > FALL_TEXTURE:
        return False
    lifted = ring_value - far_value >= FALL_LIFT * (255.0 - far_value)
    gradual = ring_value - far_value >= edge_value - ring_value
    return lifted and gradual and ring_texture <= FALL_SMOOTHING * float(texture[far].mean())


def _picture_white_at_edge(component: np.ndarray, middle: np.ndarray) -> bool:
    """Whether a bright component is the picture's own white towards its edge (a white bar
    or wall beside the subject) rather than a reflection: most of it lies outside the
    ``middle`` and what reaches into the middle is no thicker than the rest. A reflection
    over the picture is a blob centred on the middle, or, at the rim, swells where it
    reaches in."""
    inside = component & middle
    area = int(np.count_nonzero(component))
    if not inside.any() or np.count_nonzero(inside) > 0.5 * area:
        return False
    depth = cv2.distanceTransform(component, cv2.DIST_L2, 3)
    return float(depth[inside > 0].max()) <= 1.1 * float(depth[inside == 0].max())


def _picture_white_at_rim(
    component: np.ndarray, away: np.ndarray, inside: np.ndarray, value: np.ndarray
) -> bool:
    """Whether a bright component is the picture's own white background reaching the
    print's rim (a white wall beside the subject, clipped by a bright exposure), however
    far it reaches into the middle: it runs along the rim (``inside``, the print's inner
    outline) for a good part of its outline, and somewhere it ends at the picture's own
    edge, a step down to a darker subject two or three pixels away. A reflection is light
    laid on the print: it fades out softly all round, so just outside its blown-out part the
    picture is still washed out, never dark. The reflections of tuning, 200000+, 300000+
    and 400000+: at most 6 % of that ring darker than ``PICTURE_DARK``, and one of them
    along the rim (none of its ring dark); the clipped wall of seed 300079: 30 %, and 48 %
    of its outline on the rim.
    """
    edge = component - cv2.erode(component, np.ones((3, 3), np.uint8))
    on_rim = edge & (cv2.erode(inside, np.ones((3, 3), np.uint8)) == 0)
    if np.count_nonzero(on_rim) < 0.3 * max(1, int(np.count_nonzero(edge))):
        return False
    # Two to three and a half pixels out, and off the rim: the table outside is no picture.
    ring = (away > 2.0) & (away <= 3.5) & (cv2.erode(inside, np.ones((5, 5), np.uint8)) > 0)
    if np.count_nonzero(ring) < 10:
        return False
    return bool(np.mean(value[ring] < PICTURE_DARK) >= 0.15)


def _rim_strip(component: np.ndarray, middle: np.ndarray, stats: np.ndarray) -> bool:
    """Whether a bright component is a strip along the print's rim (a border, an edge):
    over 4 times longer than it is thick, with most of it outside the ``middle`` of the
    print."""
    thickness = 2.0 * float(cv2.distanceTransform(component, cv2.DIST_L2, 3).max())
    length = float(max(stats[cv2.CC_STAT_WIDTH], stats[cv2.CC_STAT_HEIGHT]))
    area = int(stats[cv2.CC_STAT_AREA])
    outside = area - int(np.count_nonzero(component & middle))
    return length > 4.0 * thickness and outside > 0.5 * area


def refine_quad(frame: np.ndarray, corners: np.ndarray) -> np.ndarray | None:
    """Corners found on a preview, scaled to ``frame``, made exact at the frame's resolution."""
    h, w = frame.shape[:2]
    diag = float(np.hypot(w, h))
    fit = _refine(frame, corners, (0.01 * diag, _fine_reach_px(frame)))
    return None if fit is None else fit.corners

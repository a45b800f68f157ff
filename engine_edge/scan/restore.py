"""Conservative restoration: the print as it looked when new, not a filter.

Each step has a strength from 0 (off) to 1 (full) and measures before it acts,
so a good photo passes nearly unchanged: per-channel levels only stretch what
fading compressed, white balance only removes a cast that levels left, CLAHE
only lifts a flat photo, denoise only acts on measured noise, and spot removal
only touches tiny isolated specks. A sepia or black-and-white print is
recognised and keeps its tone: its lightness is restored, its colour is kept.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from engine_edge.running import running_median

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestoreStrengths:
    """Strength of each step, 0..1 (``auto`` mode scales each by what it measures)."""

    levels: float = 1.0  # per-channel black/white points (faded dyes)
    white_balance: float = 0.6  # grey-world / white-patch cast removal
    contrast: float = 0.4  # CLAHE on lightness, only when the photo is flat
    denoise: float = 0.5  # non-local means sized to the measured noise (0 = off)
    spots: float = 0.7  # dust and scratch specks
    border_crop: bool = True  # cut the print's own plain border (white, cream, black) off


@dataclass(frozen=True)
class Restoration:
    """The restored image, the steps' intermediate images (for --debug-dir) and what was found."""

    image: np.ndarray
    steps: tuple[tuple[str, np.ndarray], ...]
    toned: bool  # sepia or black-and-white: colour was kept


def restore_photo(
    image: np.ndarray, strengths: RestoreStrengths = RestoreStrengths()
) -> np.ndarray:
    """Restore a rectified print (RGB uint8); see :func:`restore_with_steps`."""
    return restore_with_steps(image, strengths).image


def restore_with_steps(
    image: np.ndarray,
    strengths: RestoreStrengths = RestoreStrengths(),
    noise: float | None = None,
    lift: float = 1.0,
) -> Restoration:
    """Run every step in order, keeping each intermediate image.

    ``noise`` is the camera's noise left in a fused burst (capture.Capture.noise); without
    it denoise reads the grain off the picture, where a sharp photo's texture counts too.
    ``lift`` (capture.Capture.lift) brightens the picture for the lamp's light it missed;
    it is applied after the border is found and cut, since a picture's plain edge lifted
    can read as a border (seed 4800078 lost 13 px of picture that way).
    """
    steps: list[tuple[str, np.ndarray]] = []
    current = image
    paper: float | None = None
    if strengths.border_crop:
        quad = picture_quad(current)
        if quad is not None:
            paper = border_white(current, quad)
            current = _cut_inside(current, quad)
        steps.append(("border_crop", current))
    if lift > 1.0:
        current = _brighten(current, lift)
        paper = None if paper is None else paper * lift
        noise = None if noise is None else noise * lift  # the camera's noise is lifted too
    steps.append(("lamp_lift", current))
    toned = is_toned(current)
    faded = fading_evidence(current)
    log.debug("restore: toned=%s fading evidence %.2f", toned, faded)
    pipeline: list[tuple[str, float, Callable[[np.ndarray, float, bool], np.ndarray]]] = [
        ("spots", strengths.spots, remove_spots),
        ("denoise", strengths.denoise, partial(denoise, noise=noise)),
        ("paper_white", 1.0 if paper is not None else 0.0, partial(lift_to_paper, paper=paper)),
        ("levels", strengths.levels * faded, stretch_levels),
        ("white_balance", 0.0 if toned else strengths.white_balance, balance_white),
        ("contrast", strengths.contrast, lift_contrast),
    ]
    for name, strength, step in pipeline:
        if strength > 0:
            current = step(current, strength, toned)
        steps.append((name, current))  # every step, so --debug-dir shows what was skipped too
    return Restoration(current, tuple(steps), toned)


# --- measurements -------------------------------------------------------------------------


def is_toned(image: np.ndarray) -> bool:
    """True for a black-and-white or sepia/cyanotype print: all colour lies along one hue.

    Such a print's chroma (a, b in Lab) hugs a single line through grey; a colour photo,
    even badly faded, spreads across hues.
    """
    lab = _lab(_measured(image))
    ab = lab[..., 1:].reshape(-1, 2)
    chroma = np.linalg.norm(ab, axis=1)
    if np.percentile(chroma, 95) < 6.0:
        return True  # black and white
    mean = ab.mean(axis=0)
    direction = mean / (np.linalg.norm(mean) + 1e-6)
    across = ab @ np.array([-direction[1], direction[0]])
    return bool(np.percentile(np.abs(across), 90) < 2.5)


def fading_evidence(image: np.ndarray) -> float:
    """0..1: how far the black point is lifted (faded dyes turn black into grey or colour).

    A healthy print has some near-black pixels in every channel; a naturally light or
    low-key photo keeps them, so this does not confuse mood with fading.
    """
    small = _small(image)
    lows = [np.percentile(small[..., c], 0.3) for c in range(3)]
    return float(np.clip((np.mean(lows) - 10.0) / 25.0, 0.0, 1.0))


def _measured(image: np.ndarray) -> np.ndarray:
    """The copy that tone and colour are measured on: small, and smoothed over about
    1.5 of its pixels, so a camera's noise does not stretch the extremes.

    Without it, a phone's grain moved the 0.3 % black point and the brightest 3 % by
    several levels: the levels and white balance of a camera's view and of a flat scan of
    the same print differed (tuning set: a phone capture's SSIM ratio fell from 0.94 to
    0.90 at the levels step, a small print's from 0.92 to 0.73 at white balance).
    """
    return cv2.GaussianBlur(_small(image), (0, 0), 1.5)


def _small(image: np.ndarray, max_px: int = 512) -> np.ndarray:
    h, w = image.shape[:2]
    scale = min(1.0, max_px / max(h, w))
    if scale == 1.0:
        return image
    return cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


def _lab(image: np.ndarray) -> np.ndarray:
    """CIE Lab as float32 (L 0..100, a and b around 0)."""
    return cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def _apply_as_curves(image: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Apply to ``image`` the per-channel tone curves that turn ``before`` into ``after``.

    Colour steps are computed on a small copy (in Lab) and carried to full resolution as
    three 256-entry lookup tables: the same result, without Lab at 12 MP.
    """
    if before.shape == image.shape:
        return after
    out = np.empty_like(image)
    values = np.arange(256)
    for c in range(3):
        src = before[..., c].ravel()
        sums = np.bincount(src, weights=after[..., c].ravel().astype(np.float64), minlength=256)
        counts = np.bincount(src, minlength=256)
        seen = counts > 0
        curve = np.interp(values, values[seen], sums[seen] / counts[seen])
        curve = np.maximum.accumulate(curve)  # tone curves never reverse
        out[..., c] = cv2.LUT(image[..., c], np.clip(curve + 0.5, 0, 255).astype(np.uint8))
    return out


def _rgb(lab: np.ndarray) -> np.ndarray:
    rgb = cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_Lab2RGB)
    return np.clip(rgb * 255.0 + 0.5, 0, 255).astype(np.uint8)


def noise_sigma(image: np.ndarray) -> float:
    """Noise standard deviation in grey levels, from the mean absolute Laplacian (Immerkaer).

    Measured on the central 1024 x 1024 pixels at full resolution: downscaling would average
    the noise away, and the centre is representative.
    """
    h, w = image.shape[:2]
    y0, x0 = max(0, h // 2 - 512), max(0, w // 2 - 512)
    crop = image[y0 : y0 + 1024, x0 : x0 + 1024]
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32)
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = cv2.filter2D(grey, -1, kernel)[1:-1, 1:-1]
    return float(np.sqrt(np.pi / 2) * np.abs(response).mean() / 6.0)


# --- steps ----------------------------------------------------------------------------------


# Light photo paper (white, ivory, cream) is never darker than this in its brightest
# channel; a light border that reads darker was dimmed by the light or the exposure.
PAPER_LEAST = 228.0
# A border this bright or more (its brightest channel) and this close to grey (its
# channels' spread) is light paper, however dim; a darker or coloured one is not.
LIGHT_BORDER_LEAST = 150.0
PAPER_SPREAD = 40.0
MAX_PAPER_LIFT = 1.3  # never brighten a print by more on its border's word
# The band of border that is measured: in from the print's edge past a deckle's bites
# (a share of the shorter side) and out from the cut line past its blur (pixels).
BORDER_BAND_SKIP = 0.03
BORDER_BAND_CLEAR_PX = 2


def border_white(image: np.ndarray, quad: np.ndarray) -> float | None:
    """The brightest channel of a light paper border (median over the border round
    ``quad``, :func:`picture_quad`), or None when the border is not light paper."""
    h, w = image.shape[:2]
    inset = max(1, round(BORDER_BAND_SKIP * min(h, w)))
    band = np.zeros((h, w), np.uint8)
    band[inset : h - inset, inset : w - inset] = 1
    inside = np.zeros_like(band)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    picture = cv2.dilate(inside, np.ones((2 * BORDER_BAND_CLEAR_PX + 1,) * 2, np.uint8))
    pixels = image[(band > 0) & (picture == 0)]
    if len(pixels) < 100:
        return None
    colour = np.median(pixels, axis=0)
    bright = float(colour.max())
    if bright < LIGHT_BORDER_LEAST or bright - float(colour.min()) > PAPER_SPREAD:
        return None
    return bright


def lift_to_paper(
    image: np.ndarray, strength: float, toned: bool = False, paper: float | None = None
) -> np.ndarray:
    """Brighten a picture whose light border (``paper``, its brightest channel) reads
    darker than any light photo paper: the lamp or the exposure dimmed the whole print,
    and the border says by how much at least. A border as bright as paper is left alone.

    Seed 3700021: an ivory border seen at exposure 0.89 under a lamp's slope; the picture
    came out 8 lightness units darker than the print, 0.949 of the ideal's SSIM.
    """
    if paper is None or paper >= PAPER_LEAST:
        return image
    return _brighten(image, 1.0 + strength * (min(MAX_PAPER_LIFT, PAPER_LEAST / paper) - 1.0))


def _brighten(image: np.ndarray, gain: float) -> np.ndarray:
    """``image`` (uint8) with every channel multiplied by ``gain``, clipped at white."""
    lut = np.clip(np.arange(256, dtype=np.float32) * gain + 0.5, 0, 255).astype(np.uint8)
    return cv2.LUT(image, lut)


def crop_border(image: np.ndarray, max_share: float = 0.2) -> np.ndarray:
    """Cut a print's own plain border off: white, cream, black or any even colour, deckled
    or straight, under uneven light (where: :func:`picture_quad`)."""
    quad = picture_quad(image, max_share)
    return image if quad is None else _cut_inside(image, quad)


def picture_quad(image: np.ndarray, max_share: float = 0.2) -> np.ndarray | None:
    """Where the picture inside a print's own plain border lies in ``image`` (a rectified
    print): its corners (TL, TR, BR, BL, continuous pixel coordinates), None without a
    border. What :func:`crop_border` cuts off, so that the scanner can tell what of the
    print will be kept (a reflection on the border goes with it).

    Each side's border colour is measured a little inside the outline (past a deckled
    edge's bites, which show the table), position by position along the side (a lamp's
    fall-off shades a border from one end to the other); rows or columns then count as
    border while nearly all their pixels match it. A border must run round all four sides
    in one colour (a light sky or a dark ground along one side is picture, not border).
    The inner edge is then placed at the frame's own resolution, where the colour is
    halfway between border and picture: a sliver of border left on would be a stripe
    across the photo, and a few rows too many a slice of it lost.
    """
    small = _small(image)
    scale = image.shape[0] / small.shape[0]
    lab = _lab(small)
    # First past a deckle's bites (1-3 % in), then, for a narrow border, 0.5 % in.
    for skips in (DECKLE_SKIPS, (THIN_SKIP,)):
        edges = _border_edges(image, lab, scale, max_share, skips)
        if edges is not None:
            return _inner_quad(image.shape[:2], edges)
    return None


def _border_edges(
    image: np.ndarray, lab: np.ndarray, scale: float, max_share: float, skips: tuple[float, ...]
) -> list[_Edge] | None:
    """The picture's edge on the top, bottom, left and right at full resolution, or None
    when there is no one border all round."""
    full_sides = _sides(image)
    # Where the small copy is clipped white (every channel 255), per side as its rows.
    white_sides = _sides(np.min(_small(image), axis=2, keepdims=True) == 255)
    found_runs = [
        _border_run(rows, max_share, skips, clipped=white)
        for rows, white in zip(_sides(lab), white_sides, strict=True)
    ]
    found = [np.median(run[0], axis=0) for run in found_runs if run is not None]
    if len(found) < 2:
        return None
    # One side's outermost band may be table, not border: deep deckle bites along a side
    # whose outline lies at the tips put a band of dark table across the whole of it (seed
    # 1400030, 16 px bites of an ivory border on a dark table: the top's "border" was the
    # table, the sides' disagreed, and the narrow pass then cut the table's band alone,
    # leaving the border in, 0.51 of the ideal's SSIM). A side whose colour is far from
    # the others' is looked at again further in, for the others' colour. A side with no
    # border this deep, or only picture there, is looked at nearer its edge too: a
    # border narrower on one side than a deckle's bites are deep on the others (seed
    # 5200102, a 12 px ivory border with 7 px bites: 1 % in the top read the picture's
    # dark background and the bottom no border; 0.5 % in the bites hid the left and
    # right; the border was kept all round, 0.46 of the ideal's SSIM), and at full
    # resolution for a sliver of border too thin for the small copy (:func:`_sliver_run`).
    common = np.median(np.array(found), axis=0)
    runs = []
    ran_on: set[int] = set()  # sides plain past the deepest border (:func:`_ran_on_placed`)
    for side, (run, rows, full_rows, white) in enumerate(
        zip(found_runs, _sides(lab), full_sides, white_sides, strict=True)
    ):
        if run is None or _colour_apart(np.median(run[0], axis=0), common):
            thin = _with_thin(skips)
            again = _border_run(rows, max_share, thin, like=common, clipped=white)
            if again is None and run is None:
                again = _border_run(rows, max_share, thin, like=common, clipped=white, run_on=True)
                ran_on.update([side] if again is not None else [])
            again = again or _sliver_run(full_rows, common, rows.shape[1])
            run = run if again is None else again
        if run is None:
            return None
        runs.append(run)
    colours = np.array([np.median(run[0], axis=0) for run in runs])
    depths = [
        _inner_crossing(full_rows, colour, skip, run, scale, whole_side=True)
        for (colour, run, skip), full_rows in zip(runs, full_sides, strict=True)
    ]
    evened = _evened_sides(depths, [run * scale for _, run, _ in runs])
    for side, depth in evened.items():
        depths[side] = depth
    for side, (side_run, full_rows) in enumerate(zip(runs, full_sides, strict=True)):
        if depths[side] is None:
            depths[side] = _partial_depth(full_rows, side_run, scale, side, depths)
    known = [depth for depth in depths if depth is not None]
    if len(known) < len(depths):
        return None
    edges = [
        _Edge(whole, 0.0)
        if side in evened
        else _edge_line(full_rows, colour, skip, run, scale, whole, _corners(side, known, scale))
        for side, ((colour, run, skip), full_rows, whole) in enumerate(
            zip(runs, full_sides, known, strict=True)
        )
    ]
    # Opposite sides of one border: where one lies far deeper in than the other, the deep
    # one may have run on into the picture's own plain band of the border's colour (white
    # pillarbox bars beside the subject, an ivory border lifted to their white by the
    # exposure: seed 1000003 cut 23 px in on the left, 97 px on the right, 0.44 of the
    # ideal's SSIM). Where the paper's edge shows as a step at about the opposite side's
    # depth too, the cut goes there. (A border wider on one side with no step there, as a
    # Polaroid's foot, keeps its width.)
    for deep, shallow in ((0, 1), (1, 0), (2, 3), (3, 2)):
        if edges[deep].offset > OPPOSITE_SIDES_RATIO * max(edges[shallow].offset, 1.0):
            colour, _, skip = runs[deep]
            within = max(
                int(np.ceil(OPPOSITE_SIDES_RATIO * edges[shallow].offset / scale)), skip + 1
            )
            rows, ends = full_sides[deep], _corners(deep, known, scale)
            near = _inner_crossing(rows, colour, skip, within, scale)
            if near is not None and near < edges[deep].offset - 2 * scale:
                edges[deep] = _edge_line(rows, colour, skip, within, scale, near, ends)
            elif (
                clipped := _clipped_from(rows, (skip, within), scale, edges[deep], ends)
            ) is not None:
                edges[deep] = _Edge(clipped, 0.0)
    if any(_colour_apart(a, b) for a, b in itertools.combinations(colours, 2)):
        return None  # sides of different colours: picture, not one border
    if not _ran_on_placed([edge.offset for edge in edges], ran_on, set(evened)):
        return None
    top, bottom, left, right = (edge.offset for edge in edges)
    full_h, full_w = image.shape[:2]
    if full_h - top - bottom < 0.5 * full_h or full_w - left - right < 0.5 * full_w:
        return None
    return edges


# How far in (a share of the side's length) a border's colour is read: past a deckle's
# bites first, then, for a narrow border, near the edge (:func:`picture_quad`).
DECKLE_SKIPS = (0.01, 0.02, 0.03)
THIN_SKIP = 0.005


def _with_thin(skips: tuple[float, ...]) -> tuple[float, ...]:
    """``skips``, then the narrow border's depth when it is not among them."""
    return skips if THIN_SKIP in skips else (*skips, THIN_SKIP)


# Opposite sides of a border this many times as deep as each other: the deeper one is
# looked at again near the other's depth (:func:`_border_edges`).
OPPOSITE_SIDES_RATIO = 2.0


def _evened_sides(depths: list[float | None], plain: list[float]) -> dict[int, float]:
    """Depths for two opposite sides of a border whose cut line does not show, where the
    other two sides agree: both sides' border ran on into the picture's own plain bands of
    the border's colour (``plain``: how deep each side's border colour runs, full-resolution
    rows), and the border is as deep there as on the other two sides.

    An ivory border lifted to white by the exposure, round a picture with white bars
    beside its subject on both sides (seed 3700003, a deckled print): on the left and right
    the border ran on 71-73 px into the bars, where the top and bottom were cut at 13 px,
    and its cut line there was a step of 0.8 in lightness, under any cut line's least.
    With one side's cut missing nothing was cut, and the deckled border was kept all round
    (0.58 of the ideal's SSIM). A pair of sides is evened only when the border's colour
    runs on past ``OPPOSITE_SIDES_RATIO`` times the other pair's depth on both, and both
    cut there or show no cut line, and the other pair agrees with each other to within
    that ratio (a Polaroid's foot is one side alone, and keeps its depth:
    :func:`_border_edges`). A dark print's vignette shows no cut line either, but its
    plain margin is no deeper than the other sides' (seed 4000031's flat scan: left and
    right cut at 10 and 18 px, top and bottom plain to 16 and 37 px with no cut line).
    """
    evened: dict[int, float] = {}
    for pair, other in (((0, 1), (2, 3)), ((2, 3), (0, 1))):
        across = [depths[side] for side in other]
        if any(depth is None for depth in across):
            continue
        near, far = sorted(float(depth) for depth in across if depth is not None)
        if far > OPPOSITE_SIDES_RATIO * max(near, 1.0):
            continue
        deep = [
            plain[side] > OPPOSITE_SIDES_RATIO * far
            and ((depth := depths[side]) is None or depth > OPPOSITE_SIDES_RATIO * far)
            for side in pair
        ]
        if all(deep):
            evened.update({side: 0.5 * (near + far) for side in pair})
    return evened


def _ran_on_placed(offsets: list[float], ran_on: set[int], evened: set[int]) -> bool:
    """Whether each side whose border colour ran on past the deepest border looked for
    (``ran_on``; top, bottom, left, right) is cut at a cut line of its own (not
    ``evened``, :func:`_evened_sides`) at about the depth of the other pair of sides
    (``offsets``, the cuts placed), whose border ended within reach on both.

    Seed 6000003 (an old print, curled): a cream border round a portrait with white bars
    beside the sitter. The flat ideal's bars were clipped, and the border stopped there
    (:func:`_clipped_start`); the scan's were dimmed to about 240, within the border's
    tolerance, so on the left and right the border ran on through them, those sides read
    as having none, and the border stayed on all round (0.51 of the ideal's SSIM). Its cut
    line showed at 51 px on the left, as on the top and bottom (on the right, at the bar's
    end; :func:`_border_edges` looks again at the opposite side's depth). A border is one
    even band of paper: where its end shows on one pair of sides, a cut line at about that
    depth on the other pair is its end too. A picture's plain dark or white surround (a
    dark room, a snow scene) shows no cut line there, or no border ending on the other
    pair, and keeps all of itself.
    """
    for side in ran_on:
        pair = (2, 3) if side < 2 else (0, 1)
        if side in evened or ran_on.intersection(pair):
            return False
        near, far = sorted(offsets[other] for other in pair)
        if not near / OPPOSITE_SIDES_RATIO <= offsets[side] <= OPPOSITE_SIDES_RATIO * far:
            return False
    return True


def _partial_depth(
    full_rows: np.ndarray,
    side_run: tuple[np.ndarray, int, int],
    scale: float,
    side: int,
    depths: list[float | None],
) -> float | None:
    """The depth of one side whose cut line shows along part of it only, where the
    picture's own plain band of the border's colour hides it along the rest; None unless
    ``PARTIAL_LEAST`` of its eight stretches cross at one depth (within ``LINE_CLOSE_PX``
    of their median), all of them, and that depth is within ``OPPOSITE_SIDES_RATIO`` of
    the neighbouring sides' (``depths``, top, bottom, left, right). ``side_run`` is the
    side's :func:`_border_run`.

    Seed 250073 (an old print): a white border round a portrait with white bars on both
    sides, a lamp brighter at its foot. The border's lower half was clipped to the bars'
    white; along the upper half it was grey against them, a clear step at 31 px on three
    stretches of the left and four of the right, as on the top and bottom. The whole
    side's median showed no step, nothing was cut, and the border stayed on all round
    (0.56 of the ideal's SSIM).
    """
    across = (depths[2], depths[3]) if side < 2 else (depths[0], depths[1])
    if across[0] is None or across[1] is None:
        return None
    ends = _corners(side, [float(across[0]), float(across[1])] * 2, scale)
    near, far = sorted((float(across[0]), float(across[1])))
    colour, run, skip = side_run
    stretches = _stretch_crossings(full_rows, colour, skip, run, scale, ends)
    if stretches is None:
        return None
    crossings = stretches[1]
    if len(crossings) < PARTIAL_LEAST:
        return None
    depth = float(np.median(crossings))
    if np.abs(crossings - depth).max() > LINE_CLOSE_PX:
        return None
    if not near / OPPOSITE_SIDES_RATIO <= depth <= OPPOSITE_SIDES_RATIO * far:
        return None
    return depth


# How many of a side's eight stretches must cross at one depth for a side whose cut line
# shows along part of it only (:func:`_partial_depth`).
PARTIAL_LEAST = 3


def _sliver_run(
    full_rows: np.ndarray, like: np.ndarray, length: int
) -> tuple[np.ndarray, int, int] | None:
    """A border of the other sides' colour ``like`` (Lab) narrower on this side than the
    small copy's thinnest band reads (:func:`_border_run`'s tuple, ``length`` positions
    along the side), from the outermost full-resolution rows; None when they are not
    nearly all of that colour.

    Seed 5900039 (a deckled ivory border, outlined half a border inside the paper): its
    right side kept 2-3 px of border, under the 5 px that the narrow pass skips in at the
    small copy's scale; with no border found on one side nothing was cut, and the border
    stayed on the other three (0.43 of the ideal's SSIM).
    """
    outer = _lab(np.ascontiguousarray(full_rows[:SLIVER_ROWS]))
    per_position = np.broadcast_to(like.astype(np.float32), (outer.shape[1], 3))
    if _matches(outer, per_position, 5.0).min() < 0.85:
        return None
    return np.tile(like.astype(np.float32), (length, 1)), 1, 0


# How many full-resolution rows at a side's edge a sliver of border fills at least
# (:func:`_sliver_run`).
SLIVER_ROWS = 2


def _clipped_from(
    full_rows: np.ndarray,
    rows: tuple[int, int],
    scale: float,
    deep: _Edge,
    ends: tuple[float, float],
) -> float | None:
    """Where a band of clipped white (every channel at 255 in at least ``PICTURE_CLIPPED``
    of the pixels of each row along the side between its ``ends``, :func:`_corners`)
    begins within the small copy's ``rows`` (from, to), running on to the side's ``deep``
    edge, while the row just outside it is clipped in at most ``PAPER_CLIPPED`` of them:
    light paper against a picture's own white, blown out. None when there is no such
    start.

    Seed 5800003 (an old print): a portrait with white bars on both sides, its left side
    lit brighter. There the border read 253-254 and the bar 255, a step far under any cut
    line's least, and the crop cut at the bar's inner edge, 80 px in against 26 on the
    right (0.47 of the ideal's SSIM). Paper lifted to white by the exposure reads a little
    under clipping in some of its pixels; the bar's white is clipped in all of them.
    """
    lo = max(1, int(rows[0] * scale))
    end = int(deep.offset - abs(deep.slope) * full_rows.shape[1]) - 1
    hi = min(int(np.ceil(rows[1] * scale)), end)
    along = full_rows[:end, int(ends[0]) : full_rows.shape[1] - int(ends[1])]
    clipped = (along.min(axis=2) == 255).mean(axis=1)
    for row in range(lo, hi):
        if clipped[row - 1] <= PAPER_CLIPPED and clipped[row:].min() >= PICTURE_CLIPPED:
            return float(row)
    return None


# The share of a row's pixels clipped white (every channel 255) at most on a light border,
# and at least on a picture's blown-out white (:func:`_clipped_from`).
PAPER_CLIPPED = 0.9
PICTURE_CLIPPED = 0.98


def _colour_apart(colour: np.ndarray, other: np.ndarray) -> bool:
    """Whether two border colours (Lab, 8-bit) cannot be one border's: the sides of one
    border differ by up to 30 in lightness (a lamp's fall-off) and 10 in colour."""
    return bool(abs(colour[0] - other[0]) > 30 or np.abs(colour[1:] - other[1:]).max() > 10)


@dataclass(frozen=True)
class _Edge:
    """Where the picture starts on one side: ``offset + slope * t`` rows in from the edge
    at ``t`` pixels along the side (continuous coordinates)."""

    offset: float
    slope: float


def _corners(side: int, depths: list[float], scale: float) -> tuple[float, float]:
    """How far from its start and its end a side (top, bottom, left, right) runs through
    the neighbouring sides' border (full-resolution pixels, with the cut line's blur)."""
    start, end = (depths[2], depths[3]) if side < 2 else (depths[0], depths[1])
    blur = 2.0 * scale + 2.0
    return start + blur, end + blur


def _edge_line(
    full_rows: np.ndarray,
    colour: np.ndarray,
    skip: int,
    run: int,
    scale: float,
    whole: float,
    ends: tuple[float, float],
) -> _Edge:
    """The picture's edge along one side: ``whole``, the crossing measured on the whole
    side, or a line through the crossings of eight stretches of it between its ``ends``
    (:func:`_corners`).

    A print whose outline was found a pixel or two off (a deckled edge has no one true
    line) is rectified slightly askew: its picture's edge then runs at a slant to the
    image's, and a straight cut leaves a wedge of border on at one end and cuts into the
    picture at the other. Stretches where the picture matches the border give no
    crossing. The stretches leave the corners out: there a side runs through its
    neighbour's border, where the picture starts deeper in (seed 3700046, black border:
    its top's first stretch crossed at 57.2 px, the others at 51.1-51.5, and the line
    they made left 0.9 px of border at one end and cut 1.3 px in at the other).
    """
    stretches = _stretch_crossings(full_rows, colour, skip, run, scale, ends)
    if stretches is None:
        return _Edge(whole, 0.0)
    ts, crossings, span = stretches
    line = _agreed_line(ts, crossings, span)
    return _Edge(whole, 0.0) if line is None else line


def _stretch_crossings(
    full_rows: np.ndarray,
    colour: np.ndarray,
    skip: int,
    run: int,
    scale: float,
    ends: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, tuple[int, int]] | None:
    """The crossings (:func:`_inner_crossing`) of eight stretches of one side between its
    ``ends`` (:func:`_corners`): each stretch's middle, its crossing (stretches without one
    left out), and the span they cover; None when the side is too short for them."""
    length = full_rows.shape[1]
    bounds = np.linspace(ends[0], length - ends[1], 9).round().astype(int)
    if bounds[1] <= bounds[0]:
        return None
    per_px = len(colour) / length  # the small copy's positions per full-resolution pixel
    ts, crossings = [], []
    for a, b in itertools.pairwise(bounds):
        lo = int(a * per_px)
        part = colour[lo : max(lo + 1, int(np.ceil(b * per_px)))]
        found = _inner_crossing(full_rows[:, a:b], part, skip, run, scale)
        if found is not None:
            ts.append(0.5 * (a + b))
            crossings.append(found)
    return np.array(ts), np.array(crossings), (int(bounds[0]), int(bounds[-1]))


def _agreed_line(t: np.ndarray, crossings: np.ndarray, span: tuple[int, int]) -> _Edge | None:
    """A line through the ``crossings`` at ``t`` (stretches of the ``span`` of a side) that
    ``LINE_AGREEING`` or more agree with (within 1.5 px), a stretch near each end among
    them; None when there is none.

    The line is the one through two crossings that most others lie close to, fitted again
    to those: a least-squares line through all of them first, pruned by its own residuals,
    settled between a deckle's true slant and a stray pair (seed 3800030: two stretches
    3.5 px out at the right side's top pulled a 5.7 px slant through seven of eight).
    A line must be met near both ends: a slant that none of the end stretches bears out is
    a guess carried past them. A deckle's slant is met by all eight stretches, or seven; a
    picture as dark as its black border at its edge gives crossings a few pixels apart,
    which a slanted line through five of them fits as well as a straight one (seed
    3800055: a line 5 px deeper at one end of the right side than at the other, through
    five of eight, left a wedge of border on; 3800019, 3.3 px through five).
    """
    if len(t) < LINE_AGREEING:
        return None
    best = np.zeros(len(t), bool)
    for i, j in itertools.combinations(range(len(t)), 2):
        slope = (crossings[j] - crossings[i]) / (t[j] - t[i])
        near = np.abs(crossings - (crossings[i] + slope * (t - t[i]))) < LINE_CLOSE_PX
        if near.sum() > best.sum():
            best = near
    slope, offset = np.polyfit(t[best], crossings[best], 1)
    agree = np.abs(crossings - (offset + slope * t)) < 1.5
    quarter = 0.25 * (span[1] - span[0])
    ends_met = t[agree].min() < span[0] + quarter and t[agree].max() > span[1] - quarter
    if agree.sum() < LINE_AGREEING or not ends_met or abs(slope) >= 0.02:
        return None
    return _Edge(float(offset), float(slope))


# How close to the line through two crossings the others must lie to count for it (px).
LINE_CLOSE_PX = 1.0
# How many of a side's eight stretches must agree with its line (:func:`_agreed_line`).
LINE_AGREEING = 6


def _inner_quad(shape: tuple[int, ...], edges: list[_Edge]) -> np.ndarray:
    """The quadrilateral ``edges`` (top, bottom, left, right) bound in an image of ``shape``,
    its sides where they were measured (to a fraction of a pixel)."""
    top, bottom, left, right = edges
    full_h, full_w = shape[:2]
    # Lines in image coordinates: y = a + b x (top, bottom) and x = a + b y (left, right).
    inset = 0.5  # a half-mixed row goes with the border
    rows = [
        (top.offset + inset, top.slope),
        (full_h - bottom.offset - inset, -bottom.slope),
    ]
    cols = [
        (left.offset + inset, left.slope),
        (full_w - right.offset - inset, -right.slope),
    ]
    corners = []
    for (ya, yb), (xa, xb) in (
        (rows[0], cols[0]),
        (rows[0], cols[1]),
        (rows[1], cols[1]),
        (rows[1], cols[0]),
    ):
        # y = ya + yb x, x = xa + xb y
        y = (ya + yb * xa) / (1.0 - yb * xb)
        corners.append((xa + xb * y, y))
    return np.array(corners, np.float32)


def _cut_inside(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The picture inside ``quad`` (:func:`_inner_quad`), warped square at its own size.

    Even when every edge runs parallel to the image's, a cut at whole rows moved each side
    by up to a pixel: a crossing at 13.06 rows cut 14, one at 12.98 cut 13, so two views of
    the same print (a camera's and a flat scan's) lost different slices of picture and
    stood up to a pixel apart at its edges (a burst of a cream-bordered coffee print: 0.93
    of the ideal scan's SSIM, 0.99 with the edges cut where they lie)."""
    width = round(0.5 * (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])))
    height = round(0.5 * (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])))
    square = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad - 0.5, square - 0.5)
    return cv2.warpPerspective(
        image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def _sides(image: np.ndarray) -> list[np.ndarray]:
    """Each side as rows running inwards from its edge: top, bottom, left, right (views)."""
    return [image, image[::-1], image.transpose(1, 0, 2), image.transpose(1, 0, 2)[::-1]]


def _border_run(
    rows: np.ndarray,
    max_share: float,
    skips: tuple[float, ...],
    like: np.ndarray | None = None,
    *,
    clipped: np.ndarray,
    run_on: bool = False,
) -> tuple[np.ndarray, int, int] | None:
    """(border colour along the side, rows of border, rows sure to be border) from one
    side, or None when that side has none.

    The colour is measured on a thin band ``skips`` in from the edge (a deckled edge's
    bites show table in the outermost rows), smoothed along the side; the border runs on
    while rows match it. With ``like`` (the other sides' colour), bands of another colour
    are passed over. ``clipped`` (the side's rows, True where clipped white): a border that
    runs on past ``max_share`` stops where the picture's blown-out white begins
    (:func:`_clipped_start`); without such a stop it has no border, unless ``run_on``:
    then its run ends at ``max_share`` (:func:`_ran_on_placed` judges it).
    """
    n, length = rows.shape[:2]
    band = max(2, round(0.006 * n))
    limit = round(max_share * n) + 1
    window = max(3, (length // 6) | 1)
    white = _clipped_white(clipped[:limit], max_share)
    for skip in (max(1, round(share * n)) for share in skips):
        sample = rows[skip : skip + band]
        # One colour per position along the side.
        # The side's colour position by position, without the picture's intrusions (a
        # deckle's bite, a dark object touching the border).
        colour = running_median(np.median(sample, axis=0), window).astype(np.float32)
        if like is not None and _colour_apart(np.median(colour, axis=0), like):
            continue
        # Plain paper is tight round its colour: a dark picture background a few levels
        # off is not border, however dark.
        spread = float(np.median(np.abs(sample[..., 0] - colour[None, :, 0])))
        matches = _matches(rows[:limit], colour, float(np.clip(4.0 * spread + 3.0, 5.0, 12.0)))
        if matches[skip : skip + band].min() < 0.85:
            continue
        run = skip + band
        while run < len(matches) and matches[run] >= 0.85:
            run += 1
        if run >= len(matches):
            stop = _clipped_start(white, skip, skip + band)
            run = len(matches) if stop is None and run_on else stop
        if run is None:
            return None  # plain far inside: a snow scene or a dark room, not a border
        return colour, run, skip + band
    return None


def _clipped_white(clipped: np.ndarray, max_share: float) -> np.ndarray:
    """Per row of a side (``clipped``: rows x positions x 1, True where clipped white), the
    share of its middle clipped: the positions that a border as deep as any looked for
    (``max_share`` of the side across it) leaves clear of the neighbouring sides' border."""
    length = clipped.shape[1]
    end = round(max_share * length)
    return np.asarray(clipped[:, end : length - end, 0].mean(axis=1))


def _clipped_start(white: np.ndarray, skip: int, sure: int) -> int | None:
    """For a side whose border colour runs on past the deepest border looked for: the first
    row from ``sure`` on clipped white in nearly all of its middle (``white``,
    :func:`_clipped_white`), where the border's band from ``skip`` to ``sure`` is not;
    None when there is none (a snow scene or a dark room, plain far inside).

    Seed 6200073 (an old print, curled): a portrait with wide white bars beside the sitter
    in a cream border, its right side lit to 250. The bar's white was within the border's
    tolerance there, so the border ran on through it past the deepest border looked for,
    that side read as having none, and the border stayed on all round (0.51 of the ideal's
    SSIM). Light paper, however lit, is clipped in some of its pixels at most
    (``PAPER_CLIPPED``, :func:`_clipped_from`); a picture's blown-out white in all of them.
    A side whose border ends within reach keeps its run (the bars' white then counts as
    border, for :func:`_evened_sides` and :func:`_clipped_from` to place the cut)."""
    if white[skip:sure].max() > PAPER_CLIPPED:
        return None
    starts = np.flatnonzero(white[sure:] >= PICTURE_CLIPPED)
    return sure + int(starts[0]) if len(starts) else None


def _matches(rows: np.ndarray, colour: np.ndarray, light_tolerance: float) -> np.ndarray:
    """Per row, the share of pixels of ``colour`` (Lab, one per position along the row):
    lightness within ``light_tolerance``, colour within 8."""
    light = np.abs(rows[..., 0] - colour[None, :, 0]) < light_tolerance
    hue = np.linalg.norm(rows[..., 1:] - colour[None, :, 1:], axis=-1) < 8.0
    return np.asarray((light & hue).mean(axis=1))


def _inner_crossing(
    full_rows: np.ndarray,
    colour: np.ndarray,
    skip: int,
    run: int,
    scale: float,
    whole_side: bool = False,
) -> float | None:
    """Where the picture starts at full resolution (rows in from the edge, continuous
    coordinates): the outermost clear step away from the border colour between the small
    copy's ``skip`` and a little past its ``run``, placed where the distance to the border
    colour is halfway between the border's and the picture's. ``whole_side``: the rows
    run along a whole side (not a stretch of it), whose median profile is steady enough
    for a black border's smaller steps.

    None when there is no sharp step: a dark vignette or a sky fading into a plain margin
    is picture, however plain (a printed border ends at a cut line).
    """
    reach = max(6.0, 8.0 * scale)
    lo = max(0, int(skip * scale))
    hi = min(len(full_rows), int(np.ceil(run * scale + reach)) + 1)
    strip = _lab(np.ascontiguousarray(full_rows[lo:hi]))
    along = np.linspace(0, len(colour) - 1, strip.shape[1])
    ref = np.stack([np.interp(along, np.arange(len(colour)), colour[:, c]) for c in range(3)], 1)
    distance = np.median(np.linalg.norm(strip - ref[None], axis=-1), axis=1)
    k = max(2, round(1.5 * scale))
    if len(distance) < 4 * k:
        return None
    jump = distance[2 * k :] - distance[: -2 * k]
    # The outermost clear step, not the largest: a picture whose own edge is nearly the
    # border's colour (a black border round a photo as black at its sides, L 0-1 against
    # the border's 2.5) steps from the border by little, then keeps changing further in;
    # seen through a camera's blur, the larger change inside won and the crop cut 10-14
    # px into the picture (seed 1500091; 3400019 on its right, 7 px). Keeping a sliver of
    # border is the lesser loss.
    # Round a black border the picture's own change further in may be several times its
    # small step (seed 5900091: a dark-backed painting, the border's step a jump of 1.2
    # against the background's 2.9 10 px in; the right side was cut there, 0.81 of the
    # ideal's SSIM): on a whole side a smaller share of the largest is looked at. A
    # stretch's profile, a median over an eighth as many positions, keeps the usual
    # share: there the smaller one took noise for steps, and a line through them slanted
    # 2.7 px into seed 3400019's picture at one corner.
    black = np.median(colour[:, 0]) < BLACK_BORDER_L
    share = BLACK_BORDER_JUMP_SHARE if black and whole_side else JUMP_SHARE
    largest = int(np.argmax(jump))
    peaks = [
        i
        for i in range(largest + 1)
        if jump[i] >= share * jump[largest]
        and (i == 0 or jump[i] >= jump[i - 1])
        and (i == len(jump) - 1 or jump[i] >= jump[i + 1])
    ]
    least = BLACK_BORDER_MIN_STEP if black else MIN_STEP
    for peak in peaks:
        found = _step_at(distance, peak + k, k, scale, least)
        if found is not None:
            return lo + found
    return None


# The steps :func:`_inner_crossing` looks at: this share of the largest or more.
JUMP_SHARE = 0.5
BLACK_BORDER_JUMP_SHARE = 0.33
# The least step (Lab distance from the border colour) that is a border's cut line: the
# border's own distance varies by hundredths along a side, and a slope fails the sharpness
# test in :func:`_step_at` however tall it is.
MIN_STEP = 2.0
# Round a black border (lightness under ``BLACK_BORDER_L``) a picture nearly as black steps
# by less: 1.7 on seed 200091 (0.45 to 2.1). A picture's own dark margin is no black
# border: a small borderless painting whose edges read as a border of lightness 28-46 all
# round had a cut line found 30 px into its top at 1.2 (seed 4000105, 0.62 of the ideal's
# SSIM, round 18).
BLACK_BORDER_MIN_STEP = 1.2
BLACK_BORDER_L = 20.0


def _step_at(distance: np.ndarray, centre: int, k: int, scale: float, least: float) -> float | None:
    """Where a distance profile crosses halfway up its step round ``centre`` (rows,
    continuous), or None unless the step is clear (``least`` or more) and sharp (a printed
    border's cut line, not a vignette's slope)."""
    border = float(np.median(distance[max(0, centre - 3 * k) : centre - k + 1]))
    inside = float(np.median(distance[centre + k : centre + 3 * k + 1]))
    step = inside - border
    if step < least:
        return None
    near = distance[max(0, centre - 2 * k) : centre + 2 * k + 1]
    first = max(0, centre - 2 * k)
    rise = [first + int(np.argmax(near > border + share * step)) for share in (0.2, 0.5, 0.8)]
    if rise[2] - rise[0] > 2.0 * scale + 3.0:
        return None
    i = rise[1]
    if i == 0:
        return 0.0
    # Sub-row: the crossing between rows i-1 and i (centres at i - 0.5 and i + 0.5).
    d0, d1 = distance[i - 1], distance[i]
    crossing = i - 1 + (border + 0.5 * step - d0) / max(d1 - d0, 1e-6)
    return float(crossing) + 0.5


def stretch_levels(image: np.ndarray, strength: float, toned: bool) -> np.ndarray:
    """Per-channel black and white points (dyes fade separately); lightness only when toned.

    ``strength`` already includes how faded the print looks (see :func:`fading_evidence`).
    """
    small = _small(image)
    low_pct, high_pct, max_gain = 0.3, 99.7, 2.5
    if toned:
        lab = _lab(small)
        lo, hi = np.percentile(lab[..., 0], [low_pct, high_pct])
        gain = min(max_gain, 100.0 / max(hi - lo, 1e-3))
        gain = 1 + strength * (gain - 1)
        offset = strength * lo
        lab[..., 0] = np.clip((lab[..., 0] - offset) * gain, 0, 100)
        return _apply_as_curves(image, small, _rgb(lab))
    lut = np.empty((3, 256), np.uint8)
    values = np.arange(256, dtype=np.float32)
    measured = _measured(image)
    points = [np.percentile(measured[..., c], [low_pct, high_pct]) for c in range(3)]
    # Blacks go to black; whites go to the brightest channel's white, not to 255: the dyes
    # faded unevenly, but a photo with no white in it should not be brightened into one.
    white = max(hi for _, hi in points)
    for c, (lo, hi) in enumerate(points):
        gain = min(max_gain, white / max(hi - lo, 1.0))
        target = (values - lo) * gain
        lut[c] = np.clip(values + strength * (target - values) + 0.5, 0, 255).astype(np.uint8)
    return np.dstack([cv2.LUT(image[..., c], lut[c]) for c in range(3)])


def balance_white(image: np.ndarray, strength: float, toned: bool = False) -> np.ndarray:
    """Remove a colour cast seen both in the average (grey-world) and in the brightest
    pixels (white-patch); only the part of the cast both agree on is removed."""
    if toned:
        return image
    lab = _lab(_measured(image))
    grey_world = lab[..., 1:].reshape(-1, 2).mean(axis=0)
    bright = lab[..., 0] > np.percentile(lab[..., 0], 97)
    white_patch = lab[..., 1:][bright].mean(axis=0) if bright.any() else grey_world
    # Agreement: the smaller of the two along each axis when they share a sign, else none.
    cast = np.where(
        np.sign(grey_world) == np.sign(white_patch),
        np.sign(grey_world) * np.minimum(np.abs(grey_world), np.abs(white_patch)),
        0.0,
    )
    # A warm or cool scene has a mild "cast" of its own; only a strong one is removed.
    amount = strength * float(np.clip((np.linalg.norm(cast) - 5.0) / 8.0, 0.0, 1.0))
    if amount <= 0.0:
        return image
    small = _small(image)
    lab = _lab(small)
    lab[..., 1:] -= amount * cast
    return _apply_as_curves(image, small, _rgb(lab))


def lift_contrast(image: np.ndarray, strength: float, toned: bool = False) -> np.ndarray:
    """CLAHE on lightness, scaled down as the photo's own contrast rises."""
    spread = float(np.std(_lab(_small(image))[..., 0]))
    need = float(np.clip((15.0 - spread) / 8.0, 0.0, 1.0))  # 15+ L units of spread: leave alone
    amount = strength * need
    if amount <= 0.05:
        return image
    # Luma of YCrCb stands in for lightness: 8-bit, so it is fast at full resolution.
    ycc = cv2.cvtColor(image, cv2.COLOR_RGB2YCrCb)
    tiles = max(2, round(max(image.shape[:2]) / 256))
    clahe = cv2.createCLAHE(clipLimit=1.5 + 1.5 * amount, tileGridSize=(tiles, tiles))
    ycc[..., 0] = cv2.addWeighted(ycc[..., 0], 1 - amount, clahe.apply(ycc[..., 0]), amount, 0)
    return cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB)


def flattest(grey: np.ndarray, percent: float = 30.0) -> np.ndarray:
    """Where ``grey`` (float32) is flattest: the ``percent`` of it with the least detail at
    a few pixels' scale (a blurred Laplacian), where only noise is left to measure. ``<=``:
    a flat, dark picture is all "flattest"."""
    detail = cv2.Laplacian(cv2.GaussianBlur(grey, (0, 0), 2.0), cv2.CV_32F)
    activity = cv2.GaussianBlur(np.abs(detail), (0, 0), 4.0)
    return np.asarray(activity <= np.percentile(activity, percent))


def grain_sigma(image: np.ndarray) -> float:
    """The grain left in a camera's view of a print, in grey levels: the robust spread of
    what a small blur removes, on the flattest third of the picture.

    Unlike :func:`noise_sigma` it also sees noise that JPEG and a phone's own processing
    have smoothed into blotches a few pixels wide (the pixel-to-pixel part is gone by
    then); a sharp, clean print measures well under 1. Read on a copy at most 1024 px wide.
    """
    grey = cv2.cvtColor(_small(image, 1024), cv2.COLOR_RGB2GRAY).astype(np.float32)
    residual = grey - cv2.GaussianBlur(grey, (0, 0), 1.5)
    return float(1.4826 * np.median(np.abs(residual[flattest(grey)])))


# A fused burst's noise (sigma, grey levels) that is left alone: a small print, compared
# pixel for pixel, lost 1-2 % of the ideal's SSIM to a denoise that took its fine detail
# with noise of 0.4-0.85 left (a burst of three from the kiosk's camera); from there,
# non-local means' h rises by this much per grey level at full strength (phone bursts that
# kept 1.05 took h 1-1.2 best or lost under 0.01 to it, those that kept 1.5-1.6 h 2.2-3.2).
FUSED_NOISE_KEPT = 0.8
FUSED_NOISE_H_PER_LEVEL = 8.6
# The most h at full strength: phone bursts that kept noise of 1.6-2.5 scanned best at h 2.5
# (default strength) and lost up to 0.015 of the ideal's SSIM at the 3.5-7 the slope gave.
FUSED_NOISE_MOST_H = 5.0


def denoise(
    image: np.ndarray, strength: float, toned: bool = False, noise: float | None = None
) -> np.ndarray:
    """Non-local means sized to the measured noise (lightness and colour blotches alike);
    nothing when there is none.

    From one view (``noise`` None) the grain is read off the picture: at the default
    strength (0.5) the filter's h is 3 x (grain - 0.8), since a sharp photo's own fine
    texture measures up to about 1 (scikit-image's coffee 1.2, chelsea 0.95), a phone's
    capture 1.2-2.8. On the scene set's tuning seeds this lifted phone captures from a
    median 0.88 to about 0.93 of the ideal scan's SSIM.

    A burst says what noise its fused print kept (``noise``, capture.Capture.noise): the
    camera's alone, at every frequency, after the views were averaged or accumulated, so
    the filter is sized to what is there to remove (:data:`FUSED_NOISE_KEPT`).
    """
    if noise is None:
        h = 6.0 * strength * (grain_sigma(image) - 0.8)
    else:
        h = strength * min(FUSED_NOISE_MOST_H, FUSED_NOISE_H_PER_LEVEL * (noise - FUSED_NOISE_KEPT))
    if h < 1.0:
        return image
    return cv2.fastNlMeansDenoisingColored(image, None, h, 1.5 * h, 5, 15)


def remove_spots(image: np.ndarray, strength: float, toned: bool = False) -> np.ndarray:
    """Fill tiny high-contrast specks and hairline scratches (dust on the print) from around them.

    A speck is much brighter or darker than a median of its surroundings and small; eyes'
    catch-lights are larger and softer than dust at print resolution, and are spared by the
    size limit.
    """
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    size = max(5, (round(max(grey.shape) / 300) * 2 + 1))
    # What the surroundings would be without specks: an opening (removes small bright
    # things) then a closing (small dark things), at half resolution when the image is large.
    h, w = grey.shape
    half = size > 7
    base = cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA) if half else image
    kernel = cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, ((size // 2 | 1),) * 2 if half else (size, size)
    )
    fill = cv2.morphologyEx(cv2.morphologyEx(base, cv2.MORPH_OPEN, kernel), cv2.MORPH_CLOSE, kernel)
    if half:
        fill = cv2.resize(fill, (w, h), interpolation=cv2.INTER_LINEAR)
    background = cv2.cvtColor(fill, cv2.COLOR_RGB2GRAY)
    diff = grey.astype(np.int16) - background.astype(np.int16)
    sigma = max(2.0, noise_sigma(image))
    threshold = max(50.0, 10.0 * sigma) / max(strength, 0.1)
    candidates = (np.abs(diff) > threshold).astype(np.uint8)
    if not candidates.any():
        return image
    _, labels, stats, _ = cv2.connectedComponentsWithStats(candidates, connectivity=8)
    max_area = (size * size) // 2
    # Thin scratches: long but narrow components are kept too.
    lengths = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    areas = stats[:, cv2.CC_STAT_AREA]
    thin = (areas <= 3 * lengths) & (lengths >= size)
    keep = (areas <= max_area) | thin
    keep[0] = False
    mask = keep[labels].astype(np.uint8)
    if not mask.any():
        return image
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)
    log.debug("removing %d dust/scratch pixels", int(mask.sum()))
    out = image.copy()
    out[mask] = fill[mask]
    return out

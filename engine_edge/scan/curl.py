"""A curled print: its sides measured as gentle curves, and the warp that straightens them.

A print out of an album bows about one axis: the two sides across the bend are seen as
arcs (by 1-4 % of their length from the kiosk's camera), while the detector fits every
side with a straight line, so its corners miss the paper's and a homography leaves the
middle warped. Here each side of the found outline is searched again, at the frame's
resolution and a little wider, for its edge as a quadratic curve; where a side bows by
more than :data:`BOW_MIN_SHARE` of its length the outline is curved: the corners move to
where the curves' chords meet (the curves meet there), and the print is taken for a
cylinder: the corners' plane (posed through the lens, ``geometry.plane_sides``) bent about
the axis along the straight sides, by as much as makes the bowed sides bow as seen
(:func:`_solve_lift`). The print is rectified through that cylinder (:func:`curl_map`), arc
length kept: a lifted middle is also seen moved along the bend (towards the camera's
side of a tilt), which no warp of the sides' curves alone can tell. An outline none of
whose sides bows is left exactly as it was: a flat print takes today's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from engine_edge.scan import geometry
from engine_edge.scan.edge_fit import lab_features, outward_normal

# A side bows when its curve stands off its chord by more than this share of its length
# and BOW_MIN_PX: a flat print's sides fit to a tenth of a pixel; a curl seen from the
# kiosk's camera bows its sides by 1-4 %.
BOW_MIN_SHARE = 0.005
BOW_MIN_PX = 2.0
# How far across a side its edge is searched for: a bow's depth plus the straight line's
# misplacement (the detector's line lies between the arc's ends and its middle).
SEARCH_SHARE = 0.06
SEARCH_MIN_PX = 6.0
PROFILE_STEP_PX = 0.5
PEAKS_PER_PROFILE = 3
CURVE_TOLERANCE_PX = 1.0  # a peak this close to a curve agrees with it
# A bowed side's curve must hold this share of its profiles (a curve through a picture's
# own lines or a textured table is not the paper's edge), and this many times the share
# the best straight line holds (the outline's own side among them): a bow of 3 px leaves
# the best line about half the side within its tolerance, while a flat print's
# low-contrast side (a rounded print's, seed 250005: a 2.5 px "bow" on 0.69 of it, a line
# on 0.75) holds a line about as well as a curve.
MIN_INLIER_SHARE = 0.6
CURVE_GAIN = 1.3
# Hypotheses per third of a side: its 8 strongest peaks and this many of the profiles'
# second strongest, so that a weaker edge beside a stronger one (a border's paper edge
# beside its picture's) has curves through it too.
SECOND_PEAKS = 4
# Which of a side's nearly best curves is taken: the one nearest the outline, the
# outermost (a bordered print's paper's edge) or the innermost (its picture's edge).
Layer = Literal["nearest", "outer", "inner"]
# A side shows two edges (a border's paper and picture) where its outermost and innermost
# nearly best curves lie this far apart on average.
LAYER_GAP_PX = 3.0
# The share of the lone side's profiles that must step a border's width outside its edge
# for that edge to be the picture's (:func:`_layer`): a faint paper edge still shows on
# about a third of them or more (280004: 0.86; drawn frames: 0.32-0.33), while a side cupped
# away from the others' border (5800033: 0.04 outside, none inside) shows noise only.
LONE_OUTSIDE_SHARE = 0.2
# A side's curve that stays further than this off the outline's side all along it lies on
# another edge than the outline did there (a border's width off: 15-42 px seen from the
# kiosk's camera, seeds 6000004 and 6100029; 6000058's sides moved by as much, but :func:`_one_edge`
# does not refuse there); the same edge bowed crosses a straight side fitted to it, or meets
# a curled outline's chord at its ends.
MOVED_PX = 6.0
REFITS = 3  # curves refitted from the corners their chords give, this many times


@dataclass(frozen=True)
class Curl:
    """How a print is bent: across its width (top and bottom seen as arcs) or its height,
    its middle lifted off the corners' plane towards the camera by ``lift_share`` of half
    the bent side's chord (below 0: sunk away, a cup seen from above), seen through a lens
    of ``focal_px``."""

    across_width: bool
    lift_share: float
    focal_px: float

    @property
    def half_angle(self) -> float:
        """The arc's half angle (radians): sagitta / half chord = tan(half angle / 2)."""
        return 2.0 * float(np.arctan(abs(self.lift_share)))

    @property
    def stretch(self) -> tuple[float, float]:
        """How much longer the paper is than its corners' chords, across (width, height)."""
        angle = self.half_angle
        ratio = angle / np.sin(angle) if angle > 1e-9 else 1.0
        return (ratio, 1.0) if self.across_width else (1.0, ratio)


@dataclass(frozen=True)
class CurvedOutline:
    """The paper's corners (TL, TR, BR, BL: where its sides' curves meet), its bend, and
    per side (top, right, bottom, left) how far its middle was seen off the chord, in frame
    pixels along the outward normal (0: straight); ``holds``: per side, the share of it on
    its curve (what a last resort asks of a curled print's outline, outline_curled)."""

    corners: np.ndarray
    curl: Curl
    sags_px: tuple[float, float, float, float]
    holds: tuple[float, float, float, float]


@dataclass(frozen=True)
class _SideCurve:
    """One side's edge as offsets along its outward normal: a + b t + c t (1 - t)."""

    a: float
    b: float
    c: float
    inliers: float  # share of the side's profiles on the curve
    line_inliers: float  # share on the best straight line

    @property
    def sag(self) -> float:
        """How far the curve's middle stands off its chord."""
        return self.c / 4.0

    @property
    def mean_offset(self) -> float:
        """The curve's average offset along the side's outward normal."""
        return self.a + self.b / 2.0 + self.c / 6.0

    def offsets_at(self, t: np.ndarray, shift: float = 0.0) -> np.ndarray:
        """The curve's offsets at ``t`` along the side, moved ``shift`` px along the normal."""
        return self.a + shift + self.b * t + self.c * t * (1 - t)

    @property
    def move(self) -> float:
        """How far the curve stays off the side it was searched round, all along it (along
        the outward normal, signed), where more than :data:`MOVED_PX`; else 0: the side's own
        edge, bowed or not."""
        offsets = self.offsets_at(np.linspace(0.0, 1.0, 21))
        nearest = float(offsets[np.argmin(np.abs(offsets))])
        if abs(nearest) <= MOVED_PX or (offsets.min() < 0.0 < offsets.max()):
            return 0.0
        return nearest


@dataclass(frozen=True)
class _SideFit:
    """One side's best curve on one edge (:data:`Layer`) and its best straight line on the
    same edge: a side held straight (``straight_held``) stays on the edge its layer names,
    the paper's or the picture's, as a curved side does."""

    curve: _SideCurve
    line: _SideCurve

    def held(self, straight_held: bool) -> _SideCurve:
        """The side as taken: its line where ``straight_held`` and the line holds at least
        as much of the side as the curve, else its curve."""
        if straight_held and self.line.inliers >= self.curve.inliers:
            return self.line
        return self.curve


def curved_outline(
    frame: np.ndarray, corners: np.ndarray, focal_ratio: float, *, straight_held: bool = False
) -> CurvedOutline | None:
    """The curled print's outline round ``corners`` (a straight-sided outline found in
    ``frame``), or None when no bend explains its sides: the outline is then taken as it
    is. The lens is read off the curved outline's corners as ``true_aspect`` reads it
    (``focal_ratio`` x frame width where the view cannot tell): the straight outline's
    corners, off by the bows, told it wrong (seed 250022: no bend fitted, 10 px off).

    A bend bows both sides across it, each as the lens sees it (the one nearer the view's
    middle less): a side bowing where no bend of the print would bow it (its opposite
    straight where a bend would bow it too) is not taken for a curl.

    Every side is taken on one edge of the paper, all on the paper's edge or all on the
    picture's (:func:`_layer`); where a curve would take a side off an edge the outline
    held, away from its layer's (the paper's edge lost there), no bend is read
    (:func:`_one_edge`).
    ``straight_held``: a side whose best straight line holds at least as much of it as its
    best curve is taken as that line (outline_curled, where the straight sides are searched
    for too: a side's curve found on the picture's stronger lines bowed a bend that was not
    there, seed 250047's straight top 0.18 on its "curve", 1.0 on its line)."""
    layered = _layer(frame, corners, straight_held)
    if layered is None:
        return None
    layer, curves, own = layered
    if not any(_bows(c, corners, i) for i, c in enumerate(curves)) or not _one_edge(
        layer, curves, own
    ):
        return None
    for _ in range(REFITS):
        moved = _chord_corners(corners, curves)
        if moved is None:
            return None
        corners = moved
        refitted = _side_curves(frame, corners, layer, straight_held)
        if refitted is None:
            return None
        curves = refitted
    if not any(_bows(c, corners, i) for i, c in enumerate(curves)):
        return None  # refitted on the corners they give, the curves lie straight
    size = (frame.shape[1], frame.shape[0])
    focal_px = geometry.focal_px(corners, size, focal_ratio)
    curl = _solve_lift(corners, size, focal_px, tuple(c.sag for c in curves))
    if curl is None:
        return None
    sags = tuple(c.sag if _bows(c, corners, i) else 0.0 for i, c in enumerate(curves))
    holds = tuple(c.inliers for c in curves)
    return CurvedOutline(corners, curl, sags, holds)  # type: ignore[arg-type]


def _bows(curve: _SideCurve, corners: np.ndarray, side: int) -> bool:
    """Whether side ``side``'s curve stands off its chord by more than a flat print's can."""
    length = float(np.linalg.norm(corners[(side + 1) % 4] - corners[side]))
    return (
        curve.inliers >= MIN_INLIER_SHARE
        and curve.inliers >= CURVE_GAIN * curve.line_inliers
        and abs(curve.sag) > max(BOW_MIN_PX, BOW_MIN_SHARE * length)
    )


def _chord_corners(corners: np.ndarray, curves: list[_SideCurve]) -> np.ndarray | None:
    """The corners where the sides' chords meet: each curve passes through its chord's ends,
    so two neighbouring curves meet where their chords do."""
    lines = []
    for i, curve in enumerate(curves):
        p0, p1 = corners[i], corners[(i + 1) % 4]
        normal = outward_normal(corners, i)
        start, end = p0 + curve.a * normal, p1 + (curve.a + curve.b) * normal
        lines.append(geometry.line_through(start, end - start))
    new = geometry.corners_from_lines(lines)
    return new if new is not None and geometry.is_convex(new) else None


def _layer(
    frame: np.ndarray, corners: np.ndarray, straight_held: bool = False
) -> tuple[Layer, list[_SideCurve], list[float]] | None:
    """Which edge every side is taken on: the paper's (the outermost of each side's nearly
    best curves), unless three sides show two edges a border apart and the fourth one edge
    only, with more of its profiles stepping a border's width outside that edge than
    inside it, and at least ``LONE_OUTSIDE_SHARE`` of them: that edge is then the
    picture's (the paper's edge there too faint beside the table's own colour to be
    found), and all four sides go on the picture's edge, a right outline of the photo
    whose border is cut off anyway. The outermost on every side put the faint side on the
    picture's edge and the other three on the paper's (seed 280004, a grey border on
    gravel: two corners 15 px off); where the lone edge is the paper's (the picture's own
    edge as light as the border there, seed 280008), it stays on the paper's. The layer
    and each side's curve on it, and the share of each side's profiles with a step on the
    outline's side itself (what :func:`_one_edge` asks of it); None where a side holds no
    curve.

    The layer is decided on the sides' curves, held straight or not, and a side held
    straight is taken as its layer's own line (the line nearest the outline on both layers
    put every straight side on whichever edge the outline lay on, and the picture's-edge
    rule never fired: a drawn frame's paper edge lost over one side, two corners 11 px
    off)."""
    peaks = _side_peaks(frame, corners)
    if peaks is None:
        return None
    fitted = [
        _fit_curve(t, positions, strengths, ("outer", "inner")) for t, positions, strengths in peaks
    ]
    if any(f is None for f in fitted):
        return None
    outer = [f[0] for f in fitted if f is not None]
    inner = [f[1] for f in fitted if f is not None]
    gaps = [o.curve.mean_offset - n.curve.mean_offset for o, n in zip(outer, inner, strict=True)]
    doubled = [gap > LAYER_GAP_PX for gap in gaps]
    layer: Layer = "outer"
    if sum(doubled) == 3:
        lone = doubled.index(False)
        gap = float(np.median([g for g, d in zip(gaps, doubled, strict=True) if d]))
        t, positions, _ = peaks[lone]
        curve = outer[lone].curve
        outside, inside = (_share_at(t, positions, curve, shift) for shift in (gap, -gap))
        if outside >= LONE_OUTSIDE_SHARE and outside > inside:
            layer = "inner"
    chosen = outer if layer == "outer" else inner
    side = _SideCurve(0.0, 0.0, 0.0, 0.0, 0.0)  # the outline's side itself
    own = [_share_at(t, positions, side, 0.0) for t, positions, _ in peaks]
    return layer, [f.held(straight_held) for f in chosen], own


def _one_edge(layer: Layer, curves: list[_SideCurve], own: list[float]) -> bool:
    """Whether ``curves`` (each side's on ``layer``, found round an outline each of whose sides
    held a step on ``own`` of its profiles) keep every side on the layer's edge: none moved
    away from it (inwards on the paper's, outwards on the picture's) off a side that held as
    an edge itself (``own`` at least :data:`MIN_INLIER_SHARE`), all along more than
    :data:`MOVED_PX` off (:attr:`_SideCurve.move`). The paper's edge lies nowhere inside an
    edge the outline's side held, nor the picture's outside one: such a move means the
    layer's edge was lost on that side, the paper's too faint beside a rounded print's
    picture to count among its nearly best curves (seeds 6000004 and 6100029: the left and
    right sides, or three sides, went inwards onto the picture's edge while the rest stayed
    on the paper's, the corners 0.04-0.05 of the diagonal off a straight outline that was
    right). The sides are then on two edges, no bend of the paper meets at their corners,
    and the outline is left as the detector found it.

    Off a side that was no edge (seed 6200013: a straight outline round a print bowing
    17 px, every side 8 px outside the paper, its own step on under a tenth of it; seed
    6200069, a borderless print whose outline's left side lay 8-24 px inside its bowed
    edge) the curve found the edge. A move towards the layer's edge is one onto it (seed
    6100044: an outline on the picture's edge but for its bottom, on the paper's; the top,
    right and left went out onto the paper's edge), though where a side left in place lay
    on the picture's edge, its paper's lost, it leaves the sides on two edges too (seed
    6000058's right and bottom, 0.03 off): a side showing one edge tells neither apart."""
    on_edge = [share >= MIN_INLIER_SHARE for share in own]
    toward = 1.0 if layer == "outer" else -1.0
    return not any(held and toward * c.move < 0.0 for c, held in zip(curves, on_edge, strict=True))


def _share_at(t: np.ndarray, positions: np.ndarray, curve: _SideCurve, shift: float) -> float:
    """The share of profiles with a step on ``curve`` moved ``shift`` px along the normal."""
    near = np.abs(positions - curve.offsets_at(t, shift)[:, None]) < CURVE_TOLERANCE_PX
    return float(np.nan_to_num(near).any(axis=1).mean())


def _side_peaks(
    frame: np.ndarray, corners: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None:
    """Per side, where along it it is profiled (``t``) and its peaks' positions and
    strengths (:func:`_edge_peaks`); None where a side is too short to follow."""
    peaks = []
    for i in range(4):
        p0, p1 = corners[i], corners[(i + 1) % 4]
        length = float(np.linalg.norm(p1 - p0))
        if length < 16:
            return None
        reach = max(SEARCH_MIN_PX, SEARCH_SHARE * length)
        t = np.linspace(0.03, 0.97, int(np.clip(length / 4, 32, 160)))
        positions, strengths = _edge_peaks(frame, p0, p1, outward_normal(corners, i), t, reach)
        peaks.append((t, positions, strengths))
    return peaks


def _side_curves(
    frame: np.ndarray, corners: np.ndarray, layer: Layer, straight_held: bool = False
) -> list[_SideCurve] | None:
    """Each side's edge as a quadratic curve on ``layer`` (None where a side holds none)."""
    peaks = _side_peaks(frame, corners)
    if peaks is None:
        return None
    curves = []
    for t, positions, strengths in peaks:
        fitted = _fit_curve(t, positions, strengths, (layer,))
        if fitted is None:
            return None
        curves.append(fitted[0].held(straight_held))
    return curves


def _edge_peaks(
    frame: np.ndarray,
    p0: np.ndarray,
    p1: np.ndarray,
    normal: np.ndarray,
    t: np.ndarray,
    reach: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Across the side at each ``t``, the :data:`PEAKS_PER_PROFILE` strongest colour steps
    within ``reach``: their offsets along ``normal`` (sub-pixel; NaN where fewer) and
    strengths (K x PEAKS_PER_PROFILE each)."""
    offsets = np.arange(-reach, reach + PROFILE_STEP_PX, PROFILE_STEP_PX)
    base = p0[None, :] + t[:, None] * (p1 - p0)[None, :]
    tangent = (p1 - p0) / np.linalg.norm(p1 - p0)
    grid = base[:, None, :] + offsets[None, :, None] * normal[None, None, :]
    profiles = np.zeros((len(t), len(offsets), 3), np.float32)
    for shift in (-1.0, 0.0, 1.0):  # three parallel profiles a pixel apart: less noise
        moved = (grid + shift * tangent).astype(np.float32)
        profiles += cv2.remap(
            frame, moved[..., 0], moved[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        ).astype(np.float32)
    features = lab_features(profiles / (3.0 * 255.0))
    features = np.asarray(cv2.GaussianBlur(features, (0, 0), sigmaX=2.0, sigmaY=0.01))
    grad = np.linalg.norm(np.diff(features, axis=1), axis=2)
    is_peak = np.zeros_like(grad, bool)
    is_peak[:, 1:-1] = (grad[:, 1:-1] >= grad[:, :-2]) & (grad[:, 1:-1] > grad[:, 2:])
    masked = np.where(is_peak, grad, 0.0)
    top = np.argsort(-masked, axis=1)[:, :PEAKS_PER_PROFILE]
    rows = np.arange(len(t))[:, None]
    strength = masked[rows, top]
    c = np.clip(top, 1, grad.shape[1] - 2)
    g0, g1, g2 = grad[rows, c - 1], grad[rows, c], grad[rows, c + 1]
    denom = g0 - 2 * g1 + g2
    sub = np.where(np.abs(denom) > 1e-6, 0.5 * (g0 - g2) / np.where(denom == 0, 1.0, denom), 0.0)
    position = offsets[0] + (c + 0.5 + np.clip(sub, -0.5, 0.5)) * PROFILE_STEP_PX
    return np.where(strength > 0, position, np.nan), strength


def _fit_curve(
    t: np.ndarray,
    positions: np.ndarray,
    strengths: np.ndarray,
    layers: tuple[Layer, ...],
) -> tuple[_SideFit, ...] | None:
    """The quadratic through most profiles' peaks (RANSAC over triples from the side's
    first, middle and last thirds); of nearly as good ones the one on each of ``layers``
    (:func:`_layer`): the outermost puts every side on the paper's edge, where a border's
    inner edge (the picture's) bows alike and is often the stronger step; the nearest the
    outline kept whichever the straight side lay on, the paper's edge on some sides and
    the picture's on others (seed 250004, a cup with a white border: its bottom on the
    picture's edge, two corners 25 px off). With each curve, the best straight line on
    its layer (the outline's own side where that holds as much and lies on the same edge)
    and how many profiles the best straight line of all holds.

    (A tall print's side beside a picture's strong lines, test_guest_hints: a "curve" 6 px
    inside on 0.74 of the side won over its own straight edge, found by the strongest peaks'
    lines on 0.52 only.)"""
    k = len(t)
    basis = np.stack([np.ones_like(t), t, t * (1 - t)], axis=1)
    rows, cols = np.nonzero(np.isfinite(positions))
    picks = []
    for lo, hi in ((0.0, 0.34), (0.34, 0.67), (0.67, 1.1)):
        third = np.flatnonzero((t[rows] >= lo) & (t[rows] < hi))
        if len(third) == 0:
            return None
        strongest = third[np.argsort(-strengths[rows[third], cols[third]])[:8]]
        second = third[cols[third] == 1]  # each profile's second strongest step
        second = second[np.argsort(-strengths[rows[second], cols[second]])]
        extra = second[~np.isin(second, strongest)][:SECOND_PEAKS]
        picks.append(np.concatenate([strongest, extra]))
    i, j, m = (g.ravel() for g in np.meshgrid(*picks, indexing="ij"))
    curves = _best_curve(t, positions, rows, cols, (i, j, m), basis, layers)
    if curves is None:
        return None
    # The best straight line through a peak of the first and of the last third, nearest
    # the outline and on each layer.
    first, last = (g.ravel() for g in np.meshgrid(picks[0], picks[2], indexing="ij"))
    lines = _best_curve(t, positions, rows, cols, (first, last), basis[:, :2], ("nearest", *layers))
    # The outline's own side is a straight line too (the one a RANSAC over the strongest
    # peaks can miss when the picture's lines inside outshine the paper's edge).
    own = int((np.nan_to_num(np.abs(positions), nan=np.inf) < CURVE_TOLERANCE_PX).any(axis=1).sum())
    nearest = (np.zeros(3), own) if lines is None or own >= lines[0][1] else lines[0]
    line_votes = max(own, 0 if lines is None else lines[0][1])
    nearest_line = _side_curve(nearest[0], nearest[1], line_votes, k)
    fits = []
    for index, (curve, votes) in enumerate(curves):
        line = nearest_line
        if lines is not None:
            on_layer = _side_curve(*lines[index + 1], line_votes, k)
            # A layer's line within one edge's noise of the nearest line is the nearest (the
            # outline's own side where that holds as much).
            best = _side_curve(*lines[0], line_votes, k)
            if abs(on_layer.mean_offset - best.mean_offset) > LAYER_GAP_PX:
                line = on_layer
        fits.append(_SideFit(_side_curve(curve, votes, line_votes, k), line))
    return tuple(fits)


def _side_curve(coeffs: np.ndarray, votes: int, line_votes: int, profiles: int) -> _SideCurve:
    """A side's curve of terms ``coeffs`` on ``votes`` of its ``profiles``, the best straight
    line on ``line_votes``."""
    a, b, c = (float(x) for x in coeffs)
    return _SideCurve(a, b, c, votes / profiles, line_votes / profiles)


def _best_curve(
    t: np.ndarray,
    positions: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    picks: tuple[np.ndarray, ...],
    basis: np.ndarray,
    layers: tuple[Layer, ...],
) -> list[tuple[np.ndarray, int]] | None:
    """Of the curves (``basis``: their terms at each ``t``) through each tuple of peaks
    ``picks`` (indices into ``rows``, ``cols``), the one most profiles agree with, refitted
    on them (of nearly as good ones the one on each of ``layers``: nearest the outline on
    average, outermost or innermost), and its votes; one per layer."""
    n = basis.shape[1]
    systems = np.stack([basis[rows[p]] for p in picks], axis=1)
    values = np.stack([positions[rows[p], cols[p]] for p in picks], axis=1)
    solvable = np.abs(np.linalg.det(systems)) > 1e-9
    if not solvable.any():
        return None
    coeffs = np.linalg.solve(systems[solvable], values[solvable][..., None])[..., 0]
    # Per hypothesis and profile: whether any of its peaks lies on the curve (one vote each).
    residual = np.abs(positions[None] - (coeffs @ basis.T)[..., None])
    agree = np.nan_to_num(residual, nan=np.inf) < CURVE_TOLERANCE_PX
    votes = agree.any(axis=2).sum(axis=1)
    good = np.flatnonzero(votes >= 0.9 * votes.max())
    middle = coeffs[good] @ basis.mean(axis=0)
    # The outermost or innermost only where it is another edge (a border's width off the
    # nearest): within one edge's noise it would only lean its fit outwards or inwards
    # (seed 250062, a borderless curl: a corner 2.6 px off for 0.9 px).
    near, out, inn = int(np.argmin(np.abs(middle))), int(np.argmax(middle)), int(np.argmin(middle))
    choice = {
        "nearest": near,
        "outer": out if middle[out] - middle[near] > LAYER_GAP_PX else near,
        "inner": inn if middle[near] - middle[inn] > LAYER_GAP_PX else near,
    }
    fits = []
    for layer in layers:
        best = int(good[choice[layer]])
        nearest = np.argmin(np.nan_to_num(residual[best], nan=np.inf), axis=1)
        on_curve = agree[best].any(axis=1)
        y = positions[np.arange(len(t)), nearest][on_curve]
        fitted, *_ = np.linalg.lstsq(basis[on_curve], y, rcond=None)
        if n == 2:
            fitted = np.r_[fitted, 0.0]
        fits.append((fitted, int(votes[best])))
    return fits


# Where each side's middle lies on the flat print, as fractions of its width and height.
SIDE_MIDDLES = np.array([[0.5, 0.0], [1.0, 0.5], [0.5, 1.0], [0.0, 0.5]])
LIFT_PROBE = 0.01  # the lift (share of the half chord) the bows' response is read at
MAX_LIFT_SHARE = 0.5  # a bend beyond this is not a curl (a fold, a print standing up)
# How far each side's seen sag may miss the bend's: this share of it, or as much as a
# side may bow and still count as straight (BOW_MIN_PX). The lens, where the view cannot
# tell it, is only assumed: seed 250022's near side bowed 1.7 px, 0.0 under the assumed
# lens and 1.4 under the true one (1.5 px of tolerance refused the bend that was there).
SAG_TOLERANCE = 0.35


def _solve_lift(
    corners: np.ndarray, frame_size: tuple[int, int], focal_px: float, sags: tuple[float, ...]
) -> Curl | None:
    """The bend that bows the sides by ``sags`` (per side, pixels along its outward normal)
    as seen, or None where none does: about the axis along the less bowed pair of sides, by
    the lift that best matches the other pair's sags (least squares; the bows respond to
    the lift almost linearly, so two secant steps settle it); every side's sag then within
    :data:`SAG_TOLERANCE` of the bend's."""
    across_width = abs(sags[0]) + abs(sags[2]) >= abs(sags[1]) + abs(sags[3])
    bowed = [0, 2] if across_width else [1, 3]
    measured = np.array(sags)

    def seen(lift: float) -> np.ndarray:
        """Each side's sag for a bend of ``lift``."""
        points = curl_map(corners, frame_size, Curl(across_width, lift, focal_px), SIDE_MIDDLES)
        flat = curl_map(corners, frame_size, Curl(across_width, 0.0, focal_px), SIDE_MIDDLES)
        return np.array([(points[i] - flat[i]) @ outward_normal(corners, i) for i in range(4)])

    lift = 0.0
    for _ in range(2):
        here = seen(lift)[bowed]
        slope = (seen(lift + LIFT_PROBE)[bowed] - here) / LIFT_PROBE
        if not np.isfinite(slope).all() or float(slope @ slope) < 1e-9:
            return None
        lift += float(slope @ (measured[bowed] - here) / (slope @ slope))
    misfit = np.abs(seen(lift) - measured)
    if (
        not abs(lift) < MAX_LIFT_SHARE
        or (misfit > np.maximum(BOW_MIN_PX, SAG_TOLERANCE * np.abs(measured))).any()
    ):
        return None
    return Curl(across_width, lift, focal_px)


def curl_map(
    corners: np.ndarray, frame_size: tuple[int, int], curl: Curl, fractions: np.ndarray
) -> np.ndarray:
    """Where in the frame each point of the flat print lies: ``fractions`` (N x 2) of its
    width and height, along the paper (arc length along the bend).

    The corners' plane is posed through the lens (geometry.plane_sides); a point at arc
    angle a of the bend lies at chord fraction 1/2 + sin(a) / (2 sin(half angle)) and
    stands off the plane by r (cos a - cos(half angle)) along its normal, towards the camera
    for a positive lift."""
    w, h = frame_size
    plane = geometry.plane_sides(corners, frame_size, curl.focal_px)
    if plane is None:
        raise ValueError("no plane projects to these corners")
    top, left, centre = plane
    origin = centre - (top + left) / 2.0
    normal = np.cross(top, left)
    normal /= np.linalg.norm(normal)
    if normal @ centre > 0:
        normal = -normal  # towards the camera
    bent = 0 if curl.across_width else 1
    along = fractions[:, bent]
    chord = 0.5 * float(np.linalg.norm(top if curl.across_width else left))
    lift = np.zeros(len(fractions))
    if curl.lift_share != 0.0:
        half = curl.half_angle
        angle = (2.0 * along - 1.0) * half
        radius = chord / np.sin(half)
        along = 0.5 + np.sin(angle) / (2.0 * np.sin(half))
        lift = np.sign(curl.lift_share) * radius * (np.cos(angle) - np.cos(half))
    chord_fractions = fractions.copy()
    chord_fractions[:, bent] = along
    space = (
        origin
        + chord_fractions[:, :1] * top
        + chord_fractions[:, 1:] * left
        + lift[:, None] * normal
    )
    return np.c_[
        curl.focal_px * space[:, 0] / space[:, 2] + w / 2.0,
        curl.focal_px * space[:, 1] / space[:, 2] + h / 2.0,
    ]

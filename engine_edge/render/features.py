"""Eyelids and mouth as analytic maps in each feature's own frame.

A mesh can only stretch; a blink is an occlusion (the lid slides over the
eye) and speech opens a hole (the mouth). So each eye and the mouth get a
local map with ``u`` along the corner-to-corner axis and ``v`` across it:

* ``backward`` (the renderer): for output positions, where to sample the
  photo, plus masks for what has to be synthesised (lash line, mouth cavity,
  teeth). Lid skin above the eye is stretched down over it; the visible part
  of the eye is not squashed but covered.
* ``forward`` (the kiosk mesh): the same motion applied to vertices, as a
  monotone stretch so no triangle folds.

Both act in the photo's rest coordinates; head turns, breath and smile are
composed on top by the renderer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from math import comb

import cv2
import numpy as np
import scipy.optimize
from numpy.polynomial import polynomial as poly

from engine_edge.analysis import topology as topo
from engine_edge.easing import smoothstep
from engine_edge.perform import FaceParams
from engine_edge.running import running_median

CLOSE_AT = 0.8  # the closed lid line sits this far down the opening; the lower lid rises the rest
# Share of the opening's height under the lower lid line that the rising lower lid skips
# (its margin and waterline): the shut line rests on the skin below them.
LOWER_SKIP = 0.4
# How far under the lower lid line (eye lengths) the skin moves up with the rising lower lid.
# Shut, the skin from ``LOWER_SKIP`` of the opening under the line down to here fills the lid
# from where the lids meet, so it is stretched (reach + rise) / (reach - skip) times. Reaching
# 0.3 of an eye (round 16), that was 1.7 to 5 times on the shared photos (most on wide-open
# eyes): the photo's grain and fine lines ran into vertical streaks under the shut line
# (liveportrait_s8, sadtalker_art_1, sadtalker_full_body_1). Now 1.3 to 2.2 times. The eye
# bag moves up a little with the lid, as in a real blink; the cheek below does not move.
LOWER_REACH = 0.5
# The degree of the Bernstein polynomials whose non-negative mix is a lid arc's curvature
# (``_lid_arc``): the arc is a polynomial of this degree + 2.
ARC_BEND_DEGREE = 3
CREASE_FLATTENS = 1.6  # share of the lid's height above the crease that the closed lid covers
# Share of the way from the lid line up to the brow's lower edge that the closed lid covers
# (where the crease rule reaches no higher). A closed lid is stretched up under the brow;
# covering three quarters of the way (up to round 21), it left the socket's shade under the
# brow standing over it as a dark band, and the band's edge against the lit lid reads as an
# open eye's upper lid: the independent landmark model put its upper eye points there on
# sadtalker_art_5 (a dark, made-up socket), in colour, grey and sepia alike. At 0.95, still
# clear of the brow, its shut/open eye ratio on shut stills of the 19 shared faces in colour
# and in grey went 0.53 -> 0.50 on average (art_5 0.84 -> 0.76, art_1 0.82 -> 0.68; in grey
# 0.86 -> 0.77 and 0.82 -> 0.62); one higher by more than 0.03: full_body_1, 0.53 -> 0.60.
LID_UNDER_BROW = 0.95
OUTER_REACH = 0.35  # how far past the outer corner (eye lengths) the skin follows the lid down
LID_PAST_CORNER = 0.12  # how far past each corner (eye lengths) the closing lid and lash line reach
# a*b* distance from the skin under the eye that makes a coloured lower rim: under the other
# shared photos' lower lid lines (skin, waterline, eye bag, make-up) the median is at most
# 20 from it, under art_9's painted rim 60
RIM_COLOUR = 35.0
# A drawn eye's outline past its white, on a print with no colour (``_outline_middle``): a
# stroke at most this share of the white's lightness (liveportrait_s7 in grey, sepia and
# grey at 0.6x: 0.27 to 0.35; the darkest past any other white run on the shared photos in
# colour, grey, sepia and grey at 0.6x: the lines past sadtalker_art_0's corner, 0.47, 0.56) ...
OUTLINE_DARK = 0.4
OUTLINE_GAP = 0.05  # ... within this many eye lengths past where the white ends ...
OUTLINE_BEYOND = 0.15  # ... with skin as light as the white again within this many
# The shut lash line's profile exp(-(d / thick)^4) is at half its darkness 0.91 ``thick``
# either side of its middle.
SHUT_LINE_PER_THICK = 1.82
# How dark (towards the lash colour) the slit under a nearly closed lid gets
SLIT_SHADE = 0.85
# How much darker than its tone the shut lid is along its lash line, fading over about a
# tenth of an eye up the lid. A closed lid curves down and away from the light into its
# lashes, so its margin lies in shade; painted at 0.12 (up to round 21) the shut lid ran
# flat and light to the line, and an independent landmark model (dlib) placed its upper
# eye points up on that light lid, above the line. At 0.35 its shut/open eye ratio on stills
# of the shared photos, their grey copies and 0.6x copies (57 faces, six sub-pixel sways
# each) went 0.531 -> 0.510 on average, and 33 -> 37 of 57 read shut at 0.52 or under
# (0.25: 0.520 and 34; 0.5: 0.500 and 37, but the line itself reads heavier at x3).
MARGIN_SHADE = 0.35
OUTER_PULL = 2.5  # how much closer to the corner's line that skin's lashes end, when shut
# The face mesh's first ring above each upper lid line (its "eye upper 1"): about the crease.
RIGHT_LID_CREASE = (247, 30, 29, 27, 28, 56, 190)
LEFT_LID_CREASE = (467, 260, 259, 257, 258, 286, 414)


@dataclass(frozen=True, eq=False)
class _Frame:
    origin: np.ndarray  # (2,)
    eu: np.ndarray  # (2,) unit, corner to corner
    ev: np.ndarray  # (2,) unit, "down" across the feature

    @staticmethod
    def between(a: np.ndarray, b: np.ndarray) -> _Frame:
        eu = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
        ev = np.array([-eu[1], eu[0]])
        if ev[1] < 0:
            ev = -ev
        return _Frame(a.astype(np.float64), eu, ev)

    def to_uv(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rel = p - self.origin
        return rel @ self.eu, rel @ self.ev

    def to_xy(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return self.origin + u[..., None] * self.eu + v[..., None] * self.ev

    def sample(
        self,
        image: np.ndarray,
        u: np.ndarray,
        v: np.ndarray,
        origin: tuple[float, float] = (0.0, 0.0),
        border: int = cv2.BORDER_REPLICATE,
    ) -> np.ndarray:
        """``image`` (whose top-left pixel is at ``origin``) sampled bilinearly at (u, v)."""
        xy = (self.to_xy(u, v) - np.asarray(origin, np.float64)).astype(np.float32)
        return cv2.remap(image, xy[..., 0], xy[..., 1], cv2.INTER_LINEAR, borderMode=border)

    def box(self, u0: float, u1: float, v0: float, v1: float) -> tuple[float, float, float, float]:
        corners = self.to_xy(np.array([u0, u1, u0, u1]), np.array([v0, v0, v1, v1]))
        return (
            float(corners[:, 0].min()),
            float(corners[:, 1].min()),
            float(corners[:, 0].max()),
            float(corners[:, 1].max()),
        )


def _profile(frame: _Frame, pts: np.ndarray, length: float) -> tuple[np.ndarray, np.ndarray]:
    """A lid or lip outline as v(u) on a fixed grid of u (corners at v = 0)."""
    u, v = frame.to_uv(pts)
    order = np.argsort(u)
    grid = np.linspace(0.0, length, 33)
    return grid, np.interp(grid, u[order], v[order])


@dataclass(frozen=True, eq=False)
class LidLayer:
    """The closing upper lid of one frame, over the output pixels it may cover.

    ``u`` is where along the eye each pixel lies and ``depth`` how far down the
    lid (0 at the crease, 1 at the lash line), for its tone; ``grain_xy`` the
    pixel's place in the photo, where the lid's grain field is read (the grain
    stays put while the lid slides over it); ``cover`` where it hides the eye,
    ``lash`` where the lash line and the lashes pointing down darken it,
    ``shading`` the bulge of the eyeball and the shadow above the lashes, ``slit`` the
    shade over the eye still showing under the lid (lash coloured, like ``lash``), ``held``
    where a glasses rim lies over these pixels (0..1; the lid goes behind it). ``under`` is
    the share of a slit pixel that lies on the lower lid, below the edge the eye shows
    down to, and ``down`` the eye frame's downward unit vector: that share of the pixel
    takes its colour from the pixel under it.
    """

    u: np.ndarray
    depth: np.ndarray
    grain_xy: np.ndarray  # (..., 2)
    cover: np.ndarray
    lash: np.ndarray
    shading: np.ndarray
    source_xy: np.ndarray  # (..., 2) where in the photo each pixel is sampled from
    flatten: float  # how far the photo's fold above the lid has smoothed out (0..1)
    slit: np.ndarray  # the lid's shade over the slit it leaves above the lower lid (0..1)
    held: np.ndarray | None = None
    under: np.ndarray | None = None
    down: tuple[float, float] = (0.0, 1.0)


@dataclass(frozen=True, eq=False)
class EyeFeature:
    frame: _Frame
    length: float  # corner to corner, px
    u_grid: np.ndarray
    upper: np.ndarray  # v of the upper lid edge on u_grid
    lower: np.ndarray
    crease: np.ndarray  # v of the upper lid's crease (where the lid skin starts) on u_grid
    lid_top: np.ndarray  # v up to which the closed lid covers (the crease flattens), on u_grid
    skin_up: float  # height of lid skin above the eye that stretches down (the kiosk mesh), px
    skin_down: float
    iris_uv: np.ndarray  # (2,)
    iris_radius: float
    lash_px: float  # thickness of the photo's lash line at the upper lid's edge
    # How far below the lower lid line the photo's white of the eye or a painted lower rim
    # goes on (px, on u_grid; ``fit_lids_to_photo``): the rising lower lid takes its skin
    # from below it.
    white_below: np.ndarray | None = None
    brow: np.ndarray | None = None  # v of the brow's lower edge, on u_grid
    # The full width at half darkness of the photo's own lash line or liner (px,
    # ``fit_lids_to_photo``; None where no clean line is found).
    line_px: float | None = None
    # The shut lash line's width at half darkness (px, ``matched_lines``), or None: the
    # rule's (``SHUT_LINE_PER_THICK`` times 1.4 times 0.6 ``lash_px``).
    shut_line_px: float | None = None

    def rule_line_px(self) -> float:
        """The shut lash line's width at half darkness by the rule of the eye's length."""
        return SHUT_LINE_PER_THICK * 1.4 * max(0.8, 0.6 * self.lash_px)

    def _lids(self, u: np.ndarray, closure: float, squint: float):  # type: ignore[no-untyped-def]
        up = np.interp(u, self.u_grid, self.upper, left=0.0, right=0.0)
        lo = np.interp(u, self.u_grid, self.lower, left=0.0, right=0.0)
        hgt = np.maximum(lo - up, 0.0)
        lo = up + hgt
        shut = np.interp(u, self.u_grid, self.shut_line, left=0.0, right=0.0)
        edge = up + closure * (shut - up)
        low_edge = lo - closure * (lo - shut) - 0.18 * squint * (1 - closure) * hgt
        edge = np.minimum(edge, low_edge)
        return up, lo, hgt, edge, low_edge, up - self.skin_up, lo + self.skin_down

    @cached_property
    def shut_line(self) -> np.ndarray:
        """Where the lids meet when shut (v on ``u_grid``): ``CLOSE_AT`` of the way down the
        opening, bowed into one smooth arc from corner to corner.

        A shut lid's margin bows down between the corners without a wave. ``CLOSE_AT`` of
        the way down follows the lower lid's shape, and a lower lid fitted onto the photo's
        dark margin sinks in its middle and comes in flat at the corners: on
        sadtalker_art_18 the shut lash line ran flat out of the outer corner, dipped, and
        rose 0.7 px over the line between its ends before turning down into the inner
        corner, a wave with its ends turned up. So the line is its own smallest bow
        (concave hull) through it: straight from each corner to where the arc curves.
        Made once per eye: every frame's lids read it.
        """
        return _bowed(self.u_grid, self.upper + CLOSE_AT * (self.lower - self.upper))

    def box_top(self) -> float:
        """The top of the region the eye's lids may change, v in the eye's frame."""
        return float(min(self.upper.min() - self.skin_up, self.lid_top.min())) - 1

    def box(self) -> tuple[float, float, float, float]:
        return self.frame.box(
            -OUTER_REACH * self.length,
            1.1 * self.length,
            self.box_top(),
            float(self.lower.max()) + self.skin_down + 1,
        )

    def backward(
        self, q: np.ndarray, closure: float, squint: float, gaze_px: tuple[float, float]
    ) -> tuple[np.ndarray, LidLayer | None]:
        """Photo positions to sample for output positions ``q`` (..., 2), and the closing lid.

        The eye behind the lid does not move (only its gaze); the lid is a layer over
        it. The lower lid rises a little, its skin taken from just below its line.
        """
        u, v = self.frame.to_uv(q)
        up, lo, hgt, edge, low_edge, _top, bot = self._lids(u, closure, squint)
        us, vs = u.copy(), v.copy()
        # The white that a painted eye shows below the mesh's lower lid line is covered by
        # the lower lid in the first half of the blink: taken in step with the closure, its
        # last sliver stayed under the closing line (liveportrait_s4, closure 0.8-0.9).
        start = lo + np.maximum(
            closure * LOWER_SKIP * hgt, smoothstep(closure / 0.5) * self._white_below(u)
        )
        k = (v >= low_edge) & (v < bot)
        vs[k] = start[k] + (v[k] - low_edge[k]) * (bot[k] - start[k]) / np.maximum(
            bot[k] - low_edge[k], 1e-6
        )
        if closure > 0:
            vs = vs + self._outer_pull(u, v, closure)
        seen = (v >= edge) & (v < low_edge)
        if (gaze_px[0] or gaze_px[1]) and seen.any():
            gu, gv = gaze_px
            r = np.hypot(u[seen] - self.iris_uv[0] - gu, v[seen] - self.iris_uv[1] - gv)
            w = 1.0 - smoothstep((r - self.iris_radius) / (0.9 * self.iris_radius))
            us[seen] = u[seen] - gu * w
            vs_seen = v[seen] - gv * w
            up_s = np.interp(us[seen], self.u_grid, self.upper, left=0.0, right=0.0)
            lo_s = np.interp(us[seen], self.u_grid, self.lower, left=0.0, right=0.0)
            vs[seen] = np.clip(vs_seen, up_s + 0.5, np.maximum(lo_s - 0.5, up_s + 0.5))
        source = self.frame.to_xy(us, vs)
        lid = (
            self._lid_layer(u, v, up, (edge, low_edge), closure, source) if closure > 0.01 else None
        )
        return source, lid

    def _white_below(self, u: np.ndarray) -> np.ndarray:
        """``white_below`` at ``u``, fading out a tenth of an eye past the outer corner
        (where the shut lash line ends)."""
        if self.white_below is None:
            return np.zeros_like(u)
        return np.interp(
            u,
            np.concatenate([[-0.1 * self.length], self.u_grid]),
            np.concatenate([[0.0], self.white_below]),
            right=0.0,
        )

    def _outer_pull(self, u: np.ndarray, v: np.ndarray, closure: float) -> np.ndarray:
        """Vertical sampling offset that draws the skin past the outer corner down with the lid.

        Lashes and liner that flare up beyond the corner go down with a closing lid; left
        where they were, they float above the shut eye. The skin above the corner's line
        is drawn towards it, most at the corner, fading out a third of an eye further and
        towards the brow. The offset is ``pull * v * (1 - t)^2`` at a height ``t`` (0 at the
        line, 1 at 1.25 lids' skin above it, about the brow, which does not move), so the
        map's slope ``1 + pull * (1 - t)(1 - 3t)`` stays at least ``1 - pull / 3``: monotone,
        no fold, for a pull under 3.
        """
        reach = OUTER_REACH * self.length
        along = np.where(
            u < 0,
            1.0 - smoothstep(-u / reach),
            1.0 - smoothstep(u / (0.5 * reach)),
        )
        above = np.minimum(v, 0.0)
        height = (1.0 - np.clip(-above / (1.25 * self.skin_up), 0.0, 1.0)) ** 2
        return OUTER_PULL * closure * along * height * above

    def _lash_darkness(self, u: np.ndarray) -> np.ndarray:
        """How dark the shut lash line is along the eye (0..1): full from corner to corner,
        fading to nothing over the lid's reach past each corner.

        A closed eye's lash line is the lid's margin: it thins towards the corners but
        stays as dark as in the middle right into them. Faded with the line's thinning
        (up to round 18), it went grey as well as thin over its last fifth of an eye at
        each end (half its darkness at the corners), and an independent landmark model
        read those eyes as less shut: its shut/open eye ratio on sixteen shared photos,
        stills at closure 0.9 and 1 under six sub-pixel sways, went 0.71 -> 0.66 (shut) and
        0.76 -> 0.69 (0.9) on the five whose blink it missed, 0.50 -> 0.49 on the rest.
        """
        past = LID_PAST_CORNER * self.length
        return smoothstep((u + past) / past) * smoothstep((self.length + past - u) / past)

    def _lid_layer(self, u, v, up, edges, closure: float, source) -> LidLayer:  # type: ignore[no-untyped-def]
        """The upper lid, crease to a lash line that has travelled ``closure`` of the way down."""
        edge, low_edge = edges
        # The lid band above the lashes is covered out to a little past the corners
        # (its fold, shadow and lash wing would read as an open eye), fading to nothing.
        past = LID_PAST_CORNER * self.length
        reach = np.clip((u + past) / (self.length + 2.0 * past), 0, 1)
        taper = np.sqrt(np.clip(np.sin(np.pi * reach), 0, 1))
        # The lid narrows to nothing at the eye's corners.
        lid_h = np.maximum(up - np.interp(u, self.u_grid, self.crease), 0.12 * self.length)
        reach = np.maximum(up - np.interp(u, self.u_grid, self.lid_top), lid_h)
        # The photo's own lash line is left behind, little by little, so an opening lid
        # ends exactly on the photo; the lid above it is what slides down, and the
        # crease above that flattens as the lid unfolds.
        ramp = smoothstep(closure / 0.35)
        crease = up - taper * (lid_h + (reach - lid_h) * ramp)
        lid_end = up - self.lash_px * ramp * taper
        s = np.clip((v - crease) / np.maximum(edge - crease, 1e-6), 0.0, 1.0)
        span = np.maximum(lid_end - crease, 1.0)
        cover = np.clip(edge - v + 0.5, 0.0, 1.0) * smoothstep((v - crease) / (0.7 * span))
        # The lash line: thicker as it closes, thinner to the corners; lashes point down.
        # Its half-darkness width is 1.82 ``thick`` (the profile falls to a half at 0.91
        # ``thick`` either side of its middle): shut, ``shut_line_px`` where that is set.
        thick = max(0.8, 0.6 * self.lash_px)
        if self.shut_line_px is not None:
            thick = self.shut_line_px / (SHUT_LINE_PER_THICK * 1.4)
        thick *= (1.0 + 0.4 * closure) * taper
        line = np.exp(-(((v - (edge - 0.5 * thick)) / np.maximum(thick, 0.5)) ** 4))
        drop = 0.07 * self.length * closure * taper
        lashes = 0.3 * np.exp(-((np.maximum(v - edge, 0.0) / np.maximum(drop, 0.3)) ** 2))
        lash = ramp * self._lash_darkness(u) * np.maximum(line, lashes * (v >= edge))
        # The slit a nearly closed lid leaves lies in its shadow, under its lashes: lit as
        # the open eye's lower white is, it showed as a white sliver under the lash line
        # (liveportrait_s4 and sadtalker_art_0, closure 0.8-0.9). It darkens as it narrows,
        # to near the lash colour where the lid is about to meet the lower lid; shut, there
        # is no slit and nothing changes.
        gap = np.clip(low_edge - edge, 0.0, 1.0)  # a slit under a pixel tall shades less
        # The slit is shaded in full wherever ``backward`` shows the eye (pixel centres
        # above the lower lid's edge). Shaded by its overlap with the edge, the lowest row
        # was half lit, a line in the open eye's colour (the blue of sadtalker_art_9's iris
        # at closure 0.9); shaded in full, the edge stepped from pixel to pixel. The share
        # of that row below the edge takes the lower lid's colour from the pixel under it.
        eye_px = (v >= edge) & (v < low_edge)
        slit = np.where(eye_px, 1.0, np.clip(low_edge - v + 0.5, 0.0, 1.0) * (v >= edge)) * gap
        under = eye_px * np.clip(v - low_edge + 0.5, 0.0, 1.0)
        shade = SLIT_SHADE * smoothstep((closure - 0.5) / 0.4) * smoothstep(taper / 0.5) * slit
        cover = cover * smoothstep(taper / 0.5)
        bulge = 1.0 + 0.05 * closure * np.sin(np.pi * s)
        margin = np.exp(-(((edge - v) / (0.08 * self.length + 0.5)) ** 2))
        shadow = 1.0 - MARGIN_SHADE * closure * margin
        return LidLayer(
            u,
            s,
            self.frame.to_xy(u, v),
            cover * ramp,
            lash,
            bulge * shadow,
            source,
            # The fold above the lid smooths out as the lid unfolds over the eye.
            float(smoothstep((closure - 0.2) / 0.6)),
            shade,
            under=under,
            down=(float(self.frame.ev[0]), float(self.frame.ev[1])),
        )

    def forward(self, points: np.ndarray, closure: float, squint: float) -> np.ndarray:
        """Move mesh vertices: lid skin stretches down, the opening narrows (a monotone map)."""
        u, v = self.frame.to_uv(points)
        up, lo, hgt, edge, low_edge, top, bot = self._lids(u, closure, squint)
        vn = v.copy()
        a = (v >= top) & (v <= up)
        vn[a] = top[a] + (v[a] - top[a]) * (edge[a] - top[a]) / np.maximum(up[a] - top[a], 1e-6)
        b = (v > up) & (v < lo)
        vn[b] = edge[b] + (v[b] - up[b]) * (low_edge[b] - edge[b]) / np.maximum(hgt[b], 1e-6)
        c = (v >= lo) & (v < bot)
        vn[c] = low_edge[c] + (v[c] - lo[c]) * (bot[c] - low_edge[c]) / np.maximum(
            bot[c] - lo[c], 1e-6
        )
        return self.frame.to_xy(u, vn)


def _bowed(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The shallowest bow through a line v(u) (v down, u ascending) that is nowhere above
    it: its least concave majorant (upper hull), straight wherever the line bends back."""
    hull: list[int] = []
    for i in range(u.size):
        while len(hull) >= 2:
            o, a = hull[-2], hull[-1]
            turn = (u[a] - u[o]) * (v[i] - v[o]) - (v[a] - v[o]) * (u[i] - u[o])
            if turn < 0.0:
                break
            hull.pop()
        hull.append(i)
    return np.interp(u, u[hull], v[hull])


def _eye(lm: np.ndarray, outer: int, inner: int, upper, lower, crease, brow, iris) -> EyeFeature:  # type: ignore[no-untyped-def]
    frame = _Frame.between(lm[outer], lm[inner])
    length = float(np.linalg.norm(lm[inner] - lm[outer]))
    grid, up = _profile(frame, lm[list(upper)], length)
    _, lo = _profile(frame, lm[list(lower)], length)
    lo = np.maximum(lo, up)
    _, brow_v = _profile(frame, lm[list(brow)], length)
    gap = float(np.median(up - brow_v))
    skin_up = float(np.clip(0.75 * gap, 0.12 * length, 0.55 * length))
    # The lid's skin: from the ring above the lid line, kept well clear of the brow.
    _, crease_v = _profile(frame, lm[list(crease)], length)
    lid_h = np.clip(up - crease_v, 0.12 * length, min(0.4 * length, 0.6 * max(gap, 1.0)))
    # The closed lid covers the crease too (it flattens as the lid unfolds), never the brow.
    reach = np.minimum((1.0 + CREASE_FLATTENS) * lid_h, np.maximum(LID_UNDER_BROW * gap, lid_h))
    iu, iv = frame.to_uv(lm[iris[0]])
    rim = lm[list(iris[1:])]
    radius = float(np.mean(np.linalg.norm(rim - lm[iris[0]], axis=1)))
    radius = float(np.clip(radius, 0.12 * length, 0.3 * length))
    iris = np.array([float(iu), float(iv)])
    return EyeFeature(
        frame,
        length,
        grid,
        up,
        lo,
        up - lid_h,
        up - reach,
        skin_up,
        LOWER_REACH * length,
        iris,
        radius,
        0.07 * length,
        brow=brow_v,
    )


@lru_cache(maxsize=64)
def _eyes_cached(key: int, lm_bytes: bytes) -> tuple[EyeFeature, EyeFeature]:
    lm = np.frombuffer(lm_bytes, dtype=np.float32).reshape(-1, 3)[:, :2].astype(np.float64)
    right = _eye(
        lm,
        topo.RIGHT_EYE_OUTER,
        topo.RIGHT_EYE_INNER,
        topo.RIGHT_EYE_UPPER_LID,
        topo.RIGHT_EYE_LOWER_LID,
        RIGHT_LID_CREASE,
        topo.RIGHT_BROW_LOWER,
        topo.RIGHT_IRIS,
    )
    left = _eye(
        lm,
        topo.LEFT_EYE_OUTER,
        topo.LEFT_EYE_INNER,
        topo.LEFT_EYE_UPPER_LID,
        topo.LEFT_EYE_LOWER_LID,
        LEFT_LID_CREASE,
        topo.LEFT_BROW_LOWER,
        topo.LEFT_IRIS,
    )
    return right, left


def fit_lids_to_photo(eye: EyeFeature, photo: np.ndarray) -> EyeFeature:
    """Move the lid lines onto the photo's own lid margins where the landmarks fall short.

    Landmarks can sit inside the opening (painted or cartoon eyes with a thick lid
    line); stretching from there would pull white of the eye onto the closed lid.
    The margin is the darkest row just above the upper lid (the lashes) and just
    below the lower one, when it is clearly darker than the skin beyond it. The outer
    corner moves out too where the white of the eye goes on past it.
    """
    eye = _outer_corner_to_photo(eye, photo)
    sharp = cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey = cv2.GaussianBlur(sharp, (0, 0), max(0.6, 0.01 * eye.length))
    hmax = float(np.max(eye.lower - eye.upper))
    if hmax < 3.0:
        return eye
    reach = 0.35 * hmax
    steps = np.linspace(0.0, 1.0, 24)
    upper, lower = eye.upper.copy(), eye.lower.copy()
    taper = np.sqrt(np.sin(np.pi * np.clip(eye.u_grid / eye.length, 0.0, 1.0)))
    for profile, sign in ((upper, -1.0), (lower, 1.0)):
        v = profile[:, None] + sign * reach * steps[None, :]
        lum = eye.frame.sample(grey, np.repeat(eye.u_grid[:, None], steps.size, axis=1), v)
        darkest = np.argmin(lum, axis=1)
        contrast = np.max(lum, axis=1) - np.min(lum, axis=1)
        # Only where the landmark line sits on white of the eye (bright), not on lashes
        # or skin: wrinkles and creases must not pull the lid line.
        on_white = lum[:, :2].mean(axis=1) > np.max(lum, axis=1) - 0.15 * contrast
        shift = np.where((contrast > 25.0) & on_white, sign * reach * steps[darkest], 0.0)
        shift = np.convolve(np.pad(shift, 3, mode="edge"), np.ones(7) / 7, mode="valid")
        profile += shift * taper
        profile[:] = _lid_arc(eye.u_grid, profile, sign)
    eye = dataclasses.replace(eye, upper=upper, lower=np.maximum(lower, upper))
    eye = dataclasses.replace(
        eye, white_below=_white_below(eye, grey), line_px=_lash_line_px(eye, sharp)
    )
    return _below_lower_rim(eye, photo)


def _lid_arc(u: np.ndarray, v: np.ndarray, bulge: float) -> np.ndarray:
    """A lid line v(u) smoothed into one arc through its own two corners.

    A lid margin is a smooth arc: a wrinkle or eye bag that pulled a few samples would
    put a wave in it. Up to round 19 a free quartic smoothed it; it moved the corners off
    the landmarks (up to 1.6 px on sadtalker_art_2) and, on a lower lid fitted onto the
    photo's dark margin (deep in the middle, steep at the corners), overshot: on
    sadtalker_art_18 the lower lid came in flat at the outer corner, sank 1.4 px under
    its own bow in the middle and hooked up over the mesh's line before the inner corner.
    Now the line is the least-squares fit, through both corners, whose curvature is a
    non-negative mix of Bernstein polynomials (``_arc_basis``): it bends one way only
    (``bulge``: -1 up for the upper lid, +1 down for the lower) and is as smooth as a
    polynomial of degree ``ARC_BEND_DEGREE`` + 2.
    """
    s = (u - u[0]) / max(float(u[-1] - u[0]), 1e-6)
    chord = v[0] + (v[-1] - v[0]) * s
    basis = bulge * _arc_basis(s)
    weights = scipy.optimize.nnls(basis, v - chord)[0]
    return chord + basis @ weights


def _arc_basis(s: np.ndarray) -> np.ndarray:
    """Columns: arcs on s in [0, 1], zero at both ends, bulging up (positive) with the
    curvature of one Bernstein polynomial of degree ``ARC_BEND_DEGREE`` each."""
    n = ARC_BEND_DEGREE
    columns = []
    for j in range(n + 1):
        rising, falling = poly.polypow([0.0, 1.0], j), poly.polypow([1.0, -1.0], n - j)
        bend = comb(n, j) * poly.polymul(rising, falling)
        twice = poly.polyint(bend, 2)
        columns.append(poly.polyval(1.0, twice) * s - poly.polyval(s, twice))
    return np.stack(columns, axis=1)


def matched_lines(right: EyeFeature, left: EyeFeature) -> tuple[EyeFeature, EyeFeature]:
    """Both eyes with one shut lash line: as fine as the face's own lines where those are
    clearly finer than the rule.

    Each eye's own line over the rule's width (the rule where it is not measured), the
    mean of the two eyes: one cartoon's two drawn liners measure 0.68 and 1.0 of the rule
    (liveportrait_s7, its lashes drawn into one), and one eye shut with a fine line and
    the other with a heavy one looks wrong. Below 0.8 (a fifth finer than the rule: more
    than the measure's scatter along one line), both shut lines take that share of their
    rule; otherwise the rule stands.
    """
    own = [1.0 if e.line_px is None else e.line_px / e.rule_line_px() for e in (right, left)]
    share = float(np.mean(own))
    if share >= 0.8:
        return right, left

    def shut(eye: EyeFeature) -> EyeFeature:
        return dataclasses.replace(eye, shut_line_px=share * eye.rule_line_px())

    return shut(right), shut(left)


def _white_below(eye: EyeFeature, grey: np.ndarray) -> np.ndarray:
    """How far below the lower lid line the photo's lower margin lies, px on ``u_grid``.

    The lid lines meet at the mesh's corners, but a painted eye's white can go on below
    the lower lid line near its outer corner (liveportrait_s4), where the lid fit tapers
    to nothing; the rising lower lid took its skin from there and left a white fleck
    under the shut lash line. Measured like the fit, only where the lower lid line sits
    on white (the lightest place in its column) over a clearly darker margin, and only
    near the outer corner: further in, the rising lower lid already takes its skin from
    well below its line.
    """
    length = eye.length
    steps = np.linspace(0.0, 0.3 * length, 25)
    v = eye.lower[:, None] + steps[None, :]
    lum = eye.frame.sample(grey, np.repeat(eye.u_grid[:, None], steps.size, axis=1), v)
    near = steps <= 0.2 * length
    darkest = np.argmin(lum[:, near], axis=1)
    dark = lum[np.arange(lum.shape[0]), darkest]
    contrast = np.max(lum[:, near], axis=1) - dark
    on_white = lum[:, :2].mean(axis=1) > np.max(lum[:, near], axis=1) - 0.15 * contrast
    # A margin is a dark line (a quarter darker than the white), with skin lighter
    # again beyond it; the shadow of a cheek only darkens on down, and the wrinkles
    # under an old eye are faint (sadtalker_art_0).
    beyond = np.where(np.arange(steps.size)[None, :] > darkest[:, None], lum, -np.inf)
    line = (np.max(beyond, axis=1) - dark >= 0.2 * contrast) & (dark <= 0.75 * (dark + contrast))
    # A sliver of white right over a drawn lower rim (liveportrait_s7) is already skipped
    # by the lash line; the lashes drawn under that rim stay with the lower lid.
    tall = steps[darkest] >= 1.5 * eye.lash_px
    white = on_white & line & tall
    # White of the eye runs along the lid: a lone column is a speck or a wrinkle caught by
    # a hair's difference in light (sadtalker_art_1's left eye: its lower lid 0.2 px lower
    # made one column pass by 0.7 of a grey level, and the lid took its skin from a wrinkle
    # 0.16 of an eye down, out to the corner: a fold in the lower lid as it rose).
    paired = np.zeros_like(white)
    paired[1:] |= white[:-1]
    paired[:-1] |= white[1:]
    below = np.where(white & paired, steps[darkest] + eye.lash_px, 0.0)
    # Right at the corner the lid lines sit on the drawn corner itself, not on white:
    # the white measured nearest to it goes on out to it.
    found = np.flatnonzero(below[: below.size // 4] > 0)
    if found.size:
        below[: found[0]] = below[found[0]]
    below = np.convolve(np.pad(below, 3, mode="edge"), np.ones(7) / 7, mode="valid")
    return below * (1.0 - smoothstep((eye.u_grid / length - 0.15) / 0.15))


def stroke_widths(grey: np.ndarray, eye: EyeFeature, u: np.ndarray, v: np.ndarray) -> list[float]:
    """Full widths at half darkness (px) of a dark stroke crossing the columns ``u`` near
    ``v`` (both on the eye's frame, (n,)), in the columns where it is a clean stroke:
    lighter on both sides within a twelfth of an eye, by 30 grey levels or more."""
    step = 0.25
    off = np.arange(-0.15 * eye.length, 0.15 * eye.length, step)
    lum = eye.frame.sample(grey, np.repeat(u[:, None], off.size, axis=1), v[:, None] + off[None, :])
    near = np.flatnonzero(np.abs(off) <= 0.06 * eye.length)
    reach = max(2, int(eye.length / 12 / step))
    widths = []
    for row in lum:
        i = int(near[np.argmin(row[near])])
        dark = float(row[i])
        above, below = row[max(0, i - reach) : i + 1], row[i : i + reach + 1]
        if min(float(above.max()), float(below.max())) - dark < 30.0:
            continue
        top = np.flatnonzero(above >= (dark + float(above.max())) / 2)[-1]
        bottom = np.flatnonzero(below >= (dark + float(below.max())) / 2)[0]
        if top == 0 or bottom == below.size - 1:
            continue  # the lighter level lies at the window's edge: no clean stroke
        widths.append(float(above.size - 1 - top + bottom) * step)
    return widths


def _lash_line_px(eye: EyeFeature, grey: np.ndarray) -> float | None:
    """The full width at half darkness of the photo's lash line (or painted liner), px.

    Measured across the upper lid line beside the iris (over it the dark runs on), in
    the columns where the line is a clean stroke with lighter skin above and white of
    the eye below (``stroke_widths``); None where fewer than six are. The shut lid's
    lash line is drawn from a rule of the eye's length; a painting's fine liner
    (sadtalker_art_3) is much thinner than that rule, and a shut line fatter than the
    open eye's own liner reads as a band, soft and heavy, not as a closed eye.
    """
    keep = (eye.u_grid > 0.1 * eye.length) & (eye.u_grid < 0.9 * eye.length)
    keep &= np.abs(eye.u_grid - eye.iris_uv[0]) > 1.1 * eye.iris_radius
    widths = stroke_widths(grey, eye, eye.u_grid[keep], eye.upper[keep])
    return float(np.median(widths)) if len(widths) >= 6 else None


def _below_lower_rim(eye: EyeFeature, photo: np.ndarray) -> EyeFeature:
    """The eye with its rising lower lid taking its skin from below the photo's lower rim.

    The face mesh can put a painted eye's lower lid line at the iris, above a coloured
    lower rim (sadtalker_art_9: an orange waterline a sixth of an eye tall); the shut lid
    took its skin from just under the line and left the open eye's rim under the lash
    line. The rim is found by colour: a run, from the lid line down, of pixels whose
    colour (a*, b*) lies far from the skin's under the eye; shading alone is no rim (an
    eye bag, a shadow). Where it reaches below the share of the opening the lower lid
    already skips, that part is skipped too, and the skin below is drawn from further
    down, so that it is stretched no more than the lower lid's skin always is (about
    twice): round 13 tried skipping the rim alone, and the skin came out in streaks.
    """
    length = eye.length
    sigma = max(0.6, 0.01 * length)
    lab = cv2.GaussianBlur(cv2.cvtColor(photo, cv2.COLOR_RGB2LAB).astype(np.float32), (0, 0), sigma)
    ab = np.ascontiguousarray(lab[..., 1:])
    u, v = np.meshgrid(np.linspace(0.1, 0.9, 12) * length, np.linspace(0.35, 0.55, 4) * length)
    skin = np.median(eye.frame.sample(ab, u, v + np.interp(u, eye.u_grid, eye.lower)), axis=(0, 1))
    steps = np.arange(0.0, 0.3 * length, 0.5)
    uu = np.repeat(eye.u_grid[:, None], steps.size, axis=1)
    colour = eye.frame.sample(ab, uu, eye.lower[:, None] + steps[None, :])
    off = np.linalg.norm(colour - skin, axis=2) > RIM_COLOUR
    # The rim goes down to its deepest coloured pixel that is still mostly rim above (the
    # iris's dark red right under the line is greyer than the rim's middle).
    share = np.cumsum(off, axis=1) / np.arange(1, steps.size + 1)
    deepest = np.where(off & (share >= 0.5), np.arange(steps.size)[None, :], -1).max(axis=1)
    rim = np.where(deepest >= 0, steps[np.maximum(deepest, 0)] + 2.0 * sigma, 0.0)
    rim = np.convolve(np.pad(rim, 3, mode="edge"), np.ones(7) / 7, mode="valid")
    skipped = LOWER_SKIP * (eye.lower - eye.upper)
    if np.count_nonzero(rim > skipped) < eye.u_grid.size // 4:
        return eye
    white = np.zeros_like(rim) if eye.white_below is None else eye.white_below
    below = np.maximum(np.where(rim > skipped, rim, 0.0), white)
    # The skin from the lid line down to ``skin_down`` is squeezed up over what the lower
    # lid skips, stretched about twice over; skipping more, it reaches further down, so
    # that it is stretched no more than that.
    low_edge = -(1.0 - CLOSE_AT) * (eye.lower - eye.upper)
    skin_down = max(eye.skin_down, float(np.max(2.0 * below - low_edge)))
    return dataclasses.replace(eye, white_below=below, skin_down=skin_down)


def _outer_corner_to_photo(eye: EyeFeature, photo: np.ndarray) -> EyeFeature:
    """The eye with its outer corner where the photo's white of the eye, or the black of
    its shadowed corner, ends.

    On cartoon and painted eyes the face mesh can put the outer corner well inside the
    drawn eye; a shut lid then left a white wedge past it. The white of the eye is told
    from skin by colour (nearly grey against skin's warmth) where the photo's sclera is
    clearly less colourful than its skin and about as light. A black-and-white or sepia
    print has no such colour: there the white counts only where it ends at the drawn
    eye's dark outline (``_outline_middle``). The black is the opening's own
    (``_black_reach``), only where that is under a quarter as light as the skin under
    the eye (a grey, faded or tiny eye has no such black).
    """
    length = eye.length
    sigma = max(0.6, 0.01 * length)
    # Only the eye's surroundings: past its outer corner, and down to the skin under it.
    x0, y0, x1, y1 = eye.frame.box(-0.4 * length, 1.1 * length, -0.8 * length, 1.2 * length)
    h, w = photo.shape[:2]
    pad = int(4 * sigma) + 2
    x0, y0 = max(0, int(x0) - pad), max(0, int(y0) - pad)
    x1, y1 = min(w, int(x1) + pad + 1), min(h, int(y1) + pad + 1)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return eye
    lab = cv2.cvtColor(np.ascontiguousarray(photo[y0:y1, x0:x1]), cv2.COLOR_RGB2LAB)
    lab = cv2.GaussianBlur(lab.astype(np.float32), (0, 0), sigma)
    lum = np.ascontiguousarray(lab[..., 0])
    chroma = np.hypot(lab[..., 1] - 128.0, lab[..., 2] - 128.0)

    def at(image: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return eye.frame.sample(image, u, v, (x0, y0))

    # The white of the eye: the lightest quarter of the opening's outer third.
    u, t = np.meshgrid(np.linspace(0.03, 0.3, 12) * length, np.linspace(0.25, 0.75, 5))
    up, lo = (np.interp(u, eye.u_grid, p) for p in (eye.upper, eye.lower))
    l_in, c_in = at(lum, u, up + t * (lo - up)), at(chroma, u, up + t * (lo - up))
    light = l_in >= np.percentile(l_in, 75)
    white_l, white_c = float(np.median(l_in[light])), float(np.median(c_in[light]))
    # The skin under the eye.
    u, v = np.meshgrid(np.linspace(0.1, 0.9, 12) * length, np.linspace(0.35, 0.55, 4) * length)
    v = v + np.interp(u, eye.u_grid, eye.lower)
    skin_l, skin_c = float(np.median(at(lum, u, v))), float(np.median(at(chroma, u, v)))
    black = float(np.percentile(l_in, 10))
    reach = 0.0
    if black <= 0.25 * skin_l:
        reach = _black_reach(lambda u, v: at(lum, u, v), black, length)
    if white_l >= skin_l - 25.0:
        # Out along the corner's line (and just above and below it), as far as it stays white.
        u, v = np.meshgrid(
            -np.arange(0.0, 0.25 * length, 0.5), np.array([-0.03, 0.0, 0.03]) * length
        )
        by_colour = white_c <= skin_c - 12.0
        white = at(lum, u, v) >= 0.6 * white_l
        if by_colour:
            white &= at(chroma, u, v) <= white_c + 8.0
        runs = np.where(white.all(axis=1), white.shape[1], np.argmin(white, axis=1))
        ends = [float(-u[0, max(int(run) - 1, 0)]) for run in runs]
        if not by_colour:

            def along(at_v: float) -> Callable[[np.ndarray], np.ndarray]:
                return lambda u: at(lum, u[None], np.full((1, u.size), at_v))[0]

            # Each line's own run: the one beside a thin outline runs on past it.
            ends = [
                _outline_middle(along(float(at_v)), white_l, end, length)
                for at_v, end in zip(v[:, 0], ends, strict=True)
            ]
        reach = max(reach, *ends)
    if reach < 0.03 * length:
        return eye
    # A little into the drawn rim: the shut lid's line thins to nothing at its corner.
    return _with_outer_corner_out(eye, reach + 0.03 * length)


def _outline_middle(
    lum_at: Callable[[np.ndarray], np.ndarray], white_l: float, end: float, length: float
) -> float:
    """Where (px past the mesh's outer corner) the drawn eye's dark outline that stops a
    light run out along the corner's line lies; 0 where the run stops at no outline.

    An outline is a stroke under ``OUTLINE_DARK`` of the white's lightness within
    ``OUTLINE_GAP`` eye lengths past the run's ``end``, with skin as light as the white
    again within ``OUTLINE_BEYOND`` (a line, not a shadow that goes on). In grey the white
    of the eye and the skin past a real eye's corner are the same light, so a run that
    ends nowhere, or fades into shade, is skin: the mesh's corner stands. A cartoon's
    drawn corner (liveportrait_s7 in grey) is a black stroke a twentieth of an eye past
    where its white ends, skin as light as that white beyond it. The stroke's darkest
    point, not the run's end, is the corner: where a dim white falls under the run's
    threshold moves with the print's contrast. ``lum_at(u)``: the photo's L at u along
    the run's row (u < 0 past the corner).
    """
    if end < 0.03 * length:
        return 0.0
    step = 0.5
    past = end + np.arange(0.0, OUTLINE_BEYOND * length, step)
    lum = lum_at(-past)
    darkest = int(np.argmin(lum[: int(OUTLINE_GAP * length / step) + 1]))
    if lum[darkest] > OUTLINE_DARK * white_l or not np.any(lum[darkest:] >= 0.6 * white_l):
        return 0.0
    return float(past[darkest])


def _black_reach(
    lum_at: Callable[[np.ndarray, np.ndarray], np.ndarray], black: float, length: float
) -> float:
    """How far past the outer corner (px) the opening goes on as black as its darkest.

    A painted eye's outer corner in deep shadow (sadtalker_art_9's left eye) stays as
    black as the darkest tenth of the opening's outer third for a fifth of an eye past
    the mesh's corner; shut, the lid stopped at the mesh's corner and that black was left
    as a smudge on the end of the lash line. It counts where it is that black (within 10
    levels of L) over a fifth of an eye's height, taller than a lash line or a liner's
    wing, and only where it ends within a third of an eye: a shadow that goes on further
    is the face's, not the eye's. ``lum_at(u, v)``: the photo's L at (u, v).
    """
    u, v = np.meshgrid(-np.arange(0.0, 0.35 * length, 0.5), np.linspace(-0.1, 0.1, 5) * length)
    dark: np.ndarray = np.all(lum_at(u, v) <= black + 10.0, axis=0)
    if dark.all() or not dark[0]:
        return 0.0
    return float(-u[0, int(np.argmin(dark)) - 1])


def _with_outer_corner_out(eye: EyeFeature, reach: float) -> EyeFeature:
    """The eye with its outer corner ``reach`` px further out along its own axis; the lid
    lines run straight from the new corner to where the old ones leave the old corner."""
    grid = np.linspace(0.0, eye.length + reach, eye.u_grid.size)
    old_u = grid - reach
    knot = eye.u_grid >= 0.12 * eye.length

    def wedge(profile: np.ndarray) -> np.ndarray:
        return np.interp(
            old_u,
            np.concatenate([[-reach], eye.u_grid[knot]]),
            np.concatenate([[0.0], profile[knot]]),
        )

    frame = _Frame(eye.frame.origin - reach * eye.frame.eu, eye.frame.eu, eye.frame.ev)
    return dataclasses.replace(
        eye,
        frame=frame,
        length=eye.length + reach,
        u_grid=grid,
        upper=wedge(eye.upper),
        lower=np.maximum(wedge(eye.lower), wedge(eye.upper)),
        crease=np.interp(old_u, eye.u_grid, eye.crease),
        lid_top=np.interp(old_u, eye.u_grid, eye.lid_top),
        brow=None if eye.brow is None else np.interp(old_u, eye.u_grid, eye.brow),
        iris_uv=eye.iris_uv + np.array([reach, 0.0]),
    )


def eye_features(face_rig) -> tuple[EyeFeature, EyeFeature]:  # type: ignore[no-untyped-def]
    """(right eye, left eye) of a face (person's own sides)."""
    lm = np.ascontiguousarray(face_rig.landmarks, dtype=np.float32)
    return _eyes_cached(face_rig.index, lm.tobytes())


@dataclass(frozen=True, eq=False)
class MouthLayer:
    """The opening between the lips of one frame, over the output pixels it may cover.

    ``across`` is the position along the mouth (0 and 1 at the corners), ``below``
    the distance under the upper lip's inner edge and ``opening`` the gap between
    the lips there, in pixels; ``cavity`` is where the inside shows; ``grain_xy``
    where the photo's own grain for it is taken from; ``seam`` how much of the photo's
    dark line between the lips the top of the opening covers (above the parting), px.
    """

    across: np.ndarray
    below: np.ndarray
    opening: np.ndarray
    cavity: np.ndarray
    grain_xy: np.ndarray  # (..., 2)
    seam: np.ndarray


@dataclass(frozen=True, eq=False)
class MouthFeature:
    frame: _Frame
    width: float  # corner to corner, px
    u_grid: np.ndarray
    inner_up: np.ndarray
    inner_lo: np.ndarray
    outer_up: np.ndarray
    outer_lo: np.ndarray
    chin_v: float
    lower_ids: np.ndarray  # landmark ids that always go with the jaw
    upper_ids: np.ndarray
    max_drop_px: float  # jaw drop at jaw_open = 1
    # Lips already apart over a dark gap (no teeth in the photo): the mouth opens from
    # the upper lip, so the painted inside covers the photo's gap.
    part_at_upper: bool = False
    # How far above the parting line the photo's dark line between the lips reaches, on
    # u_grid (``fit_mouth_to_photo``): the opening covers all of it. None: not measured.
    seam_px: np.ndarray | None = None

    @property
    def rest_gap_px(self) -> float:
        return float(np.max(self.inner_lo - self.inner_up))

    def box(self) -> tuple[float, float, float, float]:
        w = self.width
        return self.frame.box(
            -0.6 * w, 1.6 * w, float(self.outer_up.min()) - 0.5 * w, self.chin_v + 1.0 * w
        )

    def parting(self, u: np.ndarray) -> np.ndarray:
        """Where the lips part, v at ``u``: at the lower lip, so teeth already showing
        (a smile) stay whole with the upper jaw and the opening appears beneath them."""
        inner_up = np.interp(u, self.u_grid, self.inner_up, left=0.0, right=0.0)
        inner_lo = np.interp(u, self.u_grid, self.inner_lo, left=0.0, right=0.0)
        gap = inner_lo - inner_up
        return inner_up + 0.15 * gap if self.part_at_upper else inner_lo - 0.15 * gap

    def _profiles(self, u: np.ndarray, fp: FaceParams):  # type: ignore[no-untyped-def]
        w = self.width
        centre = 0.5 * w
        narrow = 1.0 + 0.35 * fp.lip_round
        x = np.clip((centre + (u - centre) * narrow) / w, 0.0, 1.0)
        t_open = np.sin(np.pi * x) ** 0.8
        t_chin = 1.0 - smoothstep((np.abs(u - centre) - 0.45 * w) / (0.5 * w))
        mid = self.parting(u)
        outer_lo = np.interp(u, self.u_grid, self.outer_lo, left=0.0, right=0.0)
        outer_up = np.interp(u, self.u_grid, self.outer_up, left=0.0, right=0.0)
        return t_open, t_chin, mid, outer_lo, outer_up

    def _amounts(self, fp: FaceParams) -> tuple[float, float]:
        jaw = self.max_drop_px * max(fp.jaw_open, 0.0)
        return jaw, 0.06 * self.width * max(fp.upper_lip_raise, 0.0)

    def _lower_shift(self, u, v, t_open, t_chin, outer_lo, jaw):  # type: ignore[no-untyped-def]
        w = self.width
        beta = smoothstep((v - outer_lo) / (0.35 * w))
        decay = 1.0 - smoothstep((v - self.chin_v) / (0.9 * w))
        return jaw * (t_open * (1 - beta) + t_chin * beta) * decay

    def _upper_shift(self, v, t_open, outer_up, raise_px):  # type: ignore[no-untyped-def]
        ramp = smoothstep((v - (outer_up - 0.4 * self.width)) / (0.4 * self.width))
        return raise_px * t_open * ramp

    def _spread(self, u, v, mid, fp: FaceParams):  # type: ignore[no-untyped-def]
        k = 0.08 * fp.lip_width - 0.1 * fp.lip_round
        if not k:
            return np.zeros_like(u)
        centre = 0.5 * self.width
        g = np.exp(
            -(((u - centre) / (0.8 * self.width)) ** 2) - (((v - mid) / (0.45 * self.width)) ** 2)
        )
        return k * (u - centre) * g

    def backward(self, q: np.ndarray, fp: FaceParams) -> tuple[np.ndarray, MouthLayer]:
        """Photo positions for output positions q (..., 2), and the opening between the lips."""
        u, v = self.frame.to_uv(q)
        spread = self._spread(u, v, np.interp(u, self.u_grid, self.inner_up, left=0, right=0), fp)
        us = u - spread
        t_open, t_chin, mid, outer_lo, outer_up = self._profiles(us, fp)
        jaw, raise_px = self._amounts(fp)
        lower = v.copy()
        for _ in range(4):
            lower = v - self._lower_shift(us, lower, t_open, t_chin, outer_lo, jaw)
        upper = v.copy()
        for _ in range(4):
            upper = v + self._upper_shift(upper, t_open, outer_up, raise_px)
        top = mid - raise_px * t_open  # cavity between the lips' new inner edges
        bottom = mid + jaw * t_open
        vs = np.where(
            v >= 0.5 * (top + bottom), np.maximum(lower, mid + 1e-3), np.minimum(upper, mid)
        )
        # The photo's dark line where the lips meet stays on the upper lip's edge as it
        # lifts; the inside covers it (a black seam over the teeth reads as a slot).
        seam = 0.0 if self.seam_px is None else np.interp(us, self.u_grid, self.seam_px)
        seam = np.minimum(np.maximum(0.02 * self.width, seam), 0.25 * (bottom - top))
        top = top - seam
        cavity = np.clip(np.minimum(v - top, bottom - v) + 0.5, 0.0, 1.0)
        cavity[(bottom - top) < 0.3] = 0.0
        # The skin under the lower lip lends the cavity its grain (never a lip edge).
        grain = self.frame.to_xy(us, v - top + np.interp(us, self.u_grid, self.outer_lo) + 2.0)
        layer = MouthLayer(us / self.width, v - top, bottom - top, cavity, grain, seam)
        return self.frame.to_xy(us, vs), layer

    def forward(self, points: np.ndarray, fp: FaceParams, first_vertex: int) -> np.ndarray:
        """Jaw and lips on mesh vertices (lip landmarks decide which side they are on)."""
        jaw, raise_px = self._amounts(fp)
        if not (jaw or raise_px or fp.lip_width or fp.lip_round):
            return points
        u, v = self.frame.to_uv(points)
        t_open, t_chin, mid, outer_lo, outer_up = self._profiles(u, fp)
        box = self.box()
        near = (
            (points[:, 0] >= box[0])
            & (points[:, 0] <= box[2])
            & (points[:, 1] >= box[1])
            & (points[:, 1] <= box[3])
        )
        is_lower = v > mid
        is_lower[first_vertex + self.lower_ids] = True
        is_lower[first_vertex + self.upper_ids] = False
        vn = np.where(
            is_lower,
            v + self._lower_shift(u, v, t_open, t_chin, outer_lo, jaw),
            v - self._upper_shift(v, t_open, outer_up, raise_px),
        )
        un = u + self._spread(u, v, mid, fp)
        out = points.copy()
        out[near] = self.frame.to_xy(un[near], vn[near])
        return out


@lru_cache(maxsize=64)
def _mouth_cached(key: int, lm_bytes: bytes) -> MouthFeature:
    lm = np.frombuffer(lm_bytes, dtype=np.float32).reshape(-1, 3)[:, :2].astype(np.float64)
    a, b = lm[topo.MOUTH_RIGHT_CORNER], lm[topo.MOUTH_LEFT_CORNER]
    frame = _Frame.between(a, b)
    width = float(np.linalg.norm(b - a))
    grid, iu = _profile(frame, lm[list(topo.LIPS_INNER_UPPER)], width)
    _, il = _profile(frame, lm[list(topo.LIPS_INNER_LOWER)], width)
    _, ou = _profile(frame, lm[list(topo.LIPS_OUTER_UPPER)], width)
    _, ol = _profile(frame, lm[list(topo.LIPS_OUTER_LOWER)], width)
    il = np.maximum(il, iu)
    _, chin = frame.to_uv(lm[topo.CHIN])
    lower = np.array(sorted(set(topo.LIPS_INNER_LOWER[1:-1]) | set(topo.LIPS_OUTER_LOWER[1:-1])))
    upper = np.array(sorted(set(topo.LIPS_INNER_UPPER) | set(topo.LIPS_OUTER_UPPER)))
    # The widest believable opening: under a third of the mouth's width, and no more than
    # a fifth of nose-to-chin (a wide smile has a wide mouth but not a longer jaw).
    nose_chin = float(np.linalg.norm(lm[topo.CHIN] - lm[topo.NOSE_TIP]))
    drop = min(0.4 * width, 0.28 * nose_chin)
    return MouthFeature(frame, width, grid, iu, il, ou, ol, float(chin), lower, upper, drop)


# The most of the upper lip's height (at rest) that the opening may cover as the photo's
# dark line between the lips: the rest is lip.
SEAM_SHARE_OF_LIP = 0.25


def fit_mouth_to_photo(mouth: MouthFeature, photo: np.ndarray) -> MouthFeature:
    """Measure how far the photo's dark line between the lips reaches above the parting.

    Closed lips meet in a shadow a few pixels tall; left on the upper lip's edge as the
    mouth opens, it draws a black rim over the teeth (the mouth reads as a slot). Its
    top, all along the mouth, is where each column, going up from its darkest row near
    the parting, gets three quarters of the way back to the tone above it (the upper
    lip, or the photo's own teeth: a smile's dark line under its teeth is covered too).
    """
    w = mouth.width
    if w < 8.0:
        return mouth
    grey = cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY).astype(np.float32)
    u = mouth.u_grid
    dv = np.arange(-0.1 * w, 0.03 * w, 0.5)
    v = mouth.parting(u)[:, None] + dv[None, :]
    lum = mouth.frame.sample(grey, np.repeat(u[:, None], dv.size, axis=1), v)
    # Each column with its neighbours: one noisy column must not set its own depth.
    lum = running_median(lum, 3)
    near = np.flatnonzero(np.abs(dv) <= 0.03 * w)
    darkest = near[np.argmin(lum[:, near], axis=1)]
    dark = lum[np.arange(u.size), darkest]
    lip = np.median(lum[:, dv <= -0.06 * w], axis=1)
    back = dark + 0.75 * (lip - dark)
    rows = np.arange(dv.size)[None, :]
    above = (lum >= back[:, None]) & (rows <= darkest[:, None])
    top = np.max(np.where(above, rows, 0), axis=1)
    seam = np.where((lip - dark >= 10.0) & above.any(axis=1), -dv[top], 0.0)
    # A smooth line: a step in it would put a notch in the teeth painted under it.
    seam = cv2.GaussianBlur(seam.reshape(1, -1), (0, 0), 2.0, borderType=cv2.BORDER_REPLICATE)
    seam = seam.ravel()
    # The upper lip keeps its volume: on a thin, dark upper lip (a painting, a shadowed
    # lip) the whole lip reads as that dark line, and covering it left a thread of lip
    # over the teeth, which an eye (and dlib) took for the teeth being the lip. What
    # stays of the line is the shadow a real upper lip casts on the teeth. Whatever lies
    # between the lips above the parting (a smile's own teeth, the dark line under them)
    # is not lip and may all be covered.
    lip = np.maximum(mouth.inner_up - mouth.outer_up, 0.0)
    between = np.maximum(mouth.parting(u) - mouth.inner_up, 0.0)
    seam = np.minimum(seam, SEAM_SHARE_OF_LIP * lip + between)
    return dataclasses.replace(mouth, seam_px=np.clip(seam, 0.0, 0.06 * w))


def mouth_feature(face_rig) -> MouthFeature:  # type: ignore[no-untyped-def]
    lm = np.ascontiguousarray(face_rig.landmarks, dtype=np.float32)
    return _mouth_cached(face_rig.index, lm.tobytes())

"""Paint the inside of an open mouth in the photo's own tones, grain and softness.

A photo of closed lips has no inside to warp, so it is painted: a throat that
darkens behind everything, upper teeth under the lip (their height from the
mouth's width, following the lip's arc, with faint gaps between them), lower
teeth once the jaw drops far, a tongue rising from the floor of the mouth on
open vowels, shadows under the upper lip and into the corners. Every colour
is mixed from the photo (lips, skin, its brightest skin for the teeth), so a
black-and-white photo stays grey and a sepia one sepia; the photo's grain is
added and the painting is softened as much as the photo is soft.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from engine_edge.analysis import topology as topo
from engine_edge.easing import smoothstep
from engine_edge.perform import FaceParams
from engine_edge.render.features import MouthFeature, MouthLayer

_REFLECT = cv2.BORDER_REFLECT101
# Where the gaps between the upper teeth fall, as shares of the mouth's width from its
# middle (central incisors, laterals, canines, premolars), and how dark they are.
_GAPS = (0.0, 0.085, 0.16, 0.225, 0.285)
_GAP_DARK = (0.16, 0.12, 0.1, 0.08, 0.06)
# How far each of them reaches down, against the central incisors (laterals are shorter,
# canines longer again): the biting edge is a row of teeth, not a clean arc.
_LENGTH = (1.0, 0.88, 0.95, 0.85, 0.8)
# No two teeth are alike: each one's light and length against the row's, from the
# person's right corner to the left (a mirrored row reads as a denture).
_TONE = (0.97, 1.02, 0.98, 1.03, 0.97, 1.02, 0.98, 1.02, 0.99, 1.02, 0.97, 1.0)
_UNEVEN = (0.97, 1.0, 0.96, 1.03, 0.98, 1.0, 0.97, 1.02, 0.99, 0.95, 1.01, 0.98)
# How much lighter than the face's 90th percentile the teeth are at least (enamel
# against skin in the same light).
TEETH_OVER_SKIN = 1.1
# Light reaching the teeth through the gap between the lips. They sit behind the lips, about
# a fifth of the mouth's width back from the lips' front (``LIP_DEPTH``), so a gap ``h``
# (over the mouth's width) lets onto them about h / (h + LIP_DEPTH) of the light in front:
# a barely parted mouth's teeth sit in the lips' shadow and brighten as it opens. They are
# painted in an open mouth's light, reached at ``AJAR_LIT`` (what real talking video
# counts as open starts about there); never under ``GAP_SHADE`` (what the lips and the rest
# of the inside bounce onto them).
LIP_DEPTH = 0.22
AJAR_LIT = 0.15
GAP_SHADE = 0.5
# How far, in hue, the light the lips bounce may turn teeth in their shadow from the skin's
# own hue (CIELAB degrees). Orange-red lips on warm skin (s5, s7) turn them 12-13 degrees: a
# darker, warmer tooth. Pink painted lips on a pale or yellow face turned them 19-39 degrees,
# to the lips' pink (art_2, art_9): they read as gums, not teeth.
BOUNCE_TURN_DEG = 15.0
# The jaw opening (share of the widest, 0..1) from which the lower teeth rise into view,
# a smile's too. A smile's rose from 0.15: on dlib_2008 the syllables (jaw 0.15-0.45, most
# of a line) then showed teeth from lip to lip and read as a closed smile, to a person and
# to dlib (its inner lower lip sat on the lower teeth's tips).
LOWER_TEETH_FROM_JAW = 0.3


@dataclass(frozen=True, eq=False)
class MouthPaint:
    """What one face's mouth interior is painted from (found once per photo)."""

    width_px: float
    throat_rgb: np.ndarray  # (3,) deepest colour, behind the teeth
    edge_rgb: np.ndarray  # (3,) inside, just behind the lips
    teeth_rgb: np.ndarray
    tongue_rgb: np.ndarray
    grain: np.ndarray  # (h, w, 3) float32: the photo's fine texture around the mouth
    origin: tuple[int, int]
    softness_px: float  # how soft the photo's own edges are; the painting matches
    # (n, 3) the photo's own upper teeth along the mouth, corner to corner (gaps darker);
    # empty when it shows none
    own_teeth: np.ndarray
    # How deep the teeth's shading goes (0..1): as deep as the face's own light shapes it
    relief: float
    # (3,) the teeth's colour at the neck against the enamel's: a little more of the
    # photo's own cast (1, 1, 1 in a grey photo)
    neck_tint: np.ndarray
    # (3,) the colour the lips bounce onto teeth in their shadow (``_in_the_gap``), against
    # grey: the lips' own, turned no further from the skin's hue than ``BOUNCE_TURN_DEG``
    # (the rest in the teeth's own cast)
    bounce_tint: np.ndarray

    @property
    def has_teeth(self) -> bool:
        """The photo already shows upper teeth (a smile): they move with the jaw."""
        return len(self.own_teeth) > 0

    def paint(self, region: np.ndarray, layer: MouthLayer, fp: FaceParams) -> None:
        """Lay the inside of the mouth over ``region`` (float32 RGB, in place).

        Only around the opening: the mouth's box is mostly lips, skin and chin, and a
        closed mouth has nothing to paint.
        """
        rows = np.flatnonzero(layer.cavity.any(axis=1))
        cols = np.flatnonzero(layer.cavity.any(axis=0))
        if rows.size == 0:
            return
        margin = int(3.0 * self.softness_px) + 2  # the softening reads this far around
        h, w = layer.cavity.shape
        sl = (
            slice(max(0, rows[0] - margin), min(h, rows[-1] + margin + 1)),
            slice(max(0, cols[0] - margin), min(w, cols[-1] + margin + 1)),
        )
        cut = MouthLayer(*(getattr(layer, f.name)[sl] for f in dataclasses.fields(layer)))
        self._ease_corners(region, layer, fp)  # first: the inside goes over it
        self._paint(region[sl], cut, fp)

    def _ease_corners(self, region: np.ndarray, layer: MouthLayer, fp: FaceParams) -> None:
        """Fade the photo's dark line beyond the corners (and along a smile's sides) as the
        mouth opens.

        Closed lips meet in a line that runs on past the corners (drawn in a painting);
        as the lips part and stretch it thins out, and left as it is it stays beside the
        opening as a dark dash. Only a line well darker than its surroundings is lifted.
        """
        amount = smoothstep(fp.jaw_open / 0.5)
        x, w = layer.across, self.width_px
        if amount <= 0.0 or x.ndim != 2:
            return
        beyond = np.maximum(-x, x - 1.0)  # past the nearest corner, shares of the width
        zone = smoothstep((beyond + 0.01) / 0.03) * (1.0 - smoothstep((beyond - 0.04) / 0.06))
        zone = zone * np.exp(-((layer.below / max(0.035 * w, 1.5)) ** 2)) * amount
        sigma, pad = max(1.5, 0.05 * w), int(0.12 * w) + 2

        def blurred(r: slice, c: slice) -> np.ndarray:  # the surroundings, away from edges
            r0, c0 = max(0, r.start - pad), max(0, c.start - pad)
            part = cv2.GaussianBlur(region[r0 : r.stop + pad, c0 : c.stop + pad], (0, 0), sigma)
            return part[r.start - r0 : r.stop - r0, c.start - c0 : c.stop - c0]

        _lift(region, zone, blurred)
        if self.has_teeth:
            # Towards a smile's corners, where its teeth do not show, the line where its
            # lips met stays on the upper lip over the biting edges: it thins out into the
            # lip above it.
            side = np.abs(2.0 * np.clip(x, 0.0, 1.0) - 1.0)
            top = np.exp(-(((layer.below + 0.035 * w) / max(0.035 * w, 1.0)) ** 2))
            zone = top * smoothstep((side - 0.2) / 0.3) * (beyond <= 0.0) * amount
            k = max(1, round(0.05 * w))

            def lip_above(r: slice, c: slice) -> np.ndarray:  # k px up
                rows = np.clip(np.arange(r.start, r.stop) - k, 0, None)
                return 0.95 * region[rows, c]

            _lift(region, zone, lip_above)

    def _teeth(self, shade: np.ndarray) -> np.ndarray:
        """Painted teeth under ``shade`` (1 lit .. 0 dark), shaded only as deeply as the
        face's own light shapes it (``relief``)."""
        return self.teeth_rgb * (1.0 - self.relief * (1.0 - shade))[..., None]

    def _in_the_gap(self, teeth: np.ndarray, let_in: float) -> np.ndarray:
        """Painted ``teeth`` in the light ``let_in`` through the gap (``_light_through``).

        What light they lose is partly made up by what the lips and the inside of the mouth
        bounce onto them, in the lips' colour (``bounce_tint``: no pinker than keeps them
        tooth-coloured): teeth only dimmed read as a cold grey band between warm lips (a
        grey photo stays grey: its lips are grey).
        """
        return _lit_through_gap(teeth, self.bounce_tint, let_in)

    def _own_teeth(self, x: np.ndarray, down: np.ndarray) -> np.ndarray:
        """The photo's own teeth at ``x`` along the mouth (0..1), ``down`` their height
        (0 under the lip .. 1 at the parting)."""
        rows, cols = self.own_teeth.shape[:2]
        mx = (x * cols - 0.5).astype(np.float32)
        my = (down * (rows - 1)).astype(np.float32)
        return cv2.remap(self.own_teeth, mx, my, cv2.INTER_LINEAR, borderMode=_REFLECT)

    def _upper_teeth(
        self, below: np.ndarray, length: np.ndarray, side: np.ndarray, along: np.ndarray
    ) -> np.ndarray:
        """The upper teeth's colour ``below`` the lip, ``length`` being how far they reach.

        Lit like teeth inside a mouth, not like a denture row under a lamp: in the upper
        lip's shadow at the top, lightest across the middle of the crowns, falling off
        towards the biting edge into the dark of the throat, the side teeth turning away,
        each tooth a little lighter or darker than its neighbours; warmer at the neck.
        """
        w = self.width_px
        shade = 1.0 - 0.4 * side**2  # the side teeth turn away into the dark
        # The lip's shadow: a narrow band, a share of what shows of the teeth, deeper
        # towards the corners where the lip wraps round them.
        shade = shade * (1.0 - (0.08 + 0.25 * side**2) * np.exp(-below / (0.12 * length + 0.5)))
        fall = smoothstep((below - 0.6 * length) / np.maximum(0.4 * length, 1e-3))
        shade = shade * (1.0 - 0.14 * fall)  # the biting edge is thinner, greyer
        shade = shade * _row(along, w, _SHADE)
        teeth = self._teeth(shade)
        # The neck of a tooth, under the lip, takes more of the photo's cast than its
        # enamel edge (a grey photo stays grey: its cast is grey).
        neck = np.exp(-below / (0.05 * w + 1.0))[..., None]
        return teeth * (1.0 + (self.neck_tint - 1.0) * neck)

    def _paint(self, region: np.ndarray, layer: MouthLayer, fp: FaceParams) -> None:
        w = self.width_px
        # An opening shows what lies behind it once it is a few pixels tall, fewer on a
        # small face (a 3 px gap in a 45 px mouth is wide open; a black slit would read
        # as lips pressed together).
        shows = smoothstep((layer.opening - 1.0) / float(np.clip(0.05 * w, 2.0, 4.0)))
        # Painted teeth are lit by what comes in through the opening as a whole (the
        # corners' narrow ends have their own shade below).
        let_in = _light_through(float(layer.opening.max(initial=0.0)) / w)
        x = np.clip(layer.across, 0.0, 1.0)
        side = np.abs(2.0 * x - 1.0)  # 0 in the middle, 1 at the corners
        a, h = layer.below, np.maximum(layer.opening, 1e-3)
        # The throat is deep only where the opening is: a thin corner or a narrow gap
        # stays in the lips' own shadow rather than going black.
        deep = np.maximum(0.5 * h, 0.05 * w)
        near_lip = np.clip(np.minimum(a, h - a) / deep, 0.0, 1.0)
        # The dark is deepest in the middle, behind the tongue; towards the corners the
        # inside of the cheeks and lips catches the light (one flat tone reads as a hole,
        # black corners as wedges cut into the face).
        corner = smoothstep((side - 0.4) / 0.6)
        near_lip = near_lip * (1.0 - 0.8 * corner)
        throat = self.throat_rgb * (1.0 + 1.2 * side**2)[..., None]
        edge = self.edge_rgb * (1.0 + 0.4 * corner)[..., None]
        colour = edge + (throat - edge) * np.sqrt(near_lip)[..., None]
        # Tongue: a rounded body on the floor of the mouth, lit on top where it faces the
        # opening, its back rounding away into the dark of the throat.
        tongue_amount = smoothstep((fp.jaw_open - 0.2) / 0.35)
        if tongue_amount > 0:
            across = (x - 0.5) / 0.36  # the tongue is narrower than the mouth
            dome = np.clip(1.0 - across**2, 0.0, 1.0) ** 0.6
            tongue_h = h * (0.2 + 0.35 * fp.jaw_open) * tongue_amount * dome
            into = a - (h - tongue_h)
            # No edge at its back, a soft fall-off (a flat slab with a crisp top reads as
            # a painted band); then its lit top, going into the lower lip's shade in front.
            soft = max(1.0, 0.03 * w)
            cover = smoothstep(into / soft + 0.5) * (tongue_h > 0.5)
            t = into / np.maximum(tongue_h, 1e-3)
            lit = smoothstep(t / 0.3) * (1.0 - 0.35 * smoothstep((t - 0.45) / 0.55))
            # Wet: a soft sheen on its crest, towards the middle.
            sheen = 0.2 * np.exp(-(((x - 0.5) / 0.18) ** 2) - ((t - 0.3) / 0.2) ** 2)
            # The wider the mouth opens, the more light reaches it.
            light = 0.7 + 0.3 * smoothstep((fp.jaw_open - 0.4) / 0.5)
            shade = (0.3 + (0.7 * lit + sheen) * light) * (1.0 - 0.45 * np.minimum(across**2, 1.0))
            tongue = self.tongue_rgb * shade[..., None]
            colour += (tongue - colour) * cover[..., None]
        enamel = np.zeros_like(a)  # where teeth show, for their texture below
        # Lower teeth, once the jaw drops far: low, in the lower lip's shadow.
        # A narrow "ee" or "s" shows them too: the teeth nearly meet behind the lips.
        # A photo that shows its upper teeth shows the lower ones from the same drop
        # whatever the sound (its teeth were nearly touching), and not sooner: they ride
        # down with the lower lip, so a smaller drop opens onto the dark under the upper
        # teeth (filled with lower teeth, a syllable read as a closed smile).
        rise = smoothstep((fp.jaw_open - LOWER_TEETH_FROM_JAW) / 0.3)
        lower_amount = max(
            rise * min(1.0, 2.0 * fp.teeth_show),
            smoothstep((fp.teeth_show - 0.5) / 0.3) * float(shows.max()),
            float(self.has_teeth) * rise,
        )
        if lower_amount > 0:
            # Only the front ones show, narrower than the upper teeth, their biting edges
            # catching the light and the rest going into the lower lip's shade (a band of
            # one even grey across the floor of the mouth read as a gum shield).
            front = np.clip(1.0 - (side / 0.65) ** 2, 0.0, 1.0)
            low = 1.35 * (x - 0.5)
            low_h = np.minimum(0.06 * w, 0.25 * h) * lower_amount * front
            low_h = low_h * _row(low, w, _LENGTH_AT)
            into = a - (h - low_h)
            cover = np.clip(into + 0.5, 0.0, 1.0) * (low_h > 0.5)
            shade = _row(low, w, _SHADE)
            down = np.clip(into / np.maximum(low_h, 1e-3), 0.0, 1.0)
            shade = shade * (1.0 - 0.25 * smoothstep((down - 0.5) / 0.5))
            if self.has_teeth:
                # A smile's lower teeth are in the light its upper teeth show, with their
                # texture: painted in one flat shade they read as a grey band.
                teeth = self._own_teeth(x, 1.0 - down) * (shade * (0.95 - 0.3 * side**2))[..., None]
            else:
                teeth = self._in_the_gap(self._teeth(shade * (0.85 - 0.3 * side**2)), let_in)
            colour += (teeth - colour) * cover[..., None]
            enamel = np.maximum(enamel, cover)
        # Upper teeth under the lip, following its arc; gaps between them.
        if fp.teeth_show > 0 and not self.has_teeth:
            # How much the viseme shows them sets how far they reach down, not how
            # transparent they are: teeth are solid. The central incisors' crowns are
            # about a fifth of the mouth's width and most of them shows under the lip,
            # filling most of a narrow opening (a dark slot under a band of teeth read
            # as lips pressed over a gap).
            show = fp.teeth_show
            upper_amount = smoothstep(show / 0.25) * shows
            along = _along_arc(layer, a)
            top_h = np.minimum(0.16 * w, 0.8 * h) * (1.0 - side**3) * show**0.35
            top_h = top_h * _row(along, w, _LENGTH_AT)
            # The biting edge is soft: it fades into the throat over about a pixel.
            soft = max(1.0, 0.012 * w)
            cover = np.clip((top_h - a) / soft + 0.5, 0.0, 1.0) * upper_amount
            teeth = self._in_the_gap(self._upper_teeth(a, top_h, side, along), let_in)
            colour += (teeth - colour) * cover[..., None]
            enamel = np.maximum(enamel, cover)
        if self.has_teeth:
            # The photo's own teeth go on behind its lower lip: as the lip drops, their
            # biting edges show beneath them, column by column in their own colour and
            # with their own gaps (a dark gap right under them read as teeth cut off).
            # Where the photo has a gap between its teeth, their rounded corners stop
            # short of the edge: the biting edge is notched there, not a clean arc.
            lit = self._own_teeth(x, np.ones_like(x)).mean(axis=-1)
            lit = lit / max(float(self.teeth_rgb.mean()), 1.0)
            edge_h = np.minimum(0.06 * w, 0.4 * h) * (1.0 - side**3)
            edge_h = edge_h * np.clip(0.4 + 0.6 * lit, 0.8, 1.0)
            # They reach down from the parting, where the photo's teeth end (the dark line
            # covered above it is their hidden part): the edge follows the lips' arc. Only
            # their edges show: a tall band of one colour under the photo's own speckled
            # teeth read as a grey gum shield.
            edge_h = edge_h + layer.seam
            cover = np.clip((edge_h - a) / max(1.0, 0.012 * w) + 0.5, 0.0, 1.0) * shows
            down = np.clip(a / np.maximum(edge_h, 1e-3), 0.0, 1.0)
            own = self._own_teeth(x, down)
            shade = (1.0 - 0.3 * side**2) * (1.0 - 0.15 * smoothstep(down))  # the edge greyer
            # Where the photo's teeth hide behind its lips, the edges under them are still
            # a row of teeth, each turning into a faint gap, not a clean white arc.
            along = _along_arc(layer, a)
            shade = shade * _row(along, w, _SHADE)
            colour += (own * shade[..., None] - colour) * cover[..., None]
            enamel = np.maximum(enamel, cover)
        # The corners of the mouth are in shadow whatever lies there, the lips' own shade
        # rather than black.
        colour *= (1.0 - 0.25 * side**4)[..., None]
        ox, oy = self.origin
        gx = (layer.grain_xy[..., 0] - ox).astype(np.float32)
        gy = (layer.grain_xy[..., 1] - oy).astype(np.float32)
        colour += cv2.remap(self.grain, gx, gy, cv2.INTER_LINEAR, borderMode=_REFLECT)
        if enamel.any():
            # Enamel is not a smooth paint: the photo's own grain, drawn out along the
            # teeth's length, gives it the faint streaks of real teeth.
            streaks = cv2.remap(self.grain, gx, 0.3 * gy, cv2.INTER_LINEAR, borderMode=_REFLECT)
            colour += 1.5 * streaks * enamel[..., None]
        colour = colour.astype(np.float32)
        if self.softness_px > 0.3:
            colour = cv2.GaussianBlur(colour, (0, 0), self.softness_px)
        # The opening's outline is softened with the photo: a crisp cut-out on a soft
        # print reads as a hole punched in it (half the photo's blur: lips meeting teeth
        # are the sharpest edge in a face).
        cavity: np.ndarray = layer.cavity.astype(np.float32)
        if self.softness_px > 0.6 and cavity.ndim == 2:
            cavity = cv2.GaussianBlur(cavity, (0, 0), 0.5 * self.softness_px)
        region += (colour - region) * cavity[..., None]


def mouth_paint(photo: np.ndarray, face_rig, mouth: MouthFeature) -> MouthPaint:  # type: ignore[no-untyped-def]
    """Colours, grain and softness for one face's mouth, from the photo around it."""
    lm = face_rig.landmarks[:, :2]
    h, w = photo.shape[:2]
    lips = np.zeros((h, w), np.uint8)
    cv2.fillPoly(lips, [lm[list(topo.LIPS_OUTER)].astype(np.int32)], 255)
    cv2.fillPoly(lips, [lm[list(topo.LIPS_INNER)].astype(np.int32)], 0)
    lip_px = photo[lips > 0].astype(np.float32)
    lip = np.median(lip_px, axis=0) if lip_px.size else np.array([150.0, 90.0, 90.0])
    face = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(face, cv2.convexHull(lm[list(topo.FACE_OVAL)].astype(np.int32)), 255)
    skin_px = photo[face > 0].astype(np.float32)
    if skin_px.size == 0:
        skin_px = photo.reshape(-1, 3).astype(np.float32)
    skin = np.median(skin_px, axis=0)
    lum = skin_px.mean(axis=1)
    gap = np.zeros((h, w), np.uint8)
    cv2.fillPoly(gap, [lm[list(topo.LIPS_INNER)].astype(np.int32)], 255)
    shown = photo[gap > 0].astype(np.float32)  # between the lips, in the mask's order
    gap_px = shown.mean(axis=1)
    # Teeth in the photo: lips apart over something lighter than the face's shadows.
    has_teeth = (
        mouth.rest_gap_px >= 2.0
        and gap_px.size > 0
        and float(np.percentile(gap_px, 75)) >= float(np.percentile(lum, 30))
    )
    # Teeth are about as light as the lightest skin (never whiter than the photo has),
    # in the photo's own cast (sepia stays sepia; clean grey teeth in a warm photo read
    # as pasted in). Enamel reflects more than skin, so in the same light they are
    # lighter than nearly all of the face however flat its tones: on a pale painted face
    # the lightest skin is barely lighter than the rest, and teeth that light read grey.
    tint = skin / max(float(skin.mean()), 1.0)
    whitest = min(float(np.percentile(photo[::4, ::4].mean(axis=2), 99.5)), 250.0)
    light = min(float(np.percentile(lum, 99)), 250.0)
    light = max(light, 1.05 * float(np.percentile(lum, 80)))
    if not has_teeth:  # a smile's own teeth set their colour below
        light = max(light, min(TEETH_OVER_SKIN * float(np.percentile(lum, 90)), whitest))
    teeth = light * (0.7 + 0.3 * tint)
    own_teeth = np.zeros((0, 0, 3), np.float32)
    if has_teeth:
        # The photo's own teeth set the colour of the lower ones that appear under them.
        own = shown[gap_px >= np.percentile(gap_px, 75)].mean(axis=0)
        teeth = np.maximum(teeth, own)
        own_teeth = _teeth_texture(photo, mouth, teeth, gap_px)
    x0, y0, x1, y1 = mouth.box()
    ix0, iy0 = max(0, int(x0)), max(0, int(y0))
    ix1, iy1 = min(w, int(x1) + 1), min(h, int(y1) + 1)
    crop = photo[iy0:iy1, ix0:ix1].astype(np.float32)
    if crop.size == 0:
        crop = np.zeros((2, 2, 3), np.float32)
    fine = crop - cv2.GaussianBlur(crop, (0, 0), max(1.0, 0.01 * mouth.width))
    level = max(0.5, 1.5 * float(np.median(np.abs(fine))))
    grain = (level * np.tanh(fine / level)).astype(np.float32)
    # The throat is as dark as the darkest of the face (its nostrils, lashes, hair) and no
    # darker: a faded or soft print has no black, and a black hole in it reads as cut out.
    throat = (
        0.16 * lip * max(1.0, float(np.percentile(lum, 1)) / max(0.16 * float(lip.mean()), 1.0))
    )
    return MouthPaint(
        mouth.width,
        throat.astype(np.float32),
        (0.45 * lip).astype(np.float32),
        teeth.astype(np.float32),
        (0.9 * (0.8 * lip + 0.2 * skin)).astype(np.float32),
        grain,
        (ix0, iy0),
        _softness_px(crop),
        own_teeth,
        # A smile's own teeth already show the light they are in; the teeth painted from
        # them keep their full shading.
        1.0 if has_teeth else _relief(lum),
        (1.0 + 0.2 * (tint - 1.0)).astype(np.float32),
        _bounce_tint(lip, skin, teeth),
    )


def _teeth_texture(
    photo: np.ndarray, mouth: MouthFeature, colour: np.ndarray, lum: np.ndarray
) -> np.ndarray:
    """The photo's own upper teeth as a small picture, rows from under the lip to the
    parting and columns along the mouth (about 1.5 px apart), levelled to ``colour``.

    They keep their gaps, their grain and their tooth-to-tooth differences: the biting
    edges painted from them under the photo's teeth continue those teeth; one colour per
    column drew a clean band under speckled teeth. ``lum``: the brightness of the pixels
    between the lips, to level them (their shadow along the lips does not count).
    """
    cols = int(np.clip(mouth.width / 1.5, 16, 160))
    u = (np.arange(cols) + 0.5) / cols * mouth.width
    top = np.interp(u, mouth.u_grid, mouth.inner_up)
    gap = np.maximum(mouth.parting(u) - top, 0.0)
    rows = int(np.clip(round(0.6 * float(gap.max())), 3, 12))
    # Below the upper lip's shadow, above the dark line where the teeth meet.
    t = np.linspace(0.15, 0.7, rows)[:, None]
    xy = mouth.frame.to_xy(np.broadcast_to(u, (rows, cols)), top + t * gap).astype(np.float32)
    teeth = cv2.remap(
        photo.astype(np.float32), xy[..., 0], xy[..., 1], cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip
    lit = float(lum[lum >= np.percentile(lum, 30)].mean())
    relative = teeth.mean(axis=2) / max(lit, 1.0)
    # Where the lips or their shadow lie over the teeth, the teeth go on as they are
    # around them: the shadow is not theirs.
    relative = np.where(relative >= 0.7, relative, 1.0)
    relative = cv2.GaussianBlur(relative, (0, 0), 0.6)
    level = np.clip(1.0 + 0.6 * (relative - 1.0), 0.75, 1.06)
    return np.ascontiguousarray(level[..., None] * colour, dtype=np.float32)


def _light_through(ajar: float) -> float:
    """The light on the teeth behind a gap ``ajar`` open (its height over the mouth's
    width), against a wide-open mouth's (``GAP_SHADE`` .. 1).

    The upper lip shades the teeth from the light above and the gap is all that lets light
    in: in a slit of two or three pixels, teeth lit as in a wide-open mouth were the
    brightest band in the face.
    """
    seen = ajar / (ajar + LIP_DEPTH)
    return float(np.clip(seen * (AJAR_LIT + LIP_DEPTH) / AJAR_LIT, GAP_SHADE, 1.0))


def _lit_through_gap(teeth: np.ndarray, bounce_tint: np.ndarray, let_in: float) -> np.ndarray:
    """``teeth`` in the light ``let_in`` through the gap, what they lose partly made up by
    the light the lips bounce in ``bounce_tint`` (against grey)."""
    return teeth * (let_in * (1.0 + (bounce_tint - 1.0) * (1.0 - let_in)))


def _bounce_tint(lip: np.ndarray, skin: np.ndarray, teeth: np.ndarray) -> np.ndarray:
    """The lips' colour over grey (``lip``: their median RGB), as much of it as the teeth in
    their deepest shade (``GAP_SHADE``) take while their hue stays within
    ``BOUNCE_TURN_DEG`` of the skin's; the rest of the bounce in the teeth's own colour.

    Shaded teeth read as teeth while they stay about as warm as the skin around them; lips
    painted a pinker red than the skin turned them pink. Only the bounce's colour is held
    back, not its light, and a grey or sepia photo (one hue throughout) is never limited.
    What is held back is made up in the teeth's own cast (light passed between them and
    the inside of the mouth), not in grey: in grey, teeth in the lips' shadow lost their
    warmth and read as a cool grey band between warm lips (art_2, happy).
    """
    tint = lip / max(float(lip.mean()), 1.0)
    skin_hue, lip_hue = _hue_deg(skin), _hue_deg(lip)
    if skin_hue is None or lip_hue is None:
        return tint.astype(np.float32)
    towards_lips = np.sign(_turn_deg(lip_hue, skin_hue))
    own = teeth / max(float(teeth.mean()), 1.0)

    def bounced(share: float) -> np.ndarray:
        return own + (tint - own) * share

    def turn(share: float) -> float:  # from the skin's hue towards the lips'
        hue = _hue_deg(_lit_through_gap(teeth, bounced(share), GAP_SHADE))
        return 0.0 if hue is None else towards_lips * _turn_deg(hue, skin_hue)

    if turn(1.0) <= BOUNCE_TURN_DEG:
        return tint.astype(np.float32)
    share, step = 0.0, 0.5
    for _ in range(12):  # the largest share that stays within the turn (to 1/4096)
        if turn(share + step) <= BOUNCE_TURN_DEG:
            share += step
        step *= 0.5
    return bounced(share).astype(np.float32)


def _turn_deg(hue: float, start: float) -> float:
    """The signed turn from hue ``start`` to ``hue``, degrees (-180..180)."""
    return (hue - start + 180.0) % 360.0 - 180.0


def _hue_deg(rgb: np.ndarray) -> float | None:
    """CIELAB hue angle of one RGB colour (0..255), or None where it is all but grey."""
    pixel = np.clip(np.asarray(rgb, np.float32), 0.0, 255.0).reshape(1, 1, 3) / 255.0
    _, a, b = cv2.cvtColor(pixel, cv2.COLOR_RGB2Lab)[0, 0]
    if np.hypot(a, b) < 2.0:
        return None
    return float(np.degrees(np.arctan2(b, a)))


def _lift(
    region: np.ndarray, zone: np.ndarray, around: Callable[[slice, slice], np.ndarray]
) -> None:
    """Lift a line well darker than ``around`` it towards it, as much as ``zone`` says (only
    where ``zone`` is, so the work stays small); the soft shade every corner has (under a
    fifth darker) stays."""
    rows = np.flatnonzero(zone.max(axis=1) > 0.02)
    cols = np.flatnonzero(zone.max(axis=0) > 0.02)
    if rows.size == 0:
        return
    r, c = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    part, near = region[r, c], around(r, c)
    dip = 1.0 - part.mean(axis=-1) / np.maximum(near.mean(axis=-1), 1.0)
    weight = zone[r, c] * smoothstep((dip - 0.2) / 0.3)
    part += (np.maximum(part, near) - part) * weight[..., None]


def _relief(lum: np.ndarray) -> float:
    """How deep the teeth's shading goes, from how the face's own light shapes it.

    Lit from the side, the lightest skin stands well above the middle tones and the
    teeth turn away into the dark as much; in flat light (a pale painted face whose
    lightest skin is barely lighter than the rest) they stay as flat as the face, and
    teeth shaded for a side light read grey against it.
    """
    top = float(np.percentile(lum, 99))
    highlight = (top - float(np.percentile(lum, 50))) / max(top, 1.0)
    return float(np.clip(highlight / 0.25, 0.4, 1.0))


def _softness_px(crop: np.ndarray) -> float:
    """About how blurred the photo is here (0 sharp .. ~1.5 px soft), from two detail scales.

    In a sharp photo most detail lives at the finest scale; in a soft or enlarged one
    the finest scale holds little of what the next one does.
    """
    grey = crop.mean(axis=2)
    fine = float(np.mean(np.abs(grey - cv2.GaussianBlur(grey, (0, 0), 1.0))))
    coarse = float(np.mean(np.abs(grey - cv2.GaussianBlur(grey, (0, 0), 2.0))))
    ratio = fine / max(coarse, 1e-3)
    return float(np.clip((0.55 - ratio) * 5.0, 0.0, 1.5))


# What ``_row`` looks up: the light across the row of teeth (each one's rounded face, its
# gaps, its own tone), and how far each tooth reaches.
_SHADE, _LENGTH_AT = range(2)
# The tables span offsets of -0.7..0.7 mouth widths, finely enough for the narrowest gap
# line (half a pixel) on a 1000 px mouth.
_ROW_REACH, _ROW_STEPS = 0.7, 8192


def _row(along: np.ndarray, width_px: float, what: int) -> np.ndarray:
    """The row of teeth at ``along`` (signed offset from the middle, shares of the mouth's
    width): ``_SHADE`` or ``_LENGTH_AT``, looked up in a table made once per mouth width
    (worked out per pixel, they took more than the rest of the painting)."""
    k = ((along + _ROW_REACH) * (_ROW_STEPS / (2.0 * _ROW_REACH)) + 0.5).astype(np.intp)
    return _row_tables(round(width_px, 1))[what][np.clip(k, 0, _ROW_STEPS)]


@lru_cache(maxsize=16)
def _row_tables(width_px: float) -> tuple[np.ndarray, np.ndarray]:
    grid = np.linspace(-_ROW_REACH, _ROW_REACH, _ROW_STEPS + 1)
    shade = _tooth_relief(np.abs(grid), width_px) * _tooth_tone(grid)
    return shade.astype(np.float32), _tooth_length(grid, width_px).astype(np.float32)


def _tooth_relief(offset: np.ndarray, width_px: float) -> np.ndarray:
    """Light across the upper teeth: each tooth a rounded face, darker into the gaps.

    Even dark lines between flat teeth read as a dental model; real teeth part by
    turning away from the light on either side of a faint gap.
    """
    bounds = np.asarray((*_GAPS, 0.35))
    dark = np.asarray((*_GAP_DARK, _GAP_DARK[-1]))
    k = np.clip(np.searchsorted(bounds, offset, side="right") - 1, 0, bounds.size - 2)
    across = np.clip((offset - bounds[k]) / (bounds[k + 1] - bounds[k]), 0.0, 1.0)
    edge_dark = np.where(across < 0.5, dark[k], dark[k + 1])
    relief = 1.0 - 0.5 * edge_dark * np.abs(2.0 * across - 1.0) ** 3
    line = max(0.5, 0.004 * width_px) / width_px
    for gap, d in zip(_GAPS, _GAP_DARK, strict=True):
        relief = relief * (1.0 - 0.2 * d * np.exp(-(((offset - gap) / line) ** 2)))
    return relief


def _along_arc(layer: MouthLayer, below: np.ndarray) -> np.ndarray:
    """Where each pixel's tooth sits along the mouth: its offset from the middle (shares
    of the mouth's width, negative towards the person's right corner), the teeth hanging
    square from the lip's arc. Straight down from a curved lip, the gaps between the
    side teeth would lean against the lip like the bars of a grille.
    """
    x = layer.across
    if x.ndim != 2 or min(x.shape) < 2:
        return x - 0.5
    # The lip's slope along the mouth: how ``below`` changes as one goes along it.
    by, bx = np.gradient(below)
    xy_, xx = np.gradient(x)
    along2 = np.maximum(xx * xx + xy_ * xy_, 1e-9)
    w = 1.0 / np.sqrt(along2)  # px per mouth width, here
    slope = np.clip(-(bx * xx + by * xy_) / along2 / w, -0.8, 0.8)
    return x - 0.5 + slope * below / w


def _tooth_tone(along: np.ndarray) -> np.ndarray:
    """Each tooth's light against the row's (``_TONE``), tooth by tooth along the mouth."""
    return np.asarray(_TONE)[_tooth_index(along)]


def _tooth_index(along: np.ndarray) -> np.ndarray:
    """Which tooth of the row (0 .. 11, person's right corner first) lies at ``along``."""
    k = np.searchsorted(np.asarray(_GAPS[1:]), np.abs(along), side="right")
    half = len(_TONE) // 2
    return np.clip(np.where(along < 0, half - 1 - k, half + k), 0, len(_TONE) - 1)


def _tooth_length(along: np.ndarray, width_px: float) -> np.ndarray:
    """How far the upper teeth reach at ``along`` (signed offset from the middle) against
    the centrals: each tooth its own length, a little uneven from its twin on the other
    side, its corners rounded off into a small notch at each gap."""
    offset = np.abs(along)
    k = np.clip(np.searchsorted(np.asarray(_GAPS), offset, side="right") - 1, 0, len(_GAPS) - 1)
    length = np.asarray(_LENGTH)[k] * np.asarray(_UNEVEN)[_tooth_index(along)]
    notch = max(0.7, 0.012 * width_px) / width_px
    for gap in _GAPS:
        length = length * (1.0 - 0.07 * np.exp(-(((offset - gap) / notch) ** 2)))
    return length

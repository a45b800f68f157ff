"""Paint a closing upper lid in the photo's own tones, grain and lash colour.

A blink cannot be warped out of the photo: the closed lid's skin is hidden in the
crease of an open eye. So the lid is painted: its tone is the photo's lid skin,
lifted towards the skin around the eye (a closed lid faces the light; a lid as
dark as the open lid's fold reads as an open eye), shaded like skin over a round
eyeball; its grain is new noise as strong and as soft as the photo's own (a copy
of the photo's texture near an eye carries lashes and creases that repeat into
streaks); its lash line is the darkest colour of the photo's lash line; and its
edges are blurred like the photo's own edges, so it never looks pasted on. Its hue is
the hue of the photo's skin at each place (eye shadow stays on the lid), its lightness the
painted tone's. Black-and-white stays grey, sepia stays sepia. The skin above it is the
photo's, with the fold of the open lid smoothed out as the lid closes.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from engine_edge.easing import smoothstep
from engine_edge.render.features import EyeFeature, LidLayer
from engine_edge.render.glasses import Rims, find_rims
from engine_edge.running import running_median

_REFLECT = cv2.BORDER_REFLECT101
# Skin the closed lid takes its hue from: lighter than this share of the median lightness
# round the eye (a lash line, liner or brow is darker; its hue is no skin's)
SKIN_LIGHT_SHARE = 0.6
HUE_REACH = 0.15  # Gaussian sigma, eye lengths, of the skin's hue round each place
# Where there is less skin than this share of a full Gaussian round a place (deep in a
# wide-open eye), its hue leans towards the hue of all the skin round the eye
HUE_PRIOR = 0.05


@dataclass(frozen=True, eq=False)
class LidPaint:
    """What one eye's closing lid is painted from (found once per photo)."""

    origin: tuple[int, int]  # x, y of the grain crop in the photo
    grain: np.ndarray  # (h, w, 3) float32: grain as strong and soft as the photo's, no lines
    u_grid: np.ndarray  # the eye's u samples, px
    top_rgb: np.ndarray  # (n, 3) the photo's tone at the crease along u (where the lid starts)
    mid_rgb: np.ndarray  # (n, 3) the lid's bulge, catching the light
    bottom_rgb: np.ndarray  # (n, 3) just above the lashes
    lash_rgb: np.ndarray  # (3,)
    blur_px: float  # the photo's own blur around the eye (Gaussian sigma)
    fold: np.ndarray  # (h, w, 3) float32 on the grain crop: what fills the fold's dark lines in
    hue: np.ndarray  # (h, w, 3) float32 on the grain crop: the skin's channels less their mean
    rims: Rims | None = None  # glasses across the eye: the lid slides behind them

    def paint(self, region: np.ndarray, lid: LidLayer) -> None:
        """Lay the lid over ``region`` (float32 RGB, in place)."""
        u, s = lid.u, lid.depth
        upper = s < 0.5
        t = np.where(upper, smoothstep(s / 0.5), (s - 0.5) / 0.5)
        tone = np.empty((*u.shape, 3), np.float32)
        for c in range(3):
            top = np.interp(u, self.u_grid, self.top_rgb[:, c])
            mid = np.interp(u, self.u_grid, self.mid_rgb[:, c])
            bottom = np.interp(u, self.u_grid, self.bottom_rgb[:, c])
            tone[..., c] = np.where(upper, top + (mid - top) * t, mid + (bottom - mid) * t)
        ox, oy = self.origin
        gx = (lid.grain_xy[..., 0] - ox).astype(np.float32)
        gy = (lid.grain_xy[..., 1] - oy).astype(np.float32)
        # The lid's lightness is painted; its hue is the skin's at each place. One hue per
        # column, mixed towards the cheek's, the lid was a greyish pink dome over peach
        # skin and orange eye shadow (sadtalker_art_3, art_19), its outline plain to see.
        # The mean of the channels stays the painted tone's: that is the lightness an
        # independent landmark model reads, so the lid reads as shut as before.
        hue = cv2.remap(self.hue, gx, gy, cv2.INTER_LINEAR, borderMode=_REFLECT)
        tone = tone.mean(axis=-1, keepdims=True) + hue
        tone *= lid.shading[..., None].astype(np.float32)
        tone += cv2.remap(self.grain, gx, gy, cv2.INTER_LINEAR, borderMode=_REFLECT)
        # Edges as soft as the photo's own: a crisp lid outline or lash line on a
        # soft or scanned print reads as pasted on (and as an open eye's outline).
        # The lash line is the sharpest thing in a closed eye: it takes half the blur,
        # or the line spreads into a band as tall as a narrow open eye.
        cover, lash = self._soften(lid.cover), self._soften(lid.lash, 0.5)
        # Softened, a thin lash line would fade to grey: it keeps its full darkness
        # along its middle and grows a soft edge instead.
        peak = float(lash.max()) if lash.size else 0.0
        if peak > 1e-3:
            lash = np.minimum(lash * (float(lid.lash.max()) / peak), 1.0)
        # The slit's shade keeps its full strength up to the lower lid and softens only
        # beyond it: softened inside too, the slit's lowest row stayed half lit, a grey line.
        if lid.slit.any():
            lash = np.maximum(lash, np.maximum(self._soften(lid.slit, 0.5), lid.slit))
        keep = None if lid.held is None else 1.0 - lid.held
        if lid.flatten > 0:
            sx = (lid.source_xy[..., 0] - ox).astype(np.float32)
            sy = (lid.source_xy[..., 1] - oy).astype(np.float32)
            fill = cv2.remap(self.fold, sx, sy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
            if keep is not None:
                fill *= keep[..., None].astype(np.float32)
            region += lid.flatten * fill
        if keep is not None:
            cover, lash = cover * keep, lash * keep
        region += (tone - region) * cover[..., None]
        region += (self.lash_rgb - region) * lash[..., None]
        if lid.under is not None and lid.under.any():
            # The slit's bottom row: its share below the lower lid's edge is lower lid.
            under = lid.under if keep is None else lid.under * keep
            h, w = region.shape[:2]
            step = np.array([[1.0, 0.0, lid.down[0]], [0.0, 1.0, lid.down[1]]], np.float32)
            below = cv2.warpAffine(
                region,
                step,
                (w, h),
                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                borderMode=_REFLECT,
            )
            region += (below - region) * under[..., None].astype(np.float32)

    def _soften(self, mask: np.ndarray, share: float = 1.0) -> np.ndarray:
        mask = mask.astype(np.float32)
        sigma = share * self.blur_px
        if sigma < 0.6 or mask.ndim != 2:
            return mask
        return cv2.GaussianBlur(mask, (0, 0), sigma, borderType=cv2.BORDER_REPLICATE)


def lid_paint(photo: np.ndarray, eye: EyeFeature) -> LidPaint:
    h, w = photo.shape[:2]
    x0, y0, x1, y1 = eye.box()
    pad = 0.3 * eye.length + 4
    ix0, iy0 = max(0, int(x0 - pad)), max(0, int(y0 - pad))
    ix1, iy1 = min(w, int(x1 + pad) + 1), min(h, int(y1 + pad) + 1)
    crop = photo[iy0:iy1, ix0:ix1].astype(np.float32)
    rims = find_rims(photo, eye)
    if rims is not None:
        # The lid's tones, lash colour and grain come from the skin behind the frame.
        xx, yy = np.meshgrid(np.arange(ix0, ix1, dtype=np.float64), np.arange(iy0, iy1))
        behind = cv2.dilate(
            (rims.at(np.dstack((xx, yy))) > 0.2).astype(np.uint8), np.ones((3, 3), np.uint8)
        )
        crop = cv2.inpaint(crop.astype(np.uint8), behind, 3, cv2.INPAINT_TELEA).astype(np.float32)
    blur_px = _blur_px(crop, eye.length)
    grain = _grain(crop, eye.length, blur_px)
    smooth = cv2.GaussianBlur(crop, (0, 0), max(1.0, 0.06 * eye.length))

    def along(v_of_u: np.ndarray, u: np.ndarray = eye.u_grid, image: np.ndarray = smooth):  # type: ignore[no-untyped-def]
        """The image's colours along a line v(u) in the eye's frame, (n, 3)."""
        return eye.frame.sample(image, u[None], v_of_u[None], (ix0, iy0), _REFLECT)[0]

    up, crease = eye.upper, np.minimum(eye.crease, eye.upper - 1.0)
    lid_top = np.minimum(eye.lid_top, crease)
    top = _smooth_along(along(lid_top))
    bottom = _smooth_along(along(crease + 0.4 * (up - crease)))
    above = _smooth_along(along(crease))
    # The fold of an open lid lies in shadow, and its lashes darken what is sampled
    # there. A closed lid is stretched over the eyeball and faces the light like the
    # skin at the crease and the cheek below the eye, so it is lifted towards the
    # lighter of them: a lid as dark as the open lid's fold reads as an open eye.
    # Tones are mixed from the photo's own colours (never tinted): sepia stays sepia,
    # grey stays grey.
    ref = np.where((above.mean(axis=1) > top.mean(axis=1))[:, None], above, top)
    cheek = _smooth_along(along(eye.lower + 0.2 * eye.length))
    ref = np.where((cheek.mean(axis=1) > ref.mean(axis=1))[:, None], cheek, ref)
    mid = _lift(top, ref, 0.93 * ref.mean(axis=1))
    bottom = _lift(bottom, mid, 0.9 * mid.mean(axis=1))
    u = np.repeat(eye.u_grid[4:-4], 3)
    v = np.interp(u, eye.u_grid, up) + np.tile([-0.5, 0.0, 0.5], u.size // 3) * eye.lash_px
    line = along(v, u, crop)
    darkest = line[np.argsort(line.sum(axis=1))[: max(1, line.shape[0] // 6)]]
    return LidPaint(
        (ix0, iy0),
        grain,
        eye.u_grid,
        top.astype(np.float32),
        mid.astype(np.float32),
        bottom.astype(np.float32),
        (0.9 * darkest.mean(axis=0)).astype(np.float32),
        blur_px,
        _fold(crop, eye, (ix0, iy0), blur_px),
        _skin_hue(crop, eye, (ix0, iy0)),
        rims,
    )


def _skin_hue(crop: np.ndarray, eye: EyeFeature, origin: tuple[int, int]) -> np.ndarray:
    """The hue of the photo's skin round each place of the crop: its channels less their mean.

    Read from skin alone, averaged over ``HUE_REACH`` of an eye: the open eye (its white,
    iris and lash line, and a margin a tenth of an eye wide, where a painted eye's liner
    runs on) and anything darker than skin (lashes, liner, brow) lend it no colour. Filled
    in from the skin's edge, the open eye of liveportrait_s1 took the cool hue of its thick
    dark liner, and its shut lid turned lavender.
    """
    length = eye.length
    u, v, up, lo = _eye_coords(crop, eye, origin)
    pad = eye.lash_px + 0.1 * length
    opening = (v >= up - pad) & (v <= lo + pad) & (u >= -pad) & (u <= length + pad)
    lum = crop.mean(axis=2)
    skin = ~opening & (lum >= SKIN_LIGHT_SHARE * float(np.median(lum[~opening | opening.all()])))
    if not skin.any():
        return np.zeros_like(crop, dtype=np.float32)
    chroma = crop - lum[..., None]
    weight = skin.astype(np.float32)
    sigma = max(1.0, HUE_REACH * length)
    total = cv2.GaussianBlur(chroma * weight[..., None], (0, 0), sigma)
    total += HUE_PRIOR * chroma[skin].mean(axis=0)
    return (total / (cv2.GaussianBlur(weight, (0, 0), sigma) + HUE_PRIOR)[..., None]).astype(
        np.float32
    )


def _eye_coords(
    crop: np.ndarray, eye: EyeFeature, origin: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each pixel of the crop (its top-left at ``origin`` in the photo) along the eye and
    across it (``u``, ``v``), and the open eye's upper and lower lid lines at its ``u``."""
    h, w = crop.shape[:2]
    xy = np.dstack(np.meshgrid(np.arange(w, dtype=np.float64), np.arange(h, dtype=np.float64)))
    u, v = eye.frame.to_uv(xy + np.asarray(origin, np.float64))
    up = np.interp(u, eye.u_grid, eye.upper, left=0.0, right=0.0)
    lo = np.interp(u, eye.u_grid, eye.lower, left=0.0, right=0.0)
    return u, v, up, lo


def _fold(crop: np.ndarray, eye: EyeFeature, origin: tuple[int, int], blur_px: float) -> np.ndarray:
    """What fills in the thin dark lines of the lid's fold, on the crop: added as the lid closes.

    An open eye's upper lid folds into its crease; closed, the lid is stretched smooth
    and the fold is gone. The painted lid covers the crease only up to a soft top edge,
    and the fold of a painted or drawn eye (liveportrait_s4) wraps round the eye's outer
    end, past the corner, where the lid narrows to nothing: left standing there, it drew
    a ring round the shut lid. So the photo's skin above the lid gets its thin dark lines
    (narrower than a quarter of the eye: the fold, wrinkles, lashes pointing up) filled in
    with the skin beside them (a morphological closing), from above the lash line up to
    short of the brow and round the outer end; the lash line, the lashes fanning out of
    the outer corner and the brow stay.
    """
    length = eye.length
    u, v, up, lo = _eye_coords(crop, eye, origin)
    # The dark of the open eye and its lash line would keep a fold close beside it (at
    # the outer corner) from being filled in: they count as light here.
    opening = (v >= up - eye.lash_px - blur_px) & (v <= lo) & (u >= 0.0) & (u <= length)
    lifted = np.where(opening[..., None], crop.max(axis=(0, 1)), crop).astype(np.float32)
    k = max(3, int(0.25 * length) | 1)
    shape = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    fill = np.maximum(cv2.morphologyEx(lifted, cv2.MORPH_CLOSE, shape) - crop, 0.0)
    top = np.interp(u, eye.u_grid, np.minimum(eye.lid_top, eye.crease))
    soft = 0.05 * length + 0.5
    # Clear of the lash line, which ends at the outer corner: past it the fold comes
    # down to the corner's line.
    clear = eye.lash_px + 2.0 * blur_px + 0.04 * length
    low = up - clear * (1.0 - 0.6 * smoothstep(-u / (0.2 * length)))
    # Short of the brow (its lower hairs are thin dark lines too) and inside the eye's
    # box (the lid layer's reach); the lid's cover tapers to its corners but the fold
    # does not, so round the outer end it is followed up as high as over the lid.
    # Towards the inner corner the brow comes down to the lid: the covered lid's top.
    outer = 1.0 - smoothstep((u - 0.1 * length) / (0.3 * length))
    inner = smoothstep((u - 0.3 * length) / (0.4 * length))
    middle = float(np.median(eye.upper - np.minimum(eye.lid_top, eye.crease)))
    high = np.minimum(top - 0.15 * (1.0 - inner) * (up - top), up - 1.2 * middle * outer)
    if eye.brow is not None:
        brow = np.interp(u, eye.u_grid, eye.brow)
        high = np.maximum(high, brow + 0.1 * (up - brow))
    high = np.maximum(high, eye.box_top() + soft)
    where = smoothstep((low - v) / soft) * smoothstep((v - high) / soft)
    where *= smoothstep((u + 0.35 * length) / (0.1 * length))
    # Lashes fanning out of the outer corner are not fold: they go down with the lid.
    where *= smoothstep((np.hypot(u, v) - 0.15 * length) / (0.08 * length))
    where *= 1.0 - smoothstep((u - length) / (0.05 * length))
    fill *= where[..., None].astype(np.float32)
    return cv2.GaussianBlur(fill, (0, 0), max(0.5, 0.5 * blur_px))


def _grain(crop: np.ndarray, length: float, blur_px: float) -> np.ndarray:
    """Grain as the photo's own, for the closed lid: its strength and softness, no lines.

    Film grain, paper and brush texture sit at a pixel or two, and any copy of the
    photo's texture near an eye carries lines too (lashes, creases, wrinkles) that
    repeat into streaks when it is mirrored or tiled across the lid. So the lid's
    grain is new noise, as soft as the photo and as strong, per channel, as the
    photo's fine texture around the eye (robustly: lines are outliers). The seed
    comes from the crop, so every frame of a clip draws the same grain.
    """
    sigma = float(np.clip(0.02 * length, 1.0, 1.5))
    fine = crop - cv2.GaussianBlur(crop, (0, 0), sigma)
    strength = 1.4826 * np.median(np.abs(fine.reshape(-1, 3)), axis=0)
    seed = int(crop.shape[0] * 7919 + crop.shape[1] * 104729 + int(crop.sum()) % 65521)
    white = np.random.default_rng(seed).standard_normal(crop.shape[:2]).astype(np.float32)
    soft = cv2.GaussianBlur(white, (0, 0), max(0.5, 0.6 * blur_px))
    noise = soft - cv2.GaussianBlur(soft, (0, 0), sigma)
    noise /= max(float(noise.std()), 1e-6)
    return (noise[..., None] * strength[None, None, :]).astype(np.float32)


def _blur_px(crop: np.ndarray, length: float) -> float:
    """The photo's blur around the eye, as a Gaussian sigma in pixels.

    A step of height A blurred by sigma rises at most A / (sigma * sqrt(2 pi)) per
    pixel, so the strongest edges (lash line, iris, lid margin) give sigma from their
    height over their steepest slope.
    """
    grey = crop.mean(axis=2).astype(np.float32)
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    slope = np.hypot(gx, gy) / 8.0
    k = max(5, int(0.35 * length) | 1)
    height = cv2.dilate(grey, np.ones((k, k), np.uint8)) - cv2.erode(
        grey, np.ones((k, k), np.uint8)
    )
    strong = slope >= np.quantile(slope, 0.98)
    if not strong.any():
        return 0.0
    sigma = float(np.median(height[strong] / np.maximum(slope[strong], 1e-3))) / np.sqrt(2 * np.pi)
    return float(np.clip(sigma, 0.0, 0.06 * length))


def _lift(rgb: np.ndarray, ref: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Mix ``rgb`` towards ``ref`` (both (n, 3)) until its brightness reaches ``floor``."""
    lum, lum_ref = rgb.mean(axis=1), ref.mean(axis=1)
    w = np.clip((floor - lum) / np.maximum(lum_ref - lum, 1e-3), 0.0, 1.0)
    return rgb + (ref - rgb) * w[:, None]


def _smooth_along(rgb: np.ndarray) -> np.ndarray:
    """Tone along the lid, without the dips of a lash or a glint that the samples hit."""
    med = running_median(rgb, 7)
    kernel = np.ones(5) / 5
    return np.stack(
        [np.convolve(np.pad(med[:, c], 2, mode="edge"), kernel, "valid") for c in range(3)], 1
    )

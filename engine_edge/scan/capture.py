"""From detected corners and a burst of full-resolution frames to one flat print, with
the camera's noise averaged down and glare removed.

Each frame is rectified with its own corners (refined at full resolution), so the burst
arrives aligned up to a small residual: a shift, which phase correlation on the print's
middle measures, and a turn of a hand-held view that the outline missed, which ECC on a
small copy measures; each frame's rectification then absorbs both (one interpolation, no
blur). The frames are averaged where they agree with their median (noise falls, a frame
that moved or shows a reflection there is left out), and where even the median is glare,
the darker values win the way Google PhotoScan does it (a reflection moves when the light
or the camera moves). A hand-held burst, shaken differently in each view, then has its
lightness accumulated per frequency from the views that kept it (burst_fusion.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cv2
import numpy as np

from engine_edge.errors import ImageUnreadable
from engine_edge.image_io import as_rgb8
from engine_edge.scan import geometry
from engine_edge.scan.burst_fusion import AccumulationSettings, accumulate
from engine_edge.scan.curl import Curl, curl_map
from engine_edge.scan.falloff import even_light, falloff_gain, table_light, view_lift
from engine_edge.scan.restore import flattest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaptureSettings:
    """How the print is flattened; ``aspect_snap`` is a relative tolerance (0 = never snap)."""

    focal_ratio: float = 1.0  # lens focal length / frame width, used when perspective cannot tell
    aspect_snap: float = 0.015
    max_side_px: int = 4000  # cap on the rectified print's longest side
    glare_margin: int = 18  # grey levels a frame must exceed the burst's darkest value by
    even_light: bool = True  # lift the darker side of an unevenly lit print (see falloff.py)
    # Shake in a burst undone from the views that kept each detail (None: the fused mean).
    accumulation: AccumulationSettings | None = field(default_factory=AccumulationSettings)


def output_size(
    corners: np.ndarray,
    frame_size: tuple[int, int],
    settings: CaptureSettings,
    stretch: tuple[float, float] = (1.0, 1.0),
) -> tuple[int, int]:
    """(width, height) of the flat print: the true aspect ratio at the resolution the camera
    saw; ``stretch``: how much longer a curled print's paper is than its corners' chords,
    across its width and height (curl.Curl.stretch)."""
    aspect = geometry.true_aspect(corners, frame_size, settings.focal_ratio)
    aspect = geometry.snap_aspect(aspect * stretch[0] / stretch[1], settings.aspect_snap)
    sides = geometry.side_lengths(corners)
    width = max(sides[0], sides[2]) * stretch[0]
    height = max(sides[1], sides[3]) * stretch[1]
    # Keep the longer measured side and derive the other from the aspect ratio.
    if width / aspect >= height:
        height = width / aspect
    else:
        width = height * aspect
    scale = min(1.0, settings.max_side_px / max(width, height))
    return max(8, round(width * scale)), max(8, round(height * scale))


@dataclass(frozen=True)
class FrameOffset:
    """Where a rectified burst frame lies against the first: moved by (``dx_px``,
    ``dy_px``) at the print's middle and turned by ``turn_deg`` about it (a hand-held
    view turns a little while the burst is taken)."""

    dx_px: float = 0.0
    dy_px: float = 0.0
    turn_deg: float = 0.0

    def matrix(self, size: tuple[int, int]) -> np.ndarray:
        """The 3x3 map from the first frame's flat print (``size``: width, height) to this
        frame's: turned about the middle, then moved."""
        cx, cy = (size[0] - 1) / 2.0, (size[1] - 1) / 2.0
        c, s = np.cos(np.radians(self.turn_deg)), np.sin(np.radians(self.turn_deg))
        return np.array(
            [
                [c, -s, cx + self.dx_px - c * cx + s * cy],
                [s, c, cy + self.dy_px - s * cx - c * cy],
                [0.0, 0.0, 1.0],
            ]
        )

    def moves_px(self, size: tuple[int, int]) -> float:
        """How far it moves the print's farthest pixel."""
        reach = 0.5 * float(np.hypot(*size))
        return float(np.hypot(self.dx_px, self.dy_px)) + abs(np.radians(self.turn_deg)) * reach


def rectify(
    frame: np.ndarray,
    corners: np.ndarray,
    size: tuple[int, int],
    offset: FrameOffset = FrameOffset(),
    curl: Curl | None = None,
) -> np.ndarray:
    """Warp the quadrilateral ``corners`` of ``frame`` to an upright image of ``size``,
    aligned by ``offset`` (a burst frame's residual against the first: one interpolation,
    not two); a print bent by ``curl`` flattened through its cylinder."""
    w, h = size
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    # Corners are outline positions; pixel centres sit half a pixel inside them.
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    centres = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]], np.float64)
    aligned = np.linalg.inv(offset.matrix(size)) @ centres @ matrix
    if curl is not None:
        to_flat = np.linalg.inv(aligned @ np.linalg.inv(matrix))
        return _rectify_curled(frame, corners, size, curl, to_flat)
    return cv2.warpPerspective(
        frame, aligned, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


# The cylinder's map is smooth: it is computed every this many output pixels and enlarged
# (bilinear) to every pixel, 0.01 px from the exact map and ~50x faster (a 12 MP print's
# exact map took 2-3 s per burst frame).
CURL_GRID_PX = 16


def _rectify_curled(
    frame: np.ndarray,
    corners: np.ndarray,
    size: tuple[int, int],
    curl: Curl,
    pixels_to_flat: np.ndarray,
) -> np.ndarray:
    """:func:`rectify` of a curled print: each output pixel's point on the paper
    (``pixels_to_flat``: its centre, aligned, in 0..width, 0..height), found in the frame
    through the cylinder (curl.curl_map), on a grid of :data:`CURL_GRID_PX`.

    ``cv2.resize`` puts a source pixel k at the enlarged image's k * step + (step - 1) / 2;
    the grid's node k is taken at output pixel k * step - step / 2 - 0.5, one node beyond
    the print at each side, so that cropping ``step`` pixels off the enlarged map's top and
    left lands every node on its own pixel and no output pixel is clamped to the edge."""
    w, h = size
    step = CURL_GRID_PX
    nodes_x, nodes_y = -(-w // step) + 2, -(-h // step) + 2
    yy, xx = np.mgrid[0:nodes_y, 0:nodes_x].astype(np.float64) * step - (step / 2.0 + 0.5)
    pixels = np.c_[xx.ravel(), yy.ravel()]
    flat = cv2.perspectiveTransform(pixels[None], pixels_to_flat)[0] / np.array([w, h])
    seen = curl_map(corners, (frame.shape[1], frame.shape[0]), curl, flat)
    grid = seen.reshape(nodes_y, nodes_x, 2).astype(np.float32)
    full = cv2.resize(grid, (nodes_x * step, nodes_y * step), interpolation=cv2.INTER_LINEAR)
    map_x = np.ascontiguousarray(full[step : step + h, step : step + w, 0])
    map_y = np.ascontiguousarray(full[step : step + h, step : step + w, 1])
    return cv2.remap(frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


@dataclass(frozen=True)
class Capture:
    """The flat print and what the burst told about the camera."""

    image: np.ndarray  # RGB uint8
    # The camera's noise left in the fused print (sigma, grey levels, every frequency): one
    # frame's (:func:`burst_noise`) times the share the fusion kept; None from one frame.
    noise: float | None
    # The gain for the lamp's light the print missed where it lies (falloff.view_lift: a share
    # of how much the view's best light exceeds the print's): the restoration lifts the
    # picture by it once its border is cut off (1: nothing to lift).
    lift: float = 1.0


def capture_print(
    frames: list[np.ndarray],
    quad: np.ndarray | list[np.ndarray],
    settings: CaptureSettings = CaptureSettings(),
) -> np.ndarray:
    """The flat print of :func:`capture_burst`."""
    return capture_burst(frames, quad, settings).image


def capture_burst(
    frames: list[np.ndarray],
    quad: np.ndarray | list[np.ndarray],
    settings: CaptureSettings = CaptureSettings(),
    curl: Curl | None = None,
) -> Capture:
    """Rectify a burst (one or more RGB frames) and fuse it into one print without glare
    and with the noise of the frames averaged down.

    ``quad`` is either one set of corners for every frame (fixed camera) or one per frame;
    ``curl`` a curled print's bend (curl.Curl), flattened.
    """
    if not frames:
        raise ImageUnreadable("No camera frames arrived; check the camera and try again.")
    frames = [as_rgb8(frame, "The camera's picture") for frame in frames]
    quads = list(quad) if isinstance(quad, list) else [quad] * len(frames)
    h, w = frames[0].shape[:2]
    size = output_size(quads[0], (w, h), settings, (1.0, 1.0) if curl is None else curl.stretch)
    flats = [rectify(f, q, size, curl=curl) for f, q in zip(frames, quads, strict=True)]
    if len(flats) > 1:
        offsets = burst_offsets(flats)
        flats = [
            flat
            if offset is None or offset.moves_px(size) < 0.05
            else rectify(f, q, size, offset, curl)
            for flat, offset, f, q in zip(flats, offsets, frames, quads, strict=True)
        ]
        flats = [flat for flat, offset in zip(flats, offsets, strict=True) if offset is not None]
    if len(flats) == 1:
        flat, noise = flats[0], None
    else:
        flat = fuse_burst(flats, settings.glare_margin)
        kept = 1.0 / np.sqrt(len(flats))
        if settings.accumulation is not None:
            accumulated = accumulate(flats, flat, settings.accumulation)
            flat, kept = accumulated.image, accumulated.noise_share
        noise = burst_noise(flats, flat) * kept
    if not settings.even_light:
        return Capture(flat, noise)
    light = table_light(frames[0], quads[0])
    if light is None:
        return Capture(flat, noise)
    gain = falloff_gain(light, size)
    return Capture(flat if gain is None else even_light(flat, gain), noise, view_lift(light))


def burst_offsets(flats: list[np.ndarray]) -> list[FrameOffset | None]:
    """Each rectified frame's offset from the first (None: it could not be aligned and is
    left out).

    The shift: cross-correlation on the middle of the print at full resolution, sub-pixel
    exact, where a small copy would be a fraction of a pixel off and averaging would blur
    (phase correlation says whether the frame shows the same print at all).
    The turn: ECC (Euclidean) on a small grey copy, which resolves a hundredth of a degree;
    a turn is the same at any scale, and a shift measured in the middle does not depend on
    it (it turns about the middle)."""
    h, w = flats[0].shape[:2]
    # Powers of two: OpenCV pads other sizes to its DFT sizes, and an odd one puts the
    # peak half a pixel off in each direction (a 0.5 px error, 2 px on a 4x smaller copy).
    side_h, side_w = (2 ** int(np.log2(min(side, 1024))) for side in (h, w))
    y0, x0 = (h - side_h) // 2, (w - side_w) // 2

    def middle(img: np.ndarray) -> np.ndarray:
        crop = img[y0 : y0 + side_h, x0 : x0 + side_w]
        return cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32)

    window = cv2.createHanningWindow((side_w, side_h), cv2.CV_32F)
    ref = middle(flats[0])
    small_ref = _turn_view(flats[0])
    offsets: list[FrameOffset | None] = [FrameOffset()]
    for img in flats[1:]:
        moved = middle(img)
        _, response = cv2.phaseCorrelate(ref, moved, window)
        dx, dy = _shift_px(ref, moved, window)
        if response < 0.05 or abs(dx) > 0.05 * side_w or abs(dy) > 0.05 * side_h:
            log.debug("burst frame not aligned (response %.2f, shift %.1f, %.1f)", response, dx, dy)
            offsets.append(None)
            continue
        turn = _turn_deg(small_ref, _turn_view(img), (dx, dy), small_ref.shape[1] / w)
        offsets.append(FrameOffset(float(dx), float(dy), turn))
    return offsets


def _shift_px(ref: np.ndarray, img: np.ndarray, window: np.ndarray) -> tuple[float, float]:
    """How far ``img`` is moved against ``ref`` (grey, same size): the peak of their plain
    cross-correlation, placed to a fraction of a pixel by a parabola through it.

    Not phase correlation: a hand-held burst shakes each view its own way, and a shake's
    blur flips the sign of some frequencies (a straight smear's spectrum has negative
    lobes); phase correlation weighs those frequencies as much as any and its peak then
    lands up to 3 px off (a burst shaken 8 px at 0, 60 and 120 degrees: 2.9 px, where
    the views had not moved at all). The plain correlation of two centred blurs is
    symmetric about the true shift, and is dominated by the low frequencies no shake of a
    few pixels flips."""
    a = np.fft.rfft2((ref - ref.mean()) * window)
    b = np.fft.rfft2((img - img.mean()) * window)
    corr = np.fft.irfft2(np.conj(a) * b, s=ref.shape)
    y, x = np.unravel_index(int(np.argmax(corr)), corr.shape)
    h, w = corr.shape
    dx = x + geometry.peak_offset(corr[y, x - 1], corr[y, x], corr[y, (x + 1) % w])
    dy = y + geometry.peak_offset(corr[y - 1, x], corr[y, x], corr[(y + 1) % h, x])
    # The correlation wraps round: a peak past the middle is a negative shift.
    return (float(dx - w if dx > w / 2 else dx), float(dy - h if dy > h / 2 else dy))


TURN_VIEW_PX = 512  # the small copy a turn is measured on (a 0.01 deg turn moves it 0.04 px)
MAX_TURN_DEG = 1.0  # more is not a hand's tremor: the outline would have followed it


def _turn_view(flat: np.ndarray) -> np.ndarray:
    """A small grey copy of a rectified frame for ECC."""
    h, w = flat.shape[:2]
    scale = min(1.0, TURN_VIEW_PX / max(h, w))
    grey = cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY)
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def _turn_deg(
    ref: np.ndarray, img: np.ndarray, shift_px: tuple[float, float], scale: float
) -> float:
    """How far ``img`` is turned against ``ref`` (small copies at ``scale`` of the flat
    print; ``shift_px`` at full size starts the search), 0 when ECC cannot tell."""
    warp = np.array([[1, 0, shift_px[0] * scale], [0, 1, shift_px[1] * scale]], np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-5)
    try:
        # Without a mask, OpenCV smooths both copies with its default 5x5 Gaussian.
        _, found = cv2.findTransformECC(ref, img, warp, cv2.MOTION_EUCLIDEAN, criteria, None)
    except cv2.error:  # no convergence (a flat, featureless print): no turn is measured
        return 0.0
    turn = float(np.degrees(np.arctan2(found[1, 0], found[0, 0])))
    return turn if abs(turn) <= MAX_TURN_DEG else 0.0


NOISE_CROP_PX = 1024  # the noise is read on the print's middle at most this size, full scale
FLAT_SHARE = 30.0  # percent of that middle, the flattest, where frames differ by noise alone


def burst_noise(flats: list[np.ndarray], fused: np.ndarray) -> float:
    """One frame's noise (sigma, grey levels) at every frequency: how aligned frames of the
    same print differ (its texture cancels) on the flattest part of its middle (no edge
    that a fraction of a pixel of residual shift would add), each pair of frames averaged.

    Every frequency, not the fine grain alone: a phone's JPEG and its own denoising leave
    noise in blotches a few pixels wide, which the fused print keeps as much as its
    pixel-to-pixel grain. A mean absolute difference, not a median: integer differences
    put a median on whole grey levels (a burst's 1.05 read the same for noise 0.7-1.5).
    """
    h, w = fused.shape[:2]
    side_h, side_w = min(h, NOISE_CROP_PX), min(w, NOISE_CROP_PX)
    y0, x0 = (h - side_h) // 2, (w - side_w) // 2

    def middle(image: np.ndarray) -> np.ndarray:
        crop = image[y0 : y0 + side_h, x0 : x0 + side_w].astype(np.float32)
        return cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)  # in float: no rounding noise added

    flat = flattest(middle(fused), FLAT_SHARE)
    views = [middle(image) for image in flats]
    spreads = [
        float(np.abs(cv2.subtract(b, a)[flat]).mean())
        for i, a in enumerate(views)
        for b in views[i + 1 :]
    ]
    # A difference of two frames has sqrt(2) times one frame's noise; for a Gaussian the
    # mean absolute value is sqrt(2 / pi) of its sigma.
    return float(np.sqrt(np.pi / 2.0) * np.mean(spreads) / np.sqrt(2.0))


def noise_level(flats: list[np.ndarray]) -> float:
    """The sensor noise (sigma, grey levels) of one frame, from how two aligned frames differ
    (a robust spread: the print's own detail is the same in both and cancels)."""
    # Every other pixel (the spread needs no more): taken before converting, not after.
    a = cv2.cvtColor(flats[0][::2, ::2], cv2.COLOR_RGB2GRAY).astype(np.float32)
    b = cv2.cvtColor(flats[1][::2, ::2], cv2.COLOR_RGB2GRAY).astype(np.float32)
    diff = b - a
    spread = np.median(np.abs(diff - np.median(diff)))
    return float(1.4826 * spread / np.sqrt(2.0))


def fuse_burst(flats: list[np.ndarray], glare_margin: int = 18) -> np.ndarray:
    """One image from an aligned burst: the frames averaged, except where they disagree.

    Each pixel is the mean of the frames that agree with the burst's median there (within
    a few times the measured noise), so the noise falls by up to the square root of the
    frame count while a frame that moved or shows a reflection there is left out (no
    ghost). Where even the median shows glare (the same reflection in most frames), the
    darkest value wins, blended over a few pixels so no seam shows.
    """
    k = len(flats)
    if k == 3:  # the median of three, per channel, without sorting
        a, b, c = flats
        median = cv2.max(cv2.min(a, b), cv2.min(cv2.max(a, b), c))
    else:
        median = np.median(np.stack(flats), axis=0).astype(np.uint8)
    sigma = noise_level(flats)
    tolerance = 2.5 * sigma + 3.0
    total = np.full(median.shape[:2], 1e-3, np.float32)
    base = median.astype(np.float32) * 1e-3
    for flat in flats:
        # How far this frame is from the median here (the channels' weighted mean).
        deviation = cv2.cvtColor(cv2.absdiff(flat, median), cv2.COLOR_RGB2GRAY)
        weight = np.clip(2.0 - deviation.astype(np.float32) / tolerance, 0.0, 1.0)
        total += weight
        base += cv2.multiply(flat, cv2.merge([weight] * 3), dtype=cv2.CV_32F)
    base /= cv2.merge([total] * 3)
    lumas = [_brightest_channel(flat) for flat in flats]  # glare brightens them all
    luma = np.stack(lumas)
    darkest = luma.min(axis=0)
    excess = (_brightest_channel(base) - darkest) / (glare_margin + 2.0 * sigma)
    if (excess > 1.0).any():
        rank = (k - 1) // 2 if k > 3 else 0  # the lower median of a long burst
        pick = luma.argmin(axis=0) if rank == 0 else np.argsort(luma, axis=0)[rank]
        chosen = np.choose(pick[..., None], flats)
        # Soft weight: a reflection fades out gradually, and so must its replacement, or
        # its faint halo stays (and levels later make it visible).
        glare = np.clip(excess - 0.25, 0.0, 1.0)
        glare[_odd_dark_frame(lumas, glare > 0, tolerance)] = 0.0
        glare = cv2.GaussianBlur(cv2.dilate(glare, np.ones((5, 5), np.uint8)), (0, 0), 2.0)
        base = base * (1 - glare[..., None]) + chosen * glare[..., None]
    return np.clip(base + 0.5, 0, 255).astype(np.uint8)


def _odd_dark_frame(luma: list[np.ndarray], dark: np.ndarray, tolerance: float) -> np.ndarray:
    """Of the places where one frame is far darker (``dark``), those where a finger or its
    shadow darkens one frame of a burst of three, not glare that lightens the other two.

    Judged per connected place, not per pixel: a reflection adds light that differs from
    view to view (another lamp, another angle), so where it covers two frames they
    disagree with each other over most of it, or clip to white where its cores overlap;
    the print seen past a finger is the same in both other frames, within the noise, and
    clips nowhere. Of two frames neither is the odd one; a longer burst takes its lower
    median, which leaves one odd frame out already.
    """
    found = np.zeros(dark.shape, bool)
    mask = dark.astype(np.uint8)
    x, y, w, h = cv2.boundingRect(mask)
    if len(luma) != 3 or not w:
        return found
    # Only the box round the dark places: a finger is a small part of a 5 MP print.
    a, b, c = (channel[y : y + h, x : x + w] for channel in luma)
    second = cv2.max(cv2.min(a, b), cv2.min(cv2.max(a, b), c))
    brightest = cv2.max(cv2.max(a, b), c)
    count, labels = cv2.connectedComponents(mask[y : y + h, x : x + w], connectivity=8)
    area = np.bincount(labels.ravel(), minlength=count)
    agree = np.bincount(labels[cv2.absdiff(brightest, second) <= tolerance], minlength=count)
    clipped = np.bincount(labels[brightest >= 250], minlength=count)
    odd = (agree >= 0.6 * area) & (clipped <= 0.01 * area)
    odd[0] = False  # the places no frame is dark
    found[y : y + h, x : x + w] = odd[labels]
    return found


def _brightest_channel(image: np.ndarray) -> np.ndarray:
    """Per pixel, the largest of the three channels (cv2: numpy is slow along 3 values)."""
    r, g, b = cv2.split(image)
    return cv2.max(cv2.max(r, g), b)

"""From detected corners and a burst of full-resolution frames to one flat, glare-free print.

Each frame is rectified with its own corners (refined at full resolution), so
the burst arrives aligned up to a small residual, which phase correlation on a
small copy removes. Glare is then removed the way Google PhotoScan does it:
where a frame is brighter than the others (a reflection moves when the light
or the camera moves), the darker values win.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from engine_edge.errors import ImageUnreadable
from engine_edge.scan import geometry
from engine_edge.scan.falloff import even_light, falloff_gain

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaptureSettings:
    """How the print is flattened; ``aspect_snap`` is a relative tolerance (0 = never snap)."""

    focal_ratio: float = 1.0  # lens focal length / frame width, used when perspective cannot tell
    aspect_snap: float = 0.015
    max_side_px: int = 4000  # cap on the rectified print's longest side
    glare_margin: int = 18  # grey levels a frame must exceed the burst's darkest value by
    even_light: bool = True  # lift the darker side of an unevenly lit print (see falloff.py)


def output_size(
    corners: np.ndarray, frame_size: tuple[int, int], settings: CaptureSettings
) -> tuple[int, int]:
    """(width, height) of the flat print: the true aspect ratio at the resolution the camera saw."""
    aspect = geometry.snap_aspect(
        geometry.true_aspect(corners, frame_size, settings.focal_ratio), settings.aspect_snap
    )
    sides = geometry.side_lengths(corners)
    width = max(sides[0], sides[2])
    height = max(sides[1], sides[3])
    # Keep the longer measured side and derive the other from the aspect ratio.
    if width / aspect >= height:
        height = width / aspect
    else:
        width = height * aspect
    scale = min(1.0, settings.max_side_px / max(width, height))
    return max(8, round(width * scale)), max(8, round(height * scale))


def rectify(frame: np.ndarray, corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Warp the quadrilateral ``corners`` of ``frame`` to an upright image of ``size``."""
    w, h = size
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    # Corners are outline positions; pixel centres sit half a pixel inside them.
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    shift = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]], np.float64)
    return cv2.warpPerspective(
        frame, shift @ matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def capture_print(
    frames: list[np.ndarray],
    quad: np.ndarray | list[np.ndarray],
    settings: CaptureSettings = CaptureSettings(),
) -> np.ndarray:
    """Rectify a burst (one or more RGB frames) and fuse it into one print without glare.

    ``quad`` is either one set of corners for every frame (fixed camera) or one per frame.
    """
    if not frames:
        raise ImageUnreadable("No camera frames arrived; check the camera and try again.")
    quads = list(quad) if isinstance(quad, list) else [quad] * len(frames)
    h, w = frames[0].shape[:2]
    size = output_size(quads[0], (w, h), settings)
    flats = [rectify(f, q, size) for f, q in zip(frames, quads, strict=True)]
    flat = flats[0] if len(flats) == 1 else fuse_burst(align_burst(flats), settings.glare_margin)
    gain = falloff_gain(frames[0], quads[0], size) if settings.even_light else None
    return flat if gain is None else even_light(flat, gain)


def align_burst(flats: list[np.ndarray]) -> list[np.ndarray]:
    """Shift each rectified frame onto the first by phase correlation on a small copy."""
    ref = flats[0]
    h, w = ref.shape[:2]
    scale = min(1.0, 512 / max(h, w))
    small = (max(8, round(w * scale)), max(8, round(h * scale)))

    def prep(img: np.ndarray) -> np.ndarray:
        grey = cv2.cvtColor(
            cv2.resize(img, small, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY
        )
        return grey.astype(np.float32)

    window = cv2.createHanningWindow(small, cv2.CV_32F)
    ref_small = prep(ref)
    out = [ref]
    for img in flats[1:]:
        (dx, dy), response = cv2.phaseCorrelate(ref_small, prep(img), window)
        if response < 0.05 or abs(dx) > 0.05 * small[0] or abs(dy) > 0.05 * small[1]:
            log.debug("burst frame not aligned (response %.2f, shift %.1f, %.1f)", response, dx, dy)
            out.append(img)
            continue
        matrix = np.array([[1, 0, -dx / scale], [0, 1, -dy / scale]], np.float32)
        out.append(cv2.warpAffine(img, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE))
    return out


def fuse_burst(flats: list[np.ndarray], glare_margin: int = 18) -> np.ndarray:
    """One image from an aligned burst: the first frame, except where it shows glare.

    Glare is where a frame is much brighter than the darkest frame at that pixel; there the
    lower median of the burst (the darkest value for two or three frames) is used, blended
    over a few pixels so no seam shows.
    """
    stack = np.stack(flats)
    luma = stack.max(axis=3)  # a reflection brightens every channel; max is cheap and safe
    darkest = luma.min(axis=0)
    excess = (luma[0].astype(np.float32) - darkest) / glare_margin
    if not (excess > 1.0).any():
        return flats[0]
    k = len(flats)
    rank = (k - 1) // 2 if k > 3 else 0
    order = np.argsort(luma, axis=0, kind="stable")
    chosen = np.take_along_axis(stack, order[rank][None, ..., None].repeat(3, axis=3), axis=0)[0]
    # Soft weight: a reflection fades out gradually, and so must its replacement, or its
    # faint halo stays (and levels later make it visible).
    weight = np.clip(excess - 0.25, 0.0, 1.0)
    weight = cv2.GaussianBlur(cv2.dilate(weight, np.ones((5, 5), np.uint8)), (0, 0), 2.0)[..., None]
    fused = flats[0].astype(np.float32) * (1 - weight) + chosen.astype(np.float32) * weight
    return np.clip(fused + 0.5, 0, 255).astype(np.uint8)

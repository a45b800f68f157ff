"""Rotated square regions of interest: crop them for a model, map model points back.

MediaPipe crops each face (and each eye) as a square rotated so the eyes are
level, which is what makes faces turned ±45° in the picture plane work. A crop
of side ``size`` pixels maps point ``u`` to ``center + R(rotation) · (u/size − ½) · side``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Roi:
    """A square region in image pixels, rotated by ``rotation_rad`` (clockwise on screen)."""

    center_x: float
    center_y: float
    side_px: float
    rotation_rad: float

    def crop_to_image(self, size: int) -> np.ndarray:
        """2x3 affine matrix from crop pixel coordinates to image pixel coordinates."""
        c, s = math.cos(self.rotation_rad), math.sin(self.rotation_rad)
        k = self.side_px / size
        linear = np.array([[c * k, -s * k], [s * k, c * k]])
        offset = np.array([self.center_x, self.center_y]) - linear @ np.array([size / 2, size / 2])
        return np.hstack([linear, offset[:, None]])

    def crop(self, image: np.ndarray, size: int, *, pad_black: bool = False) -> np.ndarray:
        """The region resampled to size x size, pixel for pixel as MediaPipe samples it.

        MediaPipe's ImageToTensor warps with the OpenCV 4 it ships
        (warpPerspective): each source coordinate rounded to 1/32 px, fixed-point
        bilinear weights. OpenCV 5's warps interpolate more exactly, which moves
        crop pixels by up to 3 grey levels, the detector's boxes by ~0.1 % and
        every landmark with them. Remapping through 1/32-px fixed-point maps
        (CV_16SC2) reproduces MediaPipe's pixels. Outside the image the edge is
        replicated (landmark crops) or, with ``pad_black``, zero (the detector's
        letterbox).
        """
        import cv2

        m = self.crop_to_image(size)
        grid = np.arange(size, dtype=np.float64)
        u, v = np.meshgrid(grid, grid)
        x = (m[0, 0] * u + m[0, 1] * v + m[0, 2]).astype(np.float32)
        y = (m[1, 0] * u + m[1, 1] * v + m[1, 2]).astype(np.float32)
        fixed_xy, fraction = cv2.convertMaps(x, y, cv2.CV_16SC2)
        return cv2.remap(
            image,
            fixed_xy,
            fraction,
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT if pad_black else cv2.BORDER_REPLICATE,
        )

    def to_image(self, points: np.ndarray, size: int) -> np.ndarray:
        """Map (N, 2+) crop points to image pixels; a z column is scaled like x and y."""
        m = self.crop_to_image(size)
        out = np.array(points, dtype=np.float64, copy=True)
        out[:, :2] = points[:, :2] @ m[:, :2].T + m[:, 2]
        if out.shape[1] > 2:
            out[:, 2] = points[:, 2] * self.side_px / size
        return out


def normalize_angle(angle_rad: float) -> float:
    return angle_rad - 2 * math.pi * math.floor((angle_rad + math.pi) / (2 * math.pi))


def level_rotation(start: np.ndarray, end: np.ndarray) -> float:
    """Rotation that makes the start→end line (right eye → left eye) horizontal."""
    return normalize_angle(-math.atan2(-(end[1] - start[1]), end[0] - start[0]))


def roi_from_box(box: np.ndarray, start_xy: np.ndarray, end_xy: np.ndarray, scale: float) -> Roi:
    """MediaPipe's detection → ROI: box centre, longer side × scale, levelled by the eyes."""
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0) * scale
    return Roi(
        float((x0 + x1) / 2), float((y0 + y1) / 2), float(side), level_rotation(start_xy, end_xy)
    )

"""What face analysis hands to every later stage.

Landmarks follow MediaPipe's 478-point topology (468 mesh points, then the
five points of each iris), so the published mesh triangulation and the
canonical face model apply to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LANDMARK_COUNT = 478


@dataclass(frozen=True)
class HeadPose:
    yaw_deg: float
    pitch_deg: float
    roll_deg: float


@dataclass(frozen=True)
class Face:
    """One face in image pixel coordinates of the analysed photo."""

    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels
    score: float  # detector confidence, 0..1
    # (478, 3) float32: x, y in pixels; z relative depth in pixels (smaller = nearer)
    landmarks: np.ndarray
    iris_left: tuple[float, float]
    iris_right: tuple[float, float]
    pose: HeadPose
    too_small: bool = False  # under about 30 px across: found, but not animated

    @property
    def width_px(self) -> float:
        return float(self.box[2] - self.box[0])

    @property
    def interocular_px(self) -> float:
        """Distance between the outer eye corners (33 and 263), the usual NME normaliser."""
        return float(np.linalg.norm(self.landmarks[33, :2] - self.landmarks[263, :2]))


@dataclass(frozen=True)
class Analysis:
    """Everything analysis found in one photo."""

    image_size: tuple[int, int]  # width, height in pixels
    faces: tuple[Face, ...]
    person_mask: np.ndarray  # (height, width) float32 in 0..1, 1 = person
    backend: str
    precision: str
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def animatable_faces(self) -> tuple[Face, ...]:
        return tuple(f for f in self.faces if not f.too_small)

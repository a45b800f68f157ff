"""478 face landmarks from MediaPipe's attention face-mesh model, as its FaceMesh does.

The model sees a 192 px crop levelled by the detector's eye keypoints and
returns a 468-point mesh plus refined lips (80 points), eye regions (71 each)
and irises (5 each). The refined x, y replace the mesh's (depth stays the
mesh's), and each iris gets the mean depth of its eye's 16 contour points,
exactly as MediaPipe's LandmarksRefinementCalculator combines them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine_edge.analysis.geometry import Roi
from engine_edge.analysis.models import Models
from engine_edge.analysis.topology import REFINEMENT

MESH_SIZE = 192
FACE_ROI_SCALE = 1.5
MODEL = "face_landmark_attention"
# (output, mesh indices) in the model's output order after the 468-point mesh
_PARTS = (
    ("lips", REFINEMENT["lips"]),
    ("left_eye", REFINEMENT["left_eye"]),  # MediaPipe's "left": the eye on the image's left
    ("right_eye", REFINEMENT["right_eye"]),
    ("left_iris", tuple(range(468, 473))),
    ("right_iris", tuple(range(473, 478))),
)
EYE_CONTOUR_POINTS = 16  # the first 16 points of each eye region: the lid contour


@dataclass(frozen=True)
class MeshResult:
    landmarks: np.ndarray  # (478, 3) image pixels, z in pixels (smaller = nearer)
    presence: float  # the model's face-presence probability


def combine(outputs: list[np.ndarray]) -> np.ndarray:
    """The model's seven outputs -> (478, 3) points in crop pixels."""
    mesh = outputs[0].reshape(468, 3)
    points = np.zeros((478, 3), np.float64)
    points[:468] = mesh
    for (_, indices), raw in zip(_PARTS, outputs[1:6], strict=True):
        points[list(indices), :2] = raw.reshape(-1, 2)
    for iris, eye in (
        (slice(468, 473), REFINEMENT["left_eye"]),
        (slice(473, 478), REFINEMENT["right_eye"]),
    ):
        points[iris, 2] = mesh[list(eye[:EYE_CONTOUR_POINTS]), 2].mean()
    return points


def landmarks_478(image: np.ndarray, roi: Roi, models: Models) -> MeshResult:
    crop = roi.crop(image, MESH_SIZE).astype(np.float32) / 255.0
    outputs = models.run(MODEL, crop[None])
    flag = float(np.clip(outputs[6].reshape(-1)[0], -100, 100))
    points = roi.to_image(combine(outputs), MESH_SIZE).astype(np.float32)
    return MeshResult(points, float(1 / (1 + np.exp(-flag))))

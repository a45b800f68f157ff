"""478 face landmarks: MediaPipe's 468-point face mesh plus its iris model.

The mesh model sees a 192 px crop levelled by the eyes; each eye is then
cropped (2.3x its corner distance, levelled by its corners) for the iris
model, which returns 71 refined eye-contour points and 5 iris points. The
right eye is mirrored first because the model was trained on left eyes only.
The iris points become landmarks 468..477, as in MediaPipe's refined mesh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine_edge.analysis.geometry import Roi, roi_from_points
from engine_edge.analysis.models import Models

MESH_SIZE = 192
IRIS_SIZE = 64
FACE_ROI_SCALE = 1.5
EYE_ROI_SCALE = 2.3
# eye corners (outer, inner) in mesh indices; the right eye is the person's right
RIGHT_EYE_CORNERS = (33, 133)
LEFT_EYE_CORNERS = (362, 263)


@dataclass(frozen=True)
class MeshResult:
    landmarks: np.ndarray  # (478, 3) image pixels, z in pixels
    presence: float  # the mesh model's face-presence probability


def run_mesh(image: np.ndarray, roi: Roi, models: Models) -> tuple[np.ndarray, float]:
    crop = roi.crop(image, MESH_SIZE).astype(np.float32) / 255.0
    raw, flag = models.run("face_landmark", crop[None])
    points = raw.reshape(468, 3)
    presence = float(1 / (1 + np.exp(-np.clip(flag.reshape(-1)[0], -100, 100))))
    return roi.to_image(points, MESH_SIZE), presence


def run_iris(
    image: np.ndarray, mesh: np.ndarray, corners: tuple[int, int], mirror: bool, models: Models
) -> tuple[np.ndarray, np.ndarray]:
    """(71, 3) eye contour and (5, 3) iris points in image pixels for one eye."""
    roi = roi_from_points(mesh[list(corners)], 0, 1, EYE_ROI_SCALE)
    crop = roi.crop(image, IRIS_SIZE).astype(np.float32) / 255.0
    if mirror:
        crop = crop[:, ::-1]
    contour, iris = models.run("iris_landmark", np.ascontiguousarray(crop[None]))
    contour = contour.reshape(71, 3).astype(np.float64)
    iris = iris.reshape(5, 3).astype(np.float64)
    if mirror:
        contour[:, 0] = IRIS_SIZE - contour[:, 0]
        iris[:, 0] = IRIS_SIZE - iris[:, 0]
    return roi.to_image(contour, IRIS_SIZE), roi.to_image(iris, IRIS_SIZE)


def landmarks_478(image: np.ndarray, roi: Roi, models: Models) -> MeshResult:
    mesh, presence = run_mesh(image, roi, models)
    # corners as (start, end) = (person's right side, person's left side) so the crop is upright
    _, right_iris = run_iris(
        image, mesh, (RIGHT_EYE_CORNERS[0], RIGHT_EYE_CORNERS[1]), True, models
    )
    _, left_iris = run_iris(image, mesh, (LEFT_EYE_CORNERS[0], LEFT_EYE_CORNERS[1]), False, models)
    # iris depth: the model's z is relative to the eye; anchor it at the eye corners' depth
    right_iris[:, 2] += mesh[list(RIGHT_EYE_CORNERS), 2].mean()
    left_iris[:, 2] += mesh[list(LEFT_EYE_CORNERS), 2].mean()
    points = np.concatenate([mesh, right_iris, left_iris]).astype(np.float32)
    return MeshResult(points, presence)

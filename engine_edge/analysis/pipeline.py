"""analyse(): every face in one photo, with landmarks, irises, pose, and the person mask."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import numpy as np

from engine_edge.analysis.detect import (
    Detection,
    covered,
    detection_passes,
    looks_like_a_group,
)
from engine_edge.analysis.geometry import roi_from_box
from engine_edge.analysis.landmarks import FACE_ROI_SCALE, landmarks_478
from engine_edge.analysis.models import Models
from engine_edge.analysis.pose import head_pose
from engine_edge.analysis.segment import person_mask
from engine_edge.errors import ImageUnreadable, NoFaceFound
from engine_edge.face import Analysis, Face

MIN_FACE_PX = 30.0  # narrower faces are reported as too small to animate
MIN_PRESENCE = 0.5  # the mesh model's own "this is a face" check rejects false detections
DUPLICATE_IOU = 0.5

T = TypeVar("T")


def _timed(timings: dict[str, float], stage: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = fn()
    timings[stage] = timings.get(stage, 0.0) + (time.perf_counter() - start) * 1000.0
    return result


def check_image(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        raise ImageUnreadable("analysis needs an RGB image (height x width x 3).")
    if image.shape[0] < 8 or image.shape[1] < 8:
        raise ImageUnreadable("The photo is too small to contain a face; scan it larger.")
    return np.ascontiguousarray(image, dtype=np.uint8)


def _box_of(points: np.ndarray) -> tuple[float, float, float, float]:
    return (
        float(points[:, 0].min()),
        float(points[:, 1].min()),
        float(points[:, 0].max()),
        float(points[:, 1].max()),
    )


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union > 0 else 0.0


def face_from_detection(image: np.ndarray, det: Detection, models: Models) -> Face | None:
    """Landmarks, irises and pose for one detection; None when the mesh model rejects it.

    A face narrower than MIN_FACE_PX is kept (as too small to animate) on the
    detector's word alone: the mesh model's presence check is unreliable that small.
    """
    roi = roi_from_box(det.box, det.keypoints[0], det.keypoints[1], FACE_ROI_SCALE)
    mesh = landmarks_478(image, roi, models)
    tiny = det.width_px < MIN_FACE_PX
    if mesh.presence < MIN_PRESENCE and not tiny:
        return None
    pts = mesh.landmarks
    box = tuple(float(v) for v in det.box) if tiny else _box_of(pts[:468])
    return Face(
        box=box,  # type: ignore[arg-type]
        score=det.score,
        landmarks=pts,
        iris_left=(float(pts[473, 0]), float(pts[473, 1])),
        iris_right=(float(pts[468, 0]), float(pts[468, 1])),
        pose=head_pose(pts),
        too_small=(box[2] - box[0]) < MIN_FACE_PX,
    )


@dataclass(frozen=True)
class FaceSearch:
    """The faces one image's detection passes found (largest first), and what was searched."""

    faces: tuple[Face, ...]
    passes: tuple[str, ...]


def find_faces(image: np.ndarray, models: Models, timings: dict[str, float]) -> FaceSearch:
    """Every face in a checked image, without the person mask: ever wider detection passes
    until the faces found look like a portrait. Stage times are added to ``timings``."""
    h, w = image.shape[:2]
    faces: list[Face] = []
    accepted: list[np.ndarray] = []  # detection boxes of the faces kept so far
    passes: list[str] = []
    searches = detection_passes(image, models, MIN_FACE_PX)
    while True:
        step = _timed(timings, "detect_ms", lambda: next(searches, None))
        if step is None:
            break
        passes.append(step[0])
        for det in step[1]:
            if covered(det, accepted):
                continue  # the same face seen by another detector or a neighbouring tile
            face = _timed(timings, "landmarks_ms", partial(face_from_detection, image, det, models))
            if face is not None and all(_iou(face.box, f.box) < DUPLICATE_IOU for f in faces):
                faces.append(face)
                accepted.append(det.box)
        if not looks_like_a_group([f.width_px for f in faces], w, h):
            break
    faces.sort(key=lambda f: -f.width_px)
    return FaceSearch(tuple(faces), tuple(passes))


def with_mask(
    image: np.ndarray, faces: tuple[Face, ...], models: Models, timings: dict[str, float]
) -> Analysis:
    """The Analysis of a checked image whose faces are found: its person mask added."""
    h, w = image.shape[:2]
    mask = _timed(timings, "mask_ms", lambda: person_mask(image, models))
    timings["total_ms"] = sum(timings.values())
    return Analysis(
        (w, h),
        faces,
        mask,
        models.backend,
        models.precision,
        {k: round(v, 2) for k, v in timings.items()},
    )


def analyse(image_rgb: np.ndarray, models: Models, *, require_face: bool = False) -> Analysis:
    """Find every face (largest first) and the person mask in one RGB uint8 photo.

    A photo with no face returns an Analysis with ``faces == ()``, unless
    ``require_face`` is set: then :class:`NoFaceFound` says what was searched
    and whether faces were found but were too small to animate. The photo is
    analysed as it lies: ``engine_edge.analysis.orient.analyse_upright`` also
    turns a photo lying on its side.
    """
    image = check_image(image_rgb)
    timings: dict[str, float] = {}
    search = find_faces(image, models, timings)
    analysis = with_mask(image, search.faces, models, timings)
    if require_face and not analysis.animatable_faces:
        raise NoFaceFound(no_face_message(analysis, list(search.passes)))
    return analysis


def no_face_message(analysis: Analysis, passes: list[str], *, turned: bool = False) -> str:
    """Say what was searched, and what to do, for a photo without a usable face.

    ``turned``: the searches were repeated with the photo turned on each side, so the
    advice to lay it upright would be no help.
    """
    tried = "; ".join(passes)
    if analysis.faces:
        sizes = ", ".join(f"{f.width_px:.0f}px" for f in analysis.faces)
        return (
            f"Found {len(analysis.faces)} face(s) ({sizes} wide) but all are smaller than "
            f"{MIN_FACE_PX:.0f}px, too small to animate. Scan the photo larger or crop "
            f"closer to the face. Searched: {tried}."
        )
    how = "" if turned else ", upright or tilted less than 45 degrees"
    return (
        f"No face found in the photo. Use a photo where a face is clearly visible{how}, "
        f"at least {MIN_FACE_PX:.0f}px across. Searched: {tried}."
    )

"""Measure a clip frame by frame: eyes, mouth, rigid shape and position of every face.

Each face is tracked as MediaPipe's FaceMesh tracks in video mode: the next
frame's crop comes from the previous frame's landmarks (their box × 1.5,
levelled by the outer eye corners), so only the landmark model runs per
frame. Frame 0 of a clip is the photo itself, so the reference landmarks are
the photo's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine_edge.analysis.geometry import roi_from_box
from engine_edge.analysis.landmarks import landmarks_478

TRACK_ROI_SCALE = 1.5
# Below this eye distance the mesh's own noise is as large as what the checks look for.
MIN_CHECK_IOD_PX = 36.0
MIN_PRESENCE = 0.5
# (outer corner, inner corner, three upper/lower lid pairs), MediaPipe indices, person's eyes.
EYES = (
    (263, 362, ((385, 380), (386, 374), (387, 373))),  # left
    (33, 133, ((158, 153), (159, 145), (160, 144))),  # right
)
MOUTH_GAP = (13, 14)  # inner lips, middle
MOUTH_CORNERS = (78, 308)  # inner lip corners
# Points a blink, a smile or speech leaves alone: eye corners, nose bridge and ridge, forehead.
RIGID = (33, 133, 362, 263, 168, 6, 197, 195, 5, 10, 151, 9, 8, 109, 338)


@dataclass
class FaceSeries:
    """Measures of one face at the checked frames (parallel lists)."""

    interocular_px: float
    reference: np.ndarray  # (len(RIGID), 2) rigid points of the photo
    frames: list[int] = field(default_factory=list)
    openness: list[tuple[float, float]] = field(default_factory=list)  # left, right
    mouth_open: list[float] = field(default_factory=list)
    centroid: list[tuple[float, float]] = field(default_factory=list)
    shape_drift: list[float] = field(default_factory=list)  # in eye distances
    lost: int = 0

    @property
    def measurable(self) -> bool:
        return self.interocular_px >= MIN_CHECK_IOD_PX

    def eyes(self) -> np.ndarray:
        return np.asarray(self.openness, np.float64).reshape(-1, 2)

    def in_frame_order(self) -> FaceSeries:
        """The same measures sorted by frame: a loop is rendered from its own last frames on
        (its hidden lead), so they arrive out of order."""
        order = np.argsort(self.frames, kind="stable")

        def ordered(values: list[Any]) -> list[Any]:
            return [values[int(i)] for i in order]

        return replace(
            self,
            frames=ordered(self.frames),
            openness=ordered(self.openness),
            mouth_open=ordered(self.mouth_open),
            centroid=ordered(self.centroid),
            shape_drift=ordered(self.shape_drift),
        )


def eye_openness(points: np.ndarray) -> tuple[float, float]:
    """Lid gap over eye width, per eye: about 0.25-0.35 open, under 0.1 closed."""
    out = []
    for outer, inner, pairs in EYES:
        width = float(np.linalg.norm(points[outer, :2] - points[inner, :2]))
        gap = float(np.mean([np.linalg.norm(points[a, :2] - points[b, :2]) for a, b in pairs]))
        out.append(gap / max(width, 1e-6))
    return out[0], out[1]


def mouth_opening(points: np.ndarray) -> float:
    gap = float(np.linalg.norm(points[MOUTH_GAP[0], :2] - points[MOUTH_GAP[1], :2]))
    width = float(np.linalg.norm(points[MOUTH_CORNERS[0], :2] - points[MOUTH_CORNERS[1], :2]))
    return gap / max(width, 1e-6)


def similarity_residual(src: np.ndarray, dst: np.ndarray) -> float:
    """RMS distance left after the best rotation + scale + shift of src onto dst (Umeyama)."""
    ms, md = src.mean(0), dst.mean(0)
    a, b = src - ms, dst - md
    u, s, vt = np.linalg.svd(b.T @ a)
    d = np.sign(np.linalg.det(u @ vt))
    rot = u @ np.diag([1.0, d]) @ vt
    scale = (s * [1.0, d]).sum() / max((a**2).sum(), 1e-9)
    fitted = scale * a @ rot.T
    return float(np.sqrt(((fitted - b) ** 2).sum(1).mean()))


class ClipInspector:
    """Feed it frames; it keeps a few numbers per face per checked frame (never the frames)."""

    def __init__(
        self,
        models,  # type: ignore[no-untyped-def]  # engine_edge.analysis.Models
        reference: Sequence[np.ndarray],
        *,
        every: int = 3,
        extra_frames: Iterable[int] = (),
    ) -> None:
        self.models = models
        self.every = max(1, every)
        self.extra = frozenset(extra_frames)
        self._seen: set[int] = set()
        self.previous = [np.asarray(r, np.float32) for r in reference]
        self.series = [
            FaceSeries(
                float(np.linalg.norm(r[33, :2] - r[263, :2])),
                np.asarray(r[list(RIGID), :2], np.float64),
            )
            for r in reference
        ]

    def wants(self, index: int) -> bool:
        """Each checked frame once: a loop renders some frames twice (its hidden lead and
        trail), and measured twice its one blink counted as two, which failed the check."""
        return (index % self.every == 0 or index in self.extra) and index not in self._seen

    def in_frame_order(self) -> list[FaceSeries]:
        return [s.in_frame_order() for s in self.series]

    def add(self, index: int, frame_rgb: np.ndarray) -> None:
        self._seen.add(index)
        for k, series in enumerate(self.series):
            if not series.measurable:
                continue
            prev = self.previous[k]
            box = np.array([prev[:, 0].min(), prev[:, 1].min(), prev[:, 0].max(), prev[:, 1].max()])
            roi = roi_from_box(box, prev[33, :2], prev[263, :2], TRACK_ROI_SCALE)
            mesh = landmarks_478(frame_rgb, roi, self.models)
            if mesh.presence < MIN_PRESENCE:
                series.lost += 1
                continue
            pts = mesh.landmarks
            self.previous[k] = pts
            series.frames.append(index)
            series.openness.append(eye_openness(pts))
            series.mouth_open.append(mouth_opening(pts))
            rigid = pts[list(RIGID), :2].astype(np.float64)
            series.centroid.append((float(rigid[:, 0].mean()), float(rigid[:, 1].mean())))
            drift = similarity_residual(rigid, series.reference)
            series.shape_drift.append(drift / max(series.interocular_px, 1e-6))

"""Face detection: MediaPipe's BlazeFace short- and full-range models, SSD decoding, NMS.

The short-range model (128 px input) is what MediaPipe's FaceMesh uses for a
portrait; the full-range model (192 px, one anchor every 4 px) finds smaller
faces. Group photos are searched again in overlapping tiles so faces down to
about 30 px across are found; each detection keeps the six keypoints (eyes,
nose, mouth, ears) whose eye pair levels the landmark crop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from engine_edge.analysis.models import Models


@dataclass(frozen=True)
class DetectorSpec:
    model: str
    size: int
    strides: tuple[int, ...]
    anchors_per_layer: int  # aspect ratio 1.0 (+ the interpolated scale when 2)
    min_score: float


SHORT_RANGE = DetectorSpec("face_detection_short_range", 128, (8, 16, 16, 16), 2, 0.5)
FULL_RANGE = DetectorSpec("face_detection_full_range", 192, (4,), 1, 0.6)
NMS_IOU = 0.3
TILE_MIN_FACE_FRACTION = 0.12  # a face smaller than this share of the image suggests a group


@dataclass(frozen=True)
class Detection:
    box: np.ndarray  # x0, y0, x1, y1 in image pixels
    score: float
    keypoints: np.ndarray  # (6, 2) pixels: right eye, left eye, nose, mouth, right ear, left ear

    @property
    def width_px(self) -> float:
        return float(self.box[2] - self.box[0])


@cache
def anchors(spec: DetectorSpec) -> np.ndarray:
    """SSD anchor centres (N, 2) in 0..1, in MediaPipe's order (layers of equal stride merged)."""
    centres = []
    layer = 0
    while layer < len(spec.strides):
        stride = spec.strides[layer]
        same = sum(1 for s in spec.strides[layer:] if s == stride)
        per_cell = same * spec.anchors_per_layer
        cells = math.ceil(spec.size / stride)
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        grid = np.stack([(xs + 0.5) / cells, (ys + 0.5) / cells], axis=-1).reshape(-1, 2)
        centres.append(np.repeat(grid, per_cell, axis=0))
        layer += same
    return np.concatenate(centres).astype(np.float32)


def _letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float, float, float]:
    """Fit the image into size x size (aspect kept, padded), values in [-1, 1]."""
    import cv2

    h, w = image.shape[:2]
    scale = size / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, (nw, nh), interpolation=interp)
    pad_x, pad_y = (size - nw) / 2, (size - nh) / 2
    canvas = np.zeros((size, size, 3), np.float32)
    x0, y0 = int(pad_x), int(pad_y)
    canvas[y0 : y0 + nh, x0 : x0 + nw] = resized.astype(np.float32) / 127.5 - 1.0
    return canvas, scale, float(x0), float(y0)


def run_detector(
    image: np.ndarray, models: Models, spec: DetectorSpec, offset: tuple[float, float] = (0, 0)
) -> list[Detection]:
    """Detections (before NMS) of one detector on one image or tile, in image pixels."""
    tensor, scale, pad_x, pad_y = _letterbox(image, spec.size)
    raw_boxes, raw_scores = models.run(spec.model, tensor[None])
    logits = np.clip(raw_scores.reshape(-1), -100, 100)
    scores = 0.5 * (1 + np.tanh(0.5 * logits))  # sigmoid without overflow
    keep = np.nonzero(scores >= spec.min_score)[0]
    if keep.size == 0:
        return []
    a = anchors(spec)[keep]
    raw = raw_boxes.reshape(-1, 16)[keep] / spec.size
    centre = raw[:, :2] + a
    half = raw[:, 2:4] / 2
    points = np.concatenate([centre - half, centre + half, raw[:, 4:] + np.tile(a, 6)], axis=1)
    points = points * spec.size  # letterboxed pixels
    points[:, 0::2] = (points[:, 0::2] - pad_x) / scale + offset[0]
    points[:, 1::2] = (points[:, 1::2] - pad_y) / scale + offset[1]
    return [
        Detection(p[:4].copy(), float(s), p[4:].reshape(6, 2).copy())
        for p, s in zip(points, scores[keep], strict=True)
    ]


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def weighted_nms(detections: list[Detection], iou: float = NMS_IOU) -> list[Detection]:
    """MediaPipe's weighted NMS: overlapping detections are averaged, weighted by score."""
    remaining = sorted(detections, key=lambda d: -d.score)
    merged = []
    while remaining:
        boxes = np.array([d.box for d in remaining])
        overlap = _iou(remaining[0].box, boxes) > iou
        group = [d for d, o in zip(remaining, overlap, strict=True) if o]
        weights = np.array([d.score for d in group])[:, None]
        box = (np.array([d.box for d in group]) * weights).sum(0) / weights.sum()
        kps = (np.array([d.keypoints for d in group]) * weights[:, :, None]).sum(0) / weights.sum()
        merged.append(Detection(box, remaining[0].score, kps))
        remaining = [d for d, o in zip(remaining, overlap, strict=True) if not o]
    return merged


def tiles(width: int, height: int, tile_px: int) -> list[tuple[int, int, int, int]]:
    """Overlapping square tiles (x0, y0, x1, y1) covering the image, overlap ≥ a quarter."""

    def starts(length: int) -> list[int]:
        if length <= tile_px:
            return [0]
        count = math.ceil((length - tile_px) / (tile_px * 0.75)) + 1
        return [round(i * (length - tile_px) / (count - 1)) for i in range(count)]

    return [
        (x, y, min(x + tile_px, width), min(y + tile_px, height))
        for y in starts(height)
        for x in starts(width)
    ]


def detect_faces(
    image: np.ndarray, models: Models, min_face_px: float = 30.0
) -> tuple[list[Detection], list[str]]:
    """Every face in the image, and a description of each search pass (for NoFaceFound).

    Pass 1 runs both detectors on the whole image. When it finds nothing, or
    only faces that are small for the picture (a group photo), pass 2 searches
    overlapping tiles sized so a ``min_face_px`` face spans about 16 detector pixels.
    """
    h, w = image.shape[:2]
    found = run_detector(image, models, SHORT_RANGE) + run_detector(image, models, FULL_RANGE)
    passes = [f"whole image ({w}x{h}) with the short- and full-range detectors"]
    faces = weighted_nms(found)
    small = not faces or min(d.width_px for d in faces) < TILE_MIN_FACE_FRACTION * max(w, h)
    tile_px = int(min_face_px / 16 * FULL_RANGE.size)
    if small and max(w, h) > tile_px * 1.25:
        grid = tiles(w, h, tile_px)
        for x0, y0, x1, y1 in grid:
            found += run_detector(image[y0:y1, x0:x1], models, FULL_RANGE, (x0, y0))
        passes.append(f"{len(grid)} overlapping {tile_px}px tiles with the full-range detector")
        faces = weighted_nms(found)
    return faces, passes

"""Face detection: MediaPipe's BlazeFace short- and full-range models, SSD decoding, NMS.

The short-range model (128 px input) is what MediaPipe's FaceMesh uses for a
portrait; the full-range model (192 px, one anchor every 4 px) finds smaller
faces. Group photos are searched again in overlapping tiles so faces down to
about 30 px across are found; each detection keeps the six keypoints (eyes,
nose, mouth, ears) whose eye pair levels the landmark crop.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np

from engine_edge.analysis.geometry import Roi
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


def _letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, Roi]:
    """The image fitted into size x size (aspect kept, zero padding), values in [-1, 1].

    Sampled exactly like MediaPipe's ImageToTensor (see Roi.crop), so our
    detections, and the landmark crops built on them, match its own.
    """
    h, w = image.shape[:2]
    square = Roi(w / 2, h / 2, float(max(w, h)), 0.0)
    crop = square.crop(image, size, pad_black=True)
    return crop.astype(np.float32) / 127.5 - 1.0, square


def run_detector(
    image: np.ndarray, models: Models, spec: DetectorSpec, offset: tuple[float, float] = (0, 0)
) -> list[Detection]:
    """Detections (before NMS) of one detector on one image or tile, in image pixels."""
    tensor, square = _letterbox(image, spec.size)
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
    points = square.to_image((points * spec.size).reshape(-1, 2), spec.size).reshape(-1, 16)
    points[:, 0::2] += offset[0]
    points[:, 1::2] += offset[1]
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


def covered(det: Detection, boxes_xyxy: list[np.ndarray]) -> bool:
    """True when ``det`` is a face already found (overlapping a box, or centred inside one)."""
    if not boxes_xyxy:
        return False
    boxes = np.array(boxes_xyxy, dtype=np.float64)
    cx, cy = (det.box[0] + det.box[2]) / 2, (det.box[1] + det.box[3]) / 2
    inside = (boxes[:, 0] <= cx) & (cx <= boxes[:, 2]) & (boxes[:, 1] <= cy) & (cy <= boxes[:, 3])
    return bool(inside.any() or (_iou(det.box, boxes) > NMS_IOU).any())


def looks_like_a_group(face_widths_px: list[float], width: int, height: int) -> bool:
    """No face yet, or only faces small for the picture: worth searching harder."""
    return not face_widths_px or min(face_widths_px) < TILE_MIN_FACE_FRACTION * max(width, height)


def detection_passes(
    image: np.ndarray, models: Models, min_face_px: float = 30.0
) -> Iterator[tuple[str, list[Detection]]]:
    """Ever wider searches for faces, run lazily: (what was searched, detections).

    1. The short-range detector on the whole image, exactly as MediaPipe's
       FaceMesh, so the landmark crops match MediaPipe's.
    2. The full-range detector on the whole image (smaller faces).
    3. For larger images, overlapping tiles: the smallest sized so a
       ``min_face_px`` face spans ~16 detector pixels, then x3 larger levels;
       merged with pass 2.
    The caller stops once the faces it accepted look like a portrait, and skips
    detections that repeat a face it already has.
    """
    h, w = image.shape[:2]
    yield (
        f"whole image ({w}x{h}) with the short-range detector",
        weighted_nms(run_detector(image, models, SHORT_RANGE)),
    )
    found = run_detector(image, models, FULL_RANGE)
    yield "whole image with the full-range detector", weighted_nms(found)
    sizes = tile_sizes(w, h, int(min_face_px / 16 * FULL_RANGE.size))
    if sizes:
        count = 0
        for size in sizes:
            for x0, y0, x1, y1 in tiles(w, h, size):
                found += run_detector(image[y0:y1, x0:x1], models, FULL_RANGE, (x0, y0))
                count += 1
        yield (
            f"{count} overlapping tiles of {', '.join(f'{s}px' for s in sizes)} with the "
            "full-range detector",
            weighted_nms(found),
        )


def tile_sizes(width: int, height: int, smallest_px: int) -> list[int]:
    """Tile sides from ``smallest_px`` up, x3 per level, while smaller than the image.

    The smallest level finds the smallest faces; the larger ones find faces too big
    to sit inside one small tile but too small for the whole-image pass.
    """
    sizes = []
    size = smallest_px
    while max(width, height) > size * 1.25:
        sizes.append(size)
        size *= 3
    return sizes

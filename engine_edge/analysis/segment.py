"""Person mask for the whole photo: MediaPipe's selfie segmentation (256x256 input)."""

from __future__ import annotations

import numpy as np

from engine_edge.analysis.models import Models

SELFIE_SIZE = 256


def person_mask(image: np.ndarray, models: Models) -> np.ndarray:
    """(H, W) float32 in 0..1, 1 = person; the photo is squeezed to 256x256 like MediaPipe."""
    import cv2

    h, w = image.shape[:2]
    interp = cv2.INTER_AREA if max(h, w) > SELFIE_SIZE else cv2.INTER_LINEAR
    small = cv2.resize(image, (SELFIE_SIZE, SELFIE_SIZE), interpolation=interp)
    (mask,) = models.run("selfie_segmentation", (small.astype(np.float32) / 255.0)[None])
    mask = mask.reshape(SELFIE_SIZE, SELFIE_SIZE).astype(np.float32)
    return np.clip(cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR), 0.0, 1.0)

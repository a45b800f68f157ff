"""Hides the wrap of a looping clip: the step from its last frame back to its first.

A seamless loop is seamless only before H.264: the first decoded frame is a
fresh I-frame, the last one a P-frame after seconds of coding drift, so at
the wrap the whole person visibly pulses. The player knows both frames, so
it spreads their difference over the loop's last second: each of those frames
moves a small, equal part of the way towards the first, and the wrap becomes
one more ordinary step.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

BLEND_S = 1.0


@dataclass(frozen=True)
class SeamBlend:
    correction: np.ndarray  # float32 (H, W, 3): first decoded frame - last decoded frame
    dither: np.ndarray  # float32 (H, W, 3) in [-0.5, 0.5): where each pixel rounds up
    frame_count: int
    blend_frames: int

    @classmethod
    def between(
        cls, first: np.ndarray, last: np.ndarray, frame_count: int, fps: float
    ) -> SeamBlend:
        blend_frames = max(1, min(frame_count // 3, round(BLEND_S * fps)))
        correction = first.astype(np.float32) - last.astype(np.float32)
        # A fixed dither: each pixel takes its one-level steps on its own frame, so the
        # picture moves by an even share every frame instead of in a few jumps.
        dither = np.random.default_rng(0).random(first.shape, dtype=np.float32) - 0.5
        return cls(correction, dither, frame_count, blend_frames)

    def apply(self, index: int, frame: np.ndarray) -> np.ndarray:
        """The frame to show for decoded frame ``index`` (0-based) of the loop."""
        start = self.frame_count - self.blend_frames
        if index < start or frame.shape != self.correction.shape:
            return frame
        weight = (index - start + 1) / (self.blend_frames + 1)
        shift = cv2.scaleAdd(self.correction, weight, self.dither)
        return cv2.add(frame, shift, dtype=cv2.CV_8U)  # rounded to nearest and saturated

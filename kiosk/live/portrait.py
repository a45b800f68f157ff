"""What a live portrait is to the screen: a photo, a triangle mesh over it, and where
every vertex is in each frame. Plain numpy, so the render worker can send it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LivePortrait:
    photo: np.ndarray  # (H, W, 3) uint8: the texture
    uv: np.ndarray  # (N, 2) float32 in 0..1, texture coordinates (v down, like the photo)
    triangles: np.ndarray  # (T, 3) uint16/int32 vertex indices
    positions: np.ndarray  # (F, N, 2) float32 photo pixels, per frame
    fps: float

    @property
    def frame_count(self) -> int:
        return int(self.positions.shape[0])

    @property
    def size_px(self) -> tuple[int, int]:
        return int(self.photo.shape[1]), int(self.photo.shape[0])

"""The AI-animated mark over a portrait drawn live, placed as the engine places it in clips.

Clips carry the mark in their pixels (engine_edge.deliver.Label); a live mesh has no
pixels of its own, so the same mark is drawn over it as a small RGBA image, in the
same corner and at the same opacity ([label]).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine_edge.deliver import Label, LabelSettings


@dataclass(frozen=True)
class Mark:
    rgba: np.ndarray  # (h, w, 4) uint8, top row first
    offset_px: tuple[int, int]  # x, y of its top-left corner inside the picture (top-left origin)

    def bottom_left_in(self, picture_height_px: int) -> tuple[int, int]:
        """Its position with the origin at the picture's bottom-left corner (Kivy's)."""
        return self.offset_px[0], picture_height_px - self.offset_px[1] - self.rgba.shape[0]


def mark_for(picture_size_px: tuple[int, int], settings: LabelSettings) -> Mark | None:
    """The mark for a picture shown at ``picture_size_px`` (w, h); None when switched off."""
    if not settings.enabled:
        return None
    label = Label(picture_size_px, settings)
    rows, cols = label.slices
    rgba = np.concatenate([label.colour, label.alpha * 255.0], axis=2)
    return Mark(np.clip(np.rint(rgba), 0, 255).astype(np.uint8), (cols.start, rows.start))

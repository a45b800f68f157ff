"""What the render worker makes for the wall: a LivePortrait (the photo sized for the screen
and its rig) or a seamless loop clip."""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.live.portrait import LivePortrait

MAX_SIDE_PX = 1080


def screen_sized(photo: np.ndarray, max_side_px: int = MAX_SIDE_PX) -> np.ndarray:
    import cv2

    height, width = photo.shape[:2]
    scale = max_side_px / max(height, width)
    if scale >= 1:
        return photo
    size = (round(width * scale), round(height * scale))
    return cv2.resize(photo, size, interpolation=cv2.INTER_AREA)


def build_live_portrait(photo: np.ndarray, analysis: Any) -> LivePortrait:
    """The rig over ``photo``; ``analysis`` must be of this very photo."""
    from engine_edge.rig import build_rig

    return LivePortrait(photo=np.ascontiguousarray(photo), rig=build_rig(analysis))


def render_loop(
    photo: np.ndarray,
    analysis: Any,
    *,
    preset: str,
    seed: int,
    seconds: float,
    fps: float,
    label: Any,
    progress: Any = None,
    cancel: Any = None,
) -> bytes:
    """A seamless loop clip of ``photo`` for the tribute wall: the guest's look (lids,
    mouth interior, the AI-animated mark per [label]) with a fresh performance (``seed``)."""
    from engine_edge.pipeline import AnimateOptions, animate_photo

    options = AnimateOptions(
        preset=preset,
        seconds=seconds,
        fps=fps,
        format="original",
        loop=True,
        seed=seed,
        label=label,
    )
    clip = animate_photo(photo, options, None, progress=progress, cancel=cancel, analysis=analysis)
    return clip.mp4

"""Builds a LivePortrait from the engine's rig and performance (runs in the render worker)."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine_edge.errors import DeviceUnavailable
from kiosk.live.portrait import LivePortrait


def build_live_portrait(
    photo: np.ndarray, analysis: Any, *, preset: str, seconds: float, fps: int, seed: int
) -> LivePortrait:
    try:
        from engine_edge import rig as rig_module
    except ImportError as exc:
        raise DeviceUnavailable("Live playback needs the engine's rig.") from exc
    raise DeviceUnavailable(f"Live playback is not wired to {rig_module.__name__} yet.")

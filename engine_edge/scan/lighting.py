"""Lights under the print, and taking frames under different lights.

With a fixed camera, switching LED banks between frames moves the reflections
on a glossy print while the print stays put: the burst then fuses with trivial
alignment (the PhotoScan idea without moving the phone). The firmware bridge's
host driver implements :class:`LightControl`; :class:`NoLights` stands in when
there is no board.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class LightControl(Protocol):
    """Set the LED banks in ``bank_mask`` (bit i = bank i) to ``brightness`` 0..1."""

    def set_light(self, bank_mask: int, brightness: float, fade_ms: int = 0) -> None: ...


class NoLights:
    """No light board: every request is accepted and nothing changes."""

    def set_light(self, bank_mask: int, brightness: float, fade_ms: int = 0) -> None:
        return None


@dataclass(frozen=True)
class LightPattern:
    """Which banks are on, and how bright, for one frame of a burst."""

    bank_mask: int
    brightness: float = 1.0


# Four banks around the print: one side at a time moves each reflection somewhere else.
DEFAULT_PATTERNS = (LightPattern(0b0011), LightPattern(0b0110), LightPattern(0b1100))
ALL_BANKS = 0b1111


def frames_under_lights(
    grab: Callable[[], np.ndarray | None],
    lights: LightControl,
    patterns: Sequence[LightPattern] = DEFAULT_PATTERNS,
    *,
    settle_s: float = 0.08,
    sleep: Callable[[float], None] = time.sleep,
) -> list[np.ndarray]:
    """One frame per light pattern; all banks go back on afterwards.

    ``grab`` returns the newest frame (or None if the camera went away, which ends the
    burst early: the caller fuses what arrived). ``settle_s`` lets the LEDs and the
    camera's exposure of the next frame settle.
    """
    frames: list[np.ndarray] = []
    try:
        for pattern in patterns:
            lights.set_light(ALL_BANKS, 0.0)
            lights.set_light(pattern.bank_mask, pattern.brightness)
            sleep(settle_s)
            grab()  # the frame in flight was exposed under the previous light
            frame = grab()
            if frame is None:
                break
            frames.append(frame)
    finally:
        lights.set_light(ALL_BANKS, 1.0)
    return frames

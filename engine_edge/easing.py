"""The smooth 0-to-1 ramp that every fade, blend and motion in a portrait eases with.

A linear ramp starts and stops with a kink: a lid that closes linearly jerks at both ends,
and a mask that fades linearly shows its edge as a line. The cubic smoothstep has zero slope
at both ends.
"""

from __future__ import annotations

import numpy as np


def smoothstep(x: np.ndarray | float) -> np.ndarray:
    """0 at and below 0, 1 at and above 1, ``3x² - 2x³`` between."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)

"""A running median along a profile: the one smoothing that ignores a few outliers.

A lid's tone sampled along its arc dips where a lash or a glint is hit; a print's border
colour along one side is broken where a deckle bites or a dark object touches it. A
median over a window keeps the profile and drops those, where a mean would smear them.
"""

from __future__ import annotations

import numpy as np


def running_median(values: np.ndarray, window: int) -> np.ndarray:
    """The median of each ``window`` consecutive rows of ``values`` (n, ...), centred, the
    ends padded with the first and last rows: (n, ...) again."""
    pad = window // 2
    padded = np.pad(values, ((pad, window - 1 - pad),) + ((0, 0),) * (values.ndim - 1), mode="edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, window, axis=0), axis=-1)

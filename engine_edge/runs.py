"""Runs of consecutive True values along a 1-D mask.

Several measures ask where something holds for a stretch rather than where it holds at
all: a blink is a run of closed frames, a pause a run of quiet ones, a glasses rim a run
of dark pixels down one column.
"""

from __future__ import annotations

import numpy as np


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in ``mask``, half-open: ``mask[start:end]`` is all True."""
    edges = np.diff(np.concatenate(([0], np.asarray(mask).astype(np.int8), [0])))
    return list(
        zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True)
    )

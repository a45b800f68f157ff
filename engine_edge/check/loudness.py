"""The audio's loudness per video frame, for lip-sync and silence checks."""

from __future__ import annotations

import numpy as np


def frame_loudness(audio: np.ndarray, sample_rate: int, fps: float, frame_count: int) -> np.ndarray:
    """RMS of the mono audio over each frame's duration (zeros past the audio's end)."""
    mono = np.asarray(audio, np.float32)
    if mono.ndim > 1:
        mono = mono.mean(axis=1 if mono.shape[1] <= 8 else 0)
    out = np.zeros(frame_count, np.float32)
    per = sample_rate / fps
    for i in range(frame_count):
        chunk = mono[int(i * per) : int((i + 1) * per)]
        if chunk.size:
            out[i] = float(np.sqrt(np.mean(chunk.astype(np.float64) ** 2)))
    return out

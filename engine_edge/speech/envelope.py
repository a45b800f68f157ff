"""The speech envelope at the frame rate, and how well a mouth follows it.

This is the cheap lip-sync measure from ANCHORS.md: correlate a mouth-opening
series with the audio's RMS envelope over ±5 frames of lag, report the best
lag and a p-value from circular shifts. Tests, benchmarks and the closing
report all use this one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_LAG_FRAMES = 5
SHIFT_TRIALS = 400


@dataclass(frozen=True)
class SyncScore:
    r: float  # Pearson correlation at the best lag
    lag_frames: int  # positive: the mouth moves after the sound
    p_value: float  # share of circular shifts that correlate at least as well


def rms_envelope(samples: np.ndarray, sample_rate: int, fps: float, frame_count: int) -> np.ndarray:
    """RMS of the audio inside each frame's window [i/fps, (i+1)/fps); zeros past the end."""
    out = np.zeros(frame_count, dtype=np.float64)
    x = samples.astype(np.float64)
    for i in range(frame_count):
        lo = round(i / fps * sample_rate)
        hi = round((i + 1) / fps * sample_rate)
        chunk = x[lo : min(hi, x.shape[0])]
        if chunk.size:
            out[i] = np.sqrt(np.mean(chunk * chunk))
    return out


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    denominator = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


def _lagged(mouth: np.ndarray, envelope: np.ndarray, lag: int) -> float:
    """Correlation of mouth[t + lag] with envelope[t] over the overlapping frames."""
    if lag >= 0:
        return _pearson(mouth[lag:], envelope[: envelope.shape[0] - lag])
    return _pearson(mouth[:lag], envelope[-lag:])


def sync_score(
    mouth: np.ndarray, envelope: np.ndarray, max_lag: int = MAX_LAG_FRAMES, seed: int = 0
) -> SyncScore:
    """Best correlation over lags in ±max_lag, with a circular-shift p-value."""
    mouth = np.asarray(mouth, dtype=np.float64)
    envelope = np.asarray(envelope, dtype=np.float64)
    count = min(mouth.shape[0], envelope.shape[0])
    mouth, envelope = mouth[:count], envelope[:count]
    lags = range(-max_lag, max_lag + 1)
    scores = {lag: _lagged(mouth, envelope, lag) for lag in lags}
    best = max(scores, key=lambda lag: scores[lag])
    rng = np.random.default_rng(seed)
    shifts = rng.integers(max_lag + 1, max(max_lag + 2, count - max_lag), SHIFT_TRIALS)
    null = np.array([_pearson(np.roll(mouth, int(s)), envelope) for s in shifts])
    p_value = float((np.sum(null >= scores[best]) + 1) / (SHIFT_TRIALS + 1))
    return SyncScore(scores[best], best, p_value)

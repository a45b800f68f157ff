"""Integrated loudness after ITU-R BS.1770-4 (K-weighting, 400 ms blocks, two gates).

Clips from different sources (a synthesiser, a phone recording, a quiet
microphone) must play at the same level on the kiosk's speakers, so every line
is normalised to one target in LUFS rather than to a peak.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage, signal

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
BLOCK_S = 0.4
BLOCK_OVERLAP = 0.75
NORMALISE_ROUNDS = 4
NORMALISE_TOLERANCE_LU = 0.2


def _k_weighting(sample_rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two BS.1770 pre-filters, designed for any rate from their analogue prototypes.

    The standard lists coefficients at 48 kHz only; these formulas (the ones
    pyloudnorm uses) reproduce them there and follow the same curve elsewhere.
    """
    # Stage 1: high shelf, +4 dB above ~1.7 kHz (the head's acoustic effect).
    gain_db, q, fc = 3.999843853973347, 0.7071752369554196, 1681.974450955533
    k = np.tan(np.pi * fc / sample_rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf_b = np.array([(vh + vb * k / q + k * k), 2.0 * (k * k - vh), (vh - vb * k / q + k * k)])
    shelf_a = np.array([a0, 2.0 * (k * k - 1.0), 1.0 - k / q + k * k])
    # Stage 2: RLB high-pass at ~38 Hz.
    q, fc = 0.5003270373238773, 38.13547087602444
    k = np.tan(np.pi * fc / sample_rate)
    hp_b = np.array([1.0, -2.0, 1.0])
    hp_a = np.array([1.0 + k / q + k * k, 2.0 * (k * k - 1.0), 1.0 - k / q + k * k])
    return [(shelf_b / shelf_a[0], shelf_a / shelf_a[0]), (hp_b / hp_a[0], hp_a / hp_a[0])]


def integrated_loudness_lufs(samples: np.ndarray, sample_rate: int) -> float:
    """Gated loudness of mono audio in LUFS; -inf for silence or audio shorter than one block."""
    x = np.asarray(samples, dtype=np.float64)
    for b, a in _k_weighting(sample_rate):
        x = signal.lfilter(b, a, x)
    block = round(BLOCK_S * sample_rate)
    step = max(1, round(block * (1.0 - BLOCK_OVERLAP)))
    if x.shape[0] < block:
        return float("-inf")
    squares = np.concatenate(([0.0], np.cumsum(x * x)))
    starts = np.arange(0, x.shape[0] - block + 1, step)
    power = (squares[starts + block] - squares[starts]) / block
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10.0 * np.log10(power)
    kept = power[loudness > ABSOLUTE_GATE_LUFS]
    if kept.size == 0:
        return float("-inf")
    relative_gate = -0.691 + 10.0 * np.log10(kept.mean()) + RELATIVE_GATE_LU
    with np.errstate(divide="ignore"):
        kept = kept[-0.691 + 10.0 * np.log10(kept) > relative_gate]
    return float(-0.691 + 10.0 * np.log10(kept.mean()))


def limit_peaks(
    samples: np.ndarray, sample_rate: int, ceiling: float = 0.95, window_s: float = 0.005
) -> np.ndarray:
    """Smooth gain reduction wherever a peak would pass ``ceiling`` (a brick-wall limiter).

    The gain is the minimum over twice the window, then averaged over one window, so it
    never exceeds what the local peak allows yet changes without clicks.
    """
    width = max(1, int(window_s * sample_rate))
    peak = ndimage.maximum_filter1d(np.abs(samples), size=width)
    gain = np.minimum(1.0, ceiling / np.maximum(peak, 1e-9))
    gain = ndimage.uniform_filter1d(ndimage.minimum_filter1d(gain, size=2 * width + 1), size=width)
    return (samples * gain).astype(np.float32)


def normalise_loudness(
    samples: np.ndarray, sample_rate: int, target_lufs: float, ceiling: float = 0.95
) -> np.ndarray:
    """Bring speech to ``target_lufs``; a limiter keeps the few syllable peaks below ``ceiling``.

    Speech has a high crest factor, so plain gain to -16 LUFS would clip; limiting
    then gaining up the loss again converges within a few rounds.
    """
    out = samples.astype(np.float32)
    for _ in range(NORMALISE_ROUNDS):
        loudness = integrated_loudness_lufs(out, sample_rate)
        if not np.isfinite(loudness) or abs(loudness - target_lufs) < NORMALISE_TOLERANCE_LU:
            return out
        out = limit_peaks(out * 10.0 ** ((target_lufs - loudness) / 20.0), sample_rate, ceiling)
    return out

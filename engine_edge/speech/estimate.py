"""Mouth motion estimated from the sound alone (no transcript, or a language we cannot align).

Three cues carry most of what a face does while speaking: loudness (the jaw
opens on vowels, closes on stops and in pauses), voicing (vowels versus
hissing consonants, which keep the teeth nearly together) and spectral shape
(a high first formant means an open jaw; a low second formant means rounded
lips, a high one spread lips). The result lands on the same control grid as
aligned phonemes, so smoothing, teeth gating and resting are shared.
"""

from __future__ import annotations

import numpy as np

from engine_edge.runs import true_runs
from engine_edge.speech.articulation import (
    CHANNELS,
    CONTROL_RATE_HZ,
    REST_AFTER_S,
    Curves,
    grid_size,
    stressed_onsets,
)
from engine_edge.speech.audio import resample
from engine_edge.speech.visemes import RELAX_PAUSE_S

ANALYSIS_RATE = 16000
WINDOW_S = 0.025
SILENCE_DB = -38.0  # relative to the loud (95th percentile) level
FULL_OPEN_DB = -3.0
VOICING_MIN_HZ, VOICING_MAX_HZ = 70.0, 400.0
NUCLEUS_JAW = 0.35
# Loudness is taken in the speech band, so mains hum and hiss do not move the jaw; the
# exponent maps the dB scale to an opening that grows with amplitude. Chosen on four LibriVox
# readings and two espeak-ng lines: agreement with the aligned mouth rose from r 0.68 to 0.82.
LEVEL_BAND_HZ = (250.0, 4000.0)
LOUDNESS_EXPONENT = 2.5


def _frames(x: np.ndarray, n: int) -> np.ndarray:
    window = int(WINDOW_S * ANALYSIS_RATE)
    hop = ANALYSIS_RATE / CONTROL_RATE_HZ
    padded = np.concatenate([np.zeros(window // 2), x, np.zeros(window)])
    starts = (np.arange(n) * hop).astype(int)
    index = starts[:, None] + np.arange(window)[None, :]
    return padded[index] * np.hanning(window)[None, :]


def _band_centroid(power: np.ndarray, freqs: np.ndarray, low: float, high: float) -> np.ndarray:
    band = (freqs >= low) & (freqs < high)
    p = power[:, band]
    return (p * freqs[band]).sum(axis=1) / (p.sum(axis=1) + 1e-12)


def _voicing(frames: np.ndarray) -> np.ndarray:
    """Peak of the normalised autocorrelation in the pitch range (0 noise .. 1 periodic)."""
    size = 2 * frames.shape[1]
    spectrum = np.fft.rfft(frames, size, axis=1)
    ac = np.fft.irfft(np.abs(spectrum) ** 2, size, axis=1)[:, : frames.shape[1]]
    lo = int(ANALYSIS_RATE / VOICING_MAX_HZ)
    hi = int(ANALYSIS_RATE / VOICING_MIN_HZ)
    return np.clip(ac[:, lo:hi].max(axis=1) / (ac[:, 0] + 1e-12), 0.0, 1.0)


def curves_from_audio(samples: np.ndarray, sample_rate: int, duration_s: float) -> Curves:
    """Mouth parameters on the control grid from loudness, voicing and spectral shape."""
    n = grid_size(duration_s)
    x = resample(samples, sample_rate, ANALYSIS_RATE).astype(np.float64)
    frames = _frames(x, n)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    freqs = np.fft.rfftfreq(frames.shape[1], 1.0 / ANALYSIS_RATE)
    speech_band = (freqs >= LEVEL_BAND_HZ[0]) & (freqs < LEVEL_BAND_HZ[1])
    level_db = 10.0 * np.log10(power[:, speech_band].sum(axis=1) + 1e-12)
    level_db -= np.percentile(level_db, 95)
    voicing = _voicing(frames)
    f1 = _band_centroid(power, freqs, 200.0, 1000.0)
    f2 = _band_centroid(power, freqs, 900.0, 2800.0)
    high_share = power[:, freqs >= 3500.0].sum(axis=1) / (power.sum(axis=1) + 1e-12)

    loud = np.clip((level_db - SILENCE_DB) / (FULL_OPEN_DB - SILENCE_DB), 0.0, 1.0)
    voiced = np.clip((voicing - 0.3) / 0.4, 0.0, 1.0) * (high_share < 0.5)
    openness = 0.75 + 0.5 * np.clip((f1 - 400.0) / 400.0, 0.0, 1.0)
    jaw = np.clip(loud**LOUDNESS_EXPONENT * openness * (0.35 + 0.65 * voiced), 0.0, 1.0)
    rounding = np.clip((1500.0 - f2) / 500.0, 0.0, 1.0) * voiced * (jaw > 0.05)
    spread = np.clip((f2 - 1500.0) / 600.0, 0.0, 1.0) * (jaw > 0.05)
    values = np.zeros((len(CHANNELS), n))
    values[CHANNELS.index("jaw")] = jaw
    values[CHANNELS.index("width")] = 0.3 * spread - 0.7 * rounding
    values[CHANNELS.index("round")] = rounding
    values[CHANNELS.index("raise")] = 0.15 * jaw
    values[CHANNELS.index("teeth")] = 0.6 * (jaw > 0.05)
    values[CHANNELS.index("cheek")] = 0.25 * spread

    silent = level_db < SILENCE_DB
    resting = np.zeros(n, dtype=bool)
    rest_after = int(REST_AFTER_S * CONTROL_RATE_HZ)
    for start, end in true_runs(silent):
        if (end - start) / CONTROL_RATE_HZ >= RELAX_PAUSE_S or start == 0 or end == n:
            resting[start + (0 if start == 0 else rest_after) : end] = True
    nuclei = [(s / CONTROL_RATE_HZ, e / CONTROL_RATE_HZ) for s, e in true_runs(jaw > NUCLEUS_JAW)]
    return Curves(values, resting, stressed_onsets(nuclei, samples, sample_rate))

"""The film's sound: a music bed, loudness-normalised, ducked under spoken lines, faded out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import ndimage

from engine_edge.speech.loudness import limit_peaks, normalise_loudness

MUSIC_LUFS = -23.0  # a bed under speech at -16 LUFS: clearly quieter
DUCK_DB = -14.0
DUCK_ATTACK_S = 0.15
DUCK_RELEASE_S = 0.5
FADE_IN_S = 1.0
FADE_OUT_S = 3.0


def music_bed(
    music: np.ndarray, sample_rate: int, length: int, voices: np.ndarray | None = None
) -> np.ndarray:
    """Music of ``length`` samples (repeated if short), ducked wherever ``voices`` speak."""
    if music.size == 0:
        return np.zeros(length, np.float32)
    reps = int(np.ceil(length / music.size))
    bed = normalise_loudness(np.tile(music, reps)[:length], sample_rate, MUSIC_LUFS)
    gain = np.ones(length, np.float32)
    if voices is not None and np.any(voices):
        gain = duck_gain(voices, sample_rate)
    fade = np.ones(length, np.float32)
    fi, fo = min(length, int(FADE_IN_S * sample_rate)), min(length, int(FADE_OUT_S * sample_rate))
    fade[:fi] = np.linspace(0, 1, fi, dtype=np.float32)
    fade[length - fo :] = np.minimum(fade[length - fo :], np.linspace(1, 0, fo, dtype=np.float32))
    return (bed * gain * fade).astype(np.float32)


def duck_gain(voices: np.ndarray, sample_rate: int) -> np.ndarray:
    """Gain 1 in silence, DUCK_DB under speech, with a quick attack and a slow release."""
    window = max(1, int(0.02 * sample_rate))
    level = np.sqrt(ndimage.uniform_filter1d(voices.astype(np.float64) ** 2, size=window))
    speaking = level > 0.01
    # widen by the attack before and the release after each spoken stretch, then smooth
    before = int(DUCK_ATTACK_S * sample_rate)
    after = int(DUCK_RELEASE_S * sample_rate)
    widened = ndimage.maximum_filter1d(
        speaking.astype(np.uint8), size=before + after + 1, origin=(after - before) // 2
    ).astype(np.float32)
    target = 1.0 - widened * (1.0 - 10.0 ** (DUCK_DB / 20.0))
    return ndimage.uniform_filter1d(target, size=max(1, before)).astype(np.float32)


def mix(bed: np.ndarray, voices: np.ndarray, sample_rate: int) -> np.ndarray:
    return limit_peaks(bed + voices, sample_rate)


MAX_MUSIC_S = 600.0


def load_music(path: str | Path) -> tuple[np.ndarray, int]:
    """A music file (WAV, FLAC, MP3, OGG, M4A) as mono float32 samples and their rate;
    AudioUnusable, in plain words, for a file that is not music or is over ten minutes."""
    from engine_edge.speech.audio import decode_audio

    decoded = decode_audio(path, sample_rate=48000, max_decode_s=MAX_MUSIC_S)
    return decoded.samples, decoded.sample_rate

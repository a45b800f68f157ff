"""A recording far over the limit is reported as what it is, not as the part that was read."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from engine_edge.errors import AudioUnusable
from engine_edge.speech.audio import decode_audio


def _talk(path: Path, seconds: float, silent_after_s: float | None = None) -> Path:
    rate = 16000
    t = np.arange(int(seconds * rate)) / rate
    voice = 0.3 * np.sin(2 * np.pi * 220 * t) * np.abs(np.sin(2 * np.pi * 2 * t))
    if silent_after_s is not None:
        voice[int(silent_after_s * rate) :] = 0.0
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((voice * 32767).astype("<i2").tobytes())
    return path


def test_talk_that_runs_past_the_decode_limit_says_more_than(tmp_path: Path) -> None:
    path = _talk(tmp_path / "lecture.wav", 75.0)
    with pytest.raises(AudioUnusable, match="goes on for more than 60 s"):
        decode_audio(path, sample_rate=16000, max_decode_s=60.0)


def test_a_short_message_followed_by_silence_is_still_read(tmp_path: Path) -> None:
    path = _talk(tmp_path / "message.wav", 75.0, silent_after_s=5.0)
    decoded = decode_audio(path, sample_rate=16000, max_decode_s=60.0)
    assert 60.0 <= decoded.samples.shape[0] / 16000 < 62.0


def test_the_cli_rate_limits_are_espeaks() -> None:
    """options.py keeps a copy (it may not import numpy); the copy must not drift."""
    from engine_edge.speech.espeak import RATE_LIMITS_WPM
    from engine_edge.speech.options import RATE_LIMITS_WPM as CLI_LIMITS

    assert CLI_LIMITS == RATE_LIMITS_WPM

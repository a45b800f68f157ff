"""The [speech] section of keepsake.toml and the per-preset voice defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine_edge.config import section
from engine_edge.speech.articulation import Expression


@dataclass(frozen=True)
class SpeechSettings:
    """Documented in keepsake.toml [speech]."""

    voice: str = "en"
    rate_wpm: int = 160
    pitch: int = 50
    memorial_rate_wpm: int = 135
    memorial_pitch: int = 42
    memorial_loudness_lufs: float = -20.0
    loudness_lufs: float = -16.0
    max_duration_s: float = 15.0
    sample_rate: int = 48000
    lead_s: float = 0.12
    tail_s: float = 0.3
    social_nod_deg: float = 1.5


def load_settings(config: dict[str, Any] | None = None) -> SpeechSettings:
    return section(config or {}, "speech", SpeechSettings)


@dataclass(frozen=True)
class VoiceStyle:
    """What the synthesiser and the face do for one preset."""

    rate_wpm: int
    pitch: int
    pitch_range: int
    loudness_lufs: float
    expression: Expression


def voice_style(preset: str | None, settings: SpeechSettings) -> VoiceStyle:
    """Memorial speaks slower, lower, calmer and softer; social nods on stressed syllables."""
    if preset == "memorial":
        return VoiceStyle(
            rate_wpm=settings.memorial_rate_wpm,
            pitch=settings.memorial_pitch,
            pitch_range=30,
            loudness_lufs=settings.memorial_loudness_lufs,
            expression=Expression(nod_deg=0.0, brow=0.1, cheek=0.6, chin=0.8),
        )
    nod = settings.social_nod_deg if preset == "social" else 0.0
    brow = 0.35 if preset == "social" else 0.25
    return VoiceStyle(
        rate_wpm=settings.rate_wpm,
        pitch=settings.pitch,
        pitch_range=50,
        loudness_lufs=settings.loudness_lufs,
        expression=Expression(nod_deg=nod, brow=brow),
    )

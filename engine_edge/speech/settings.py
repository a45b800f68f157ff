"""The [speech] section of keepsake.toml and the per-preset voice defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine_edge.config import section
from engine_edge.errors import ConfigInvalid
from engine_edge.speech.articulation import Expression
from engine_edge.speech.espeak import RATE_LIMITS_WPM


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

    def __post_init__(self) -> None:
        low, high = RATE_LIMITS_WPM
        problems = []
        for name in ("rate_wpm", "memorial_rate_wpm"):
            if not low <= getattr(self, name) <= high:
                problems.append(f"{name} must be {low}-{high}")
        for name in ("pitch", "memorial_pitch"):
            if not 0 <= getattr(self, name) <= 100:
                problems.append(f"{name} must be 0-100")
        for name in ("loudness_lufs", "memorial_loudness_lufs"):
            if not -40.0 <= getattr(self, name) <= -6.0:
                problems.append(f"{name} must be between -40 and -6")
        if not 0.5 <= self.max_duration_s <= 60.0:
            problems.append("max_duration_s must be 0.5-60")
        if self.sample_rate not in (16000, 22050, 24000, 32000, 44100, 48000):
            problems.append("sample_rate must be 16000, 22050, 24000, 32000, 44100 or 48000")
        if not (0.0 <= self.lead_s <= 2.0 and 0.0 <= self.tail_s <= 2.0):
            problems.append("lead_s and tail_s must be 0-2")
        if not 0.0 <= self.social_nod_deg <= 5.0:
            problems.append("social_nod_deg must be 0-5")
        if problems:
            raise ConfigInvalid(f"[speech] {'; '.join(problems)}.")


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

"""Directions in words: "soft smile, gentle head turn, warm tone" -> preset, intensity, channels.

Families describe the clip they want in a few words. A small, documented
vocabulary maps each phrase onto the engine's own controls (the mood preset,
overall intensity, and per-channel scales), so a direction never does more
than the presets can do well. Every word must be understood: an unknown
phrase is reported with what the vocabulary offers, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine_edge.errors import KeepsakeError


class DirectionUnclear(KeepsakeError):
    """A direction contains words the vocabulary does not know."""


@dataclass(frozen=True)
class Effect:
    """What one phrase does: a mood, an intensity factor and channel scale factors."""

    preset: str | None = None
    intensity: float = 1.0
    channels: Mapping[str, float] = field(default_factory=dict)


def _e(preset: str | None = None, intensity: float = 1.0, **channels: float) -> Effect:
    return Effect(preset, intensity, channels)


# phrase -> effect. Channel factors multiply (several phrases combine); 0 switches a channel off.
VOCABULARY: dict[str, Effect] = {
    # moods
    "memorial": _e("memorial"),
    "memorial tone": _e("memorial"),
    "quiet memorial tone": _e("memorial", 0.8),
    "quiet": _e("memorial", 0.85),
    "reflective": _e("memorial", 0.85),
    "reflective mood": _e("memorial", 0.85),
    "careful tone": _e("memorial"),
    "birthday": _e("birthday"),
    "celebration": _e("birthday"),
    "festive": _e("birthday"),
    "anniversary": _e("anniversary"),
    "romantic": _e("anniversary"),
    "social": _e("social"),
    "direct message": _e("social"),
    # overall amount of motion
    "minimal motion": _e(intensity=0.55),
    "less motion": _e(intensity=0.7),
    "subtle": _e(intensity=0.75),
    "very subtle": _e(intensity=0.55),
    "gentle": _e(intensity=0.8),
    "gentler": _e(intensity=0.75),
    "calm": _e(intensity=0.8),
    "still": _e(intensity=0.5),
    "more motion": _e(head=1.3, gaze=1.2, smile=1.2, brows=1.3),
    "livelier": _e(head=1.3, gaze=1.2, smile=1.2, brows=1.3),
    "lively": _e(head=1.3, gaze=1.2, smile=1.2, brows=1.3),
    # smile
    "soft smile": _e(smile=0.8),
    "gentle smile": _e(smile=0.8),
    "slight smile": _e(smile=0.6),
    "smile": _e(smile=1.0),
    "warm smile": _e(smile=1.3),
    "warmer smile": _e(smile=1.4),
    "big smile": _e(smile=1.7),
    "no smile": _e(smile=0.0),
    "serious": _e(smile=0.0),
    "warm tone": _e(smile=1.15),
    "warm": _e(smile=1.15),
    # head
    "head turn": _e(head=1.0),
    "gentle head turn": _e(head=0.8),
    "slight head turn": _e(head=0.6),
    "no head movement": _e(head=0.0),
    "no head motion": _e(head=0.0),
    "still head": _e(head=0.0),
    # eyes
    "blink": _e(blink=1.0),
    "slight blink": _e(blink=1.0),
    "soft blink": _e(blink=1.0),
    "no blinking": _e(blink=0.0),
    "no blinks": _e(blink=0.0),
    "steady gaze": _e(gaze=0.0),
    "eyes still": _e(gaze=0.0),
    "looking around": _e(gaze=1.5),
    # breathing
    "breathing": _e(breath=1.0),
    "subtle breathing": _e(breath=0.8),
    "gentle breathing": _e(breath=0.8),
    "deep breathing": _e(breath=1.4),
    "no breathing": _e(breath=0.0),
    # brows
    "raised brows": _e(brows=1.5),
    "no brows": _e(brows=0.0),
    # camera
    "still camera": _e(camera=0.0),
    "no camera movement": _e(camera=0.0),
    "camera drift": _e(camera=1.0),
    "slow push-in": _e(camera=1.0),
}

# Words that join phrases but carry no meaning of their own.
_FILLER = frozenset({"a", "an", "the", "and", "with", "please", "some", "just", "bit", "little"})
_SPLIT = re.compile(r"[,;.!/+]|\band\b|\bwith\b")


@dataclass(frozen=True)
class Direction:
    """The engine settings a direction asks for."""

    text: str
    preset: str | None
    intensity: float
    overrides: dict[str, float]
    phrases: tuple[str, ...]

    def describe(self) -> str:
        parts = [f"mood {self.preset}" if self.preset else "the chosen mood"]
        parts.append(f"intensity {self.intensity:.2f}")
        parts += [f"{k} ×{v:.2f}" for k, v in sorted(self.overrides.items())]
        return ", ".join(parts)


def parse_direction(text: str) -> Direction:
    """Read a direction; raise :class:`DirectionUnclear` naming every word not understood."""
    phrases: list[str] = []
    unknown: list[str] = []
    for chunk in _SPLIT.split(text.lower()):
        words = [w for w in re.findall(r"[a-z][a-z\-']*", chunk) if w not in _FILLER]
        found, rest = _match(words)
        phrases += found
        unknown += rest
    if unknown:
        raise DirectionUnclear(
            f"These words are not in the direction vocabulary: {', '.join(unknown)}. "
            f"Try phrases such as: {', '.join(_EXAMPLES)}."
        )
    if not phrases:
        raise DirectionUnclear(f"The direction is empty. Try: {', '.join(_EXAMPLES)}.")
    return _combine(text, phrases)


def _match(words: list[str]) -> tuple[list[str], list[str]]:
    """Greedy longest-phrase match from the left; unmatched words are returned."""
    found: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(4, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            if phrase in VOCABULARY:
                found.append(phrase)
                i += n
                break
        else:
            unknown.append(words[i])
            i += 1
    return found, unknown


def _combine(text: str, phrases: list[str]) -> Direction:
    preset: str | None = None
    intensity = 1.0
    overrides: dict[str, float] = {}
    for phrase in phrases:
        effect = VOCABULARY[phrase]
        if effect.preset is not None:
            if preset is not None and preset != effect.preset:
                raise DirectionUnclear(
                    f"The direction asks for two moods ({preset} and {effect.preset}); choose one."
                )
            preset = effect.preset
        intensity *= effect.intensity
        for channel, factor in effect.channels.items():
            overrides[channel] = min(2.0, overrides.get(channel, 1.0) * factor)
    return Direction(text, preset, max(0.0, min(1.0, intensity)), overrides, tuple(phrases))


# The kiosk's "gentler / livelier" control: one step each way, the same vocabulary.
STEPS: dict[int, str] = {
    -2: "still",
    -1: "gentler",
    0: "",
    1: "livelier",
    2: "livelier, warm smile",
}


def step_direction(step: int) -> Direction:
    """The direction for a step of the kiosk's gentler (-) / livelier (+) control."""
    text = STEPS[max(-2, min(2, step))]
    return _combine(text, []) if not text else parse_direction(text)


_EXAMPLES = (
    "soft smile",
    "gentle head turn",
    "slight blink",
    "subtle breathing",
    "reflective mood",
    "warm tone",
    "less motion",
    "no head movement",
    "warmer smile",
    "quiet memorial tone",
    "minimal motion",
)

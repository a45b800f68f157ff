"""The speech slot of a performance: mouth parameters per output frame.

Speech (engine_edge.speech) fills it; perform and render read it. Keeping the
contract here lets either side change without touching the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MouthTrack:
    """Per-frame mouth shape, every array of length ``frame_count``.

    jaw_open: 0 closed .. 1 widest believable opening
    lip_width: -1 puckered .. 0 rest .. 1 wide (spread)
    lip_round: 0 .. 1 rounding/protrusion (O, U, W)
    upper_lip_raise: 0 .. 1 (F/V: upper teeth on lower lip)
    teeth_show: 0 .. 1 how much teeth may show; must be 0 while jaw_open is small
    """

    fps: float
    jaw_open: np.ndarray
    lip_width: np.ndarray
    lip_round: np.ndarray
    upper_lip_raise: np.ndarray
    teeth_show: np.ndarray

    @property
    def frame_count(self) -> int:
        return int(self.jaw_open.shape[0])

    @staticmethod
    def silent(frame_count: int, fps: float) -> MouthTrack:
        zeros = np.zeros(frame_count, dtype=np.float32)
        return MouthTrack(fps, zeros, zeros, zeros, zeros, zeros)


@dataclass(frozen=True)
class SpokenLine:
    """A line of speech ready to put in a clip: mono audio and the mouth that says it."""

    audio: np.ndarray  # float32 mono in -1..1, already loudness-normalised and trimmed
    sample_rate: int
    mouth: MouthTrack  # at the clip's frame rate, frame 0 = audio sample 0
    text: str | None = None

    @property
    def duration_s(self) -> float:
        return float(self.audio.shape[0]) / float(self.sample_rate)

"""The speech slot of a performance: mouth parameters per output frame.

Speech (engine_edge.speech) fills it; perform and render read it. Keeping the
contract here lets either side change without touching the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class MouthTrack:
    """Per-frame mouth shape, every array of length ``frame_count``.

    jaw_open: 0 closed .. 1 widest believable opening
    lip_width: -1 puckered .. 0 rest .. 1 wide (spread)
    lip_round: 0 .. 1 rounding/protrusion (O, U, W)
    upper_lip_raise: 0 .. 1 (F/V: upper teeth on lower lip)
    teeth_show: 0 .. 1 how much teeth may show; must be 0 while jaw_open is small

    Optional co-articulation (empty arrays, the default, mean all zeros):
    chin_raise: 0 .. 1 chin pushed up (mentalis, lips pressed for M/B/P)
    cheek_raise: 0 .. 1 cheeks lifted with spread lips
    brow_raise: 0 .. 1 brows lifted on emphasis
    head_nod_deg: head pitch added for a nod, degrees, positive = chin down
    """

    fps: float
    jaw_open: np.ndarray
    lip_width: np.ndarray
    lip_round: np.ndarray
    upper_lip_raise: np.ndarray
    teeth_show: np.ndarray
    chin_raise: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    cheek_raise: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    brow_raise: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    head_nod_deg: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))

    def __post_init__(self) -> None:
        count = self.frame_count
        for name in ("chin_raise", "cheek_raise", "brow_raise", "head_nod_deg"):
            if getattr(self, name).shape[0] == 0:
                object.__setattr__(self, name, np.zeros(count, dtype=np.float32))

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
    warnings: tuple[str, ...] = ()  # e.g. "sounds like music"; shown to staff, not fatal

    @property
    def duration_s(self) -> float:
        return float(self.audio.shape[0]) / float(self.sample_rate)

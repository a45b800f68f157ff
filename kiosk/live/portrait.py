"""A live portrait: the photo, the engine's rig over it, and a timeline that never repeats.

The render worker builds the rig (it needs the analysis models); the UI process
keeps it and asks the :class:`Timeline` for vertex positions each frame
(``engine_edge.rig.deform`` of the performance's frame: well under a
millisecond). At the end of each cycle a fresh performance with a new seed
takes over, cross-faded over a second, so a portrait on the wall keeps
breathing and blinking without ever visibly looping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

CROSSFADE_S = 1.0


@dataclass(frozen=True)
class LivePortrait:
    photo: np.ndarray  # (H, W, 3) uint8: the texture
    rig: Any  # engine_edge.rig.Rig built on ``photo``

    @property
    def size_px(self) -> tuple[int, int]:
        return int(self.photo.shape[1]), int(self.photo.shape[0])

    @property
    def uv(self) -> np.ndarray:
        return np.asarray(self.rig.uv, dtype=np.float32)

    @property
    def triangles(self) -> np.ndarray:
        return np.asarray(self.rig.triangles)


class Timeline:
    """Vertex positions over time for one portrait and mood, fresh every cycle."""

    def __init__(self, portrait: LivePortrait, preset: str, fps: float, cycle_s: float, seed: int):
        self.portrait = portrait
        self.preset = preset
        self.fps = fps
        self.frames_per_cycle = max(2, round(cycle_s * fps))
        self.seed = seed
        self.cycle = -1
        self._previous: Any = None
        self._current: Any = None

    def _perform(self, seed: int) -> Any:
        from engine_edge.perform import perform

        rig = self.portrait.rig
        return perform(
            len(rig.faces),
            preset=self.preset,
            frame_count=self.frames_per_cycle,
            fps=self.fps,
            loop=True,
            seed=seed,
            abilities=[fr.abilities for fr in rig.faces],
        )

    def positions(self, t_s: float) -> np.ndarray:
        """(N, 2) vertex positions in photo pixels at ``t_s`` seconds since the start."""
        from engine_edge.rig import deform

        frame = int(t_s * self.fps)
        cycle, index = divmod(frame, self.frames_per_cycle)
        if cycle != self.cycle:
            self._previous = self._current
            self._current = self._perform(self.seed + cycle)
            self.cycle = cycle
        now = deform(self.portrait.rig, self._current.frame(index))
        fade_frames = CROSSFADE_S * self.fps
        if self._previous is None or index >= fade_frames:
            return now
        # The previous performance is a seamless loop, so it simply continues while fading out.
        before = deform(self.portrait.rig, self._previous.frame(index))
        weight = 0.5 - 0.5 * np.cos(np.pi * index / fade_frames)
        return (before + (now - before) * weight).astype(np.float32)

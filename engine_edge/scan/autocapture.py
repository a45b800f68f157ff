"""Auto-capture: feed preview frames, and it says when the print is still and sharp.

The guest lays the print down and takes the hand away; once the corners have
stayed put for ``stable_s`` and the outline is sharp, it says CAPTURE once,
then waits until the print is removed (or :meth:`AutoCapture.reset`) before it
can fire again.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from engine_edge.compat import StrEnum
from engine_edge.scan.detect import DetectSettings, PrintDetection, detect_print_quad


class CaptureState(StrEnum):
    SEARCHING = "searching"  # no usable print: see the detection's hints
    HOLD_STILL = "hold_still"  # a print is there; waiting for it to stay still
    CAPTURE = "capture"  # take the burst now (said once)
    DONE = "done"  # captured; waiting for the print to go away


@dataclass(frozen=True)
class CaptureAdvice:
    state: CaptureState
    detection: PrintDetection
    stable_s: float  # how long the corners have been still
    progress: float  # 0..1 towards capture, for a ring on screen


@dataclass(frozen=True)
class AutoCaptureSettings:
    stable_s: float = 0.6
    max_motion: float = 0.006  # corner movement between frames / print diagonal
    max_change: float = 1.5  # mean grey-level change of a thumbnail between frames (a moving hand)


class AutoCapture:
    def __init__(
        self,
        settings: AutoCaptureSettings | None = None,
        detect_settings: DetectSettings | None = None,
    ) -> None:
        self.settings = settings or AutoCaptureSettings()
        self.detect_settings = detect_settings or DetectSettings()
        self._last: np.ndarray | None = None
        self._still_since: float | None = None
        self._done = False
        self._missing = 0
        self._thumb: np.ndarray | None = None
        self._frames = 0

    def reset(self) -> None:
        self._last, self._still_since, self._done, self._missing = None, None, False, 0
        self._thumb = None

    def _scene_changed(self, frame: np.ndarray) -> bool:
        """True while something moves in view (a hand leaving), even if the corners stay put."""
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) if frame.ndim == 3 else frame
        thumb = cv2.resize(grey, (80, 60), interpolation=cv2.INTER_AREA).astype(np.float32)
        last, self._thumb = self._thumb, thumb
        return last is None or float(np.abs(thumb - last).mean()) > self.settings.max_change

    def feed(self, frame: np.ndarray, timestamp_s: float) -> CaptureAdvice:
        # Track the outline from the last frame; search in full every few frames (a second
        # print put down next to the first must still be noticed).
        self._frames += 1
        previous = self._last if self._frames % 6 else None
        detection = detect_print_quad(frame, self.detect_settings, previous=previous)
        changed = self._scene_changed(frame)
        if not detection.usable or detection.corners is None:
            self._missing += 1
            if self._missing >= 5:  # the print was taken away: ready for the next one
                self._done = False
            self._last, self._still_since = None, None
            state = CaptureState.DONE if self._done else CaptureState.SEARCHING
            return CaptureAdvice(state, detection, 0.0, 0.0)
        self._missing = 0
        corners = detection.corners
        diag = float(np.linalg.norm(corners[2] - corners[0]))
        moved = (
            changed
            or self._last is None
            or float(np.linalg.norm(corners - self._last, axis=1).max())
            > self.settings.max_motion * diag
        )
        self._last = corners
        if moved or self._still_since is None:
            self._still_since = timestamp_s
        stable = timestamp_s - self._still_since
        if self._done:
            return CaptureAdvice(CaptureState.DONE, detection, stable, 1.0)
        progress = min(1.0, stable / self.settings.stable_s) if self.settings.stable_s > 0 else 1.0
        if progress >= 1.0:
            self._done = True
            return CaptureAdvice(CaptureState.CAPTURE, detection, stable, 1.0)
        return CaptureAdvice(CaptureState.HOLD_STILL, detection, stable, progress)

"""Auto-capture: feed preview frames, and it says when the print is still and sharp.

The guest lays the print down and takes the hand away; once the corners have
stayed put for ``stable_s`` and the outline is sharp, it says CAPTURE once,
then waits until the print is removed (or :meth:`AutoCapture.reset`) before it
can fire again.

A view that has not changed since two detections of it agreed on the print gets their
answer again instead of a new detection: a print found only by a last resort (a curled one, whose
outline the straight-line tracker cannot follow) would otherwise be searched for in full
on every preview frame (1.7 s a frame at 640 px for old-print scene 250029).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from engine_edge.compat import StrEnum
from engine_edge.image_io import as_rgb8
from engine_edge.scan.detect import DetectSettings, PrintDetection, detect_print_quad

# The thumbnail's width that an unchanged view is told by (a 640 px preview's 4 px a pixel).
VIEW_WIDTH_PX = 160


def detections_agree(
    detection: PrintDetection, earlier: PrintDetection, same_print: float, *, same_search: bool
) -> bool:
    """Two detections of one still view say the same: the same hints, and corners (if any)
    within ``same_print`` of the earlier one's diagonal of each other; ``same_search``: both
    found as curled prints or both not (the preview tracks only a straight outline)."""
    if detection.hints != earlier.hints or (same_search and detection.curled != earlier.curled):
        return False
    if detection.corners is None or earlier.corners is None:
        return detection.corners is None and earlier.corners is None
    diag = float(np.linalg.norm(earlier.corners[2] - earlier.corners[0]))
    moved = float(np.linalg.norm(detection.corners - earlier.corners, axis=1).max())
    return moved <= same_print * diag


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
    # The view is still the one last detected on while fewer than ``same_view_share`` of a
    # VIEW_WIDTH_PX wide thumbnail's pixels differ from it by more than ``same_view_grey`` levels.
    # On 640 px previews of scene-set prints (4800000-08, five old prints) a print slid by
    # 1 px changes 5-430 of the 19 200 pixels that much, by 2 px 45-900; a new frame's own
    # noise none, except a hand-held (phone) view's shake of a pixel or two: 26.
    same_view_grey: float = 20.0
    same_view_share: float = 0.001
    # Two detections of one still view are the same print while their corners lie within
    # this share of its diagonal: the last resort's curved outline of a still curled print
    # moves by up to 0.015 of it with each frame's noise at 640 px (scene 717), more than
    # max_motion; one search's fluke differs by more (a phone screen's strip, 4800008: 0.07).
    same_print: float = 0.02


@dataclass(frozen=True)
class _Answer:
    """The last detection made, the view (thumbnail) it was made on, whether it was a full
    search, and whether it is confirmed: a usable print that agreed with the one before it,
    made on the same view, one of the two a full search. Only a confirmed answer is given
    again: a single search's answer can be a fluke that the next frame's contradicts (scene
    4800008, a phone screen: one search outlined a narrow strip of it, the next said
    "screen"), and auto-capture relies on frames agreeing before it captures. A refusal is
    never kept: where searches of a still view disagree (old print 250029 at 640 px: curled,
    "none", curled ...), two agreeing "none"s must not hide the print until it is moved."""

    detection: PrintDetection
    view: np.ndarray
    full: bool
    confirmed: bool


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
        self._answer: _Answer | None = None

    def reset(self) -> None:
        self._last, self._still_since, self._done, self._missing = None, None, False, 0
        self._thumb, self._answer = None, None

    def _scene_changed(self, grey: np.ndarray) -> bool:
        """True while something moves in view (a hand leaving), even if the corners stay put."""
        thumb = cv2.resize(grey, (80, 60), interpolation=cv2.INTER_AREA).astype(np.float32)
        last, self._thumb = self._thumb, thumb
        return last is None or float(np.abs(thumb - last).mean()) > self.settings.max_change

    def _same_view(self, view: np.ndarray) -> bool:
        """True when ``view`` is still the one the last detection was made on: only the
        camera's noise differs, no print has moved, come or gone (a pixel's move shows)."""
        if self._answer is None or self._answer.view.shape != view.shape:
            return False
        differ = np.abs(view - self._answer.view) > self.settings.same_view_grey
        return float(differ.mean()) < self.settings.same_view_share

    def _detect(self, frame: np.ndarray, view: np.ndarray) -> PrintDetection:
        """The print in ``frame``: tracked from the last frame's outline, or searched for in
        full every few frames (a second print put down next to the first must still be
        noticed) and when there is no straight outline to track; while the view stays the same, the
        print that two detections of it agreed on, one of them a full search."""
        same = self._same_view(view)
        if same and self._answer is not None and self._answer.confirmed:
            return self._answer.detection
        # A curled print's outline is no straight one: the tracker's straight sides cut
        # through its bulges, and the next frame says "unclear" (scene 717 at 640 px).
        curled = self._answer is not None and self._answer.detection.curled
        previous = self._last if self._frames % 6 and not curled else None
        detection = detect_print_quad(frame, self.detect_settings, previous=previous)
        full = previous is None  # a full search: it looked for a second print too
        earlier = self._answer
        confirmed = (
            same
            and detection.usable
            and earlier is not None
            and (full or earlier.full)
            and detections_agree(
                detection, earlier.detection, self.settings.same_print, same_search=True
            )
        )
        if confirmed:
            assert earlier is not None
            # The earlier of the two is kept (the full search's, for a print that tracks):
            # the outline stays where the guest first saw it, still since then.
            self._answer = replace(earlier, confirmed=True)
            return earlier.detection
        self._answer = _Answer(detection, view, full, confirmed=False)
        return detection

    def feed(self, frame: np.ndarray, timestamp_s: float) -> CaptureAdvice:
        self._frames += 1
        frame = as_rgb8(frame, "The camera's picture")
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        height = max(1, round(grey.shape[0] * VIEW_WIDTH_PX / grey.shape[1]))
        view = cv2.resize(grey, (VIEW_WIDTH_PX, height), interpolation=cv2.INTER_AREA)
        view = view.astype(np.float32)
        detection = self._detect(frame, view)
        changed = self._scene_changed(grey)
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

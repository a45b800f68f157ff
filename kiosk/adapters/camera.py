"""The scan camera as the Scan screen needs it: latest preview, print outline, hint, capture.

A background thread reads frames through scan's ResilientCamera (which closes
and reopens a camera that sleeps, unplugs or errors, with backoff), feeds the
auto-capture, and on "capture" fuses the last steady frames into the flat,
restored photo. The UI only copies the newest ScanView each tick.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine_edge.errors import DeviceUnavailable, KeepsakeError

log = logging.getLogger("keepsake.kiosk.camera")

PREVIEW_MAX_PX = 640
BURST_FRAMES = 4

# scan's Hint values -> the hint keys in kiosk.strings (scan.hint.*).
HINT_KEYS = {
    "none": "searching",
    "too_small": "closer",
    "cut_off": "cut_off",
    "tilted": "tilted",
    "blurry": "steady",
    "too_dark": "dark",
    "glare": "glare",
    "two_prints": "two_prints",
    "screen": "screen",
    "unclear": "unclear",
}


@dataclass(frozen=True)
class ScanView:
    """What the Scan screen draws: coordinates in ``preview`` pixels."""

    state: str  # "connecting", "scanning", "lost", "gone", "captured"
    preview: np.ndarray | None
    quad: tuple[tuple[float, float], ...] | None
    hint: str  # key suffix of scan.hint.* in kiosk.strings
    progress: float = 0.0  # 0..1 towards the automatic capture
    photo: np.ndarray | None = None


class _Unpluggable:
    """Passes a camera through, but can be told to fail its next read like a pulled cable."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.name = getattr(source, "name", "camera")
        self.pulled = threading.Event()

    def open(self) -> None:
        self.source.open()

    def read(self) -> np.ndarray:
        if self.pulled.is_set():
            self.pulled.clear()
            raise DeviceUnavailable("The camera was disconnected.")
        return self.source.read()

    def close(self) -> None:
        self.source.close()


class CameraFeed:
    """Owns the camera while the Scan screen is open; ``start``/``stop`` around it."""

    def __init__(self, spec: str, gone_after_s: float = 6.0, fps: float = 15.0) -> None:
        self.spec = spec
        self.gone_after_s = gone_after_s
        self.frame_interval_s = 1.0 / fps
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._view = ScanView("connecting", None, None, "searching")
        self._source: _Unpluggable | None = None
        self.last_error = ""

    # -- UI side --
    def start(self) -> None:
        self.stop()
        self._stop = threading.Event()
        self._view = ScanView("connecting", None, None, "searching")
        self._thread = threading.Thread(target=self._run, name="keepsake-camera", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(3)
            self._thread = None

    def view(self) -> ScanView:
        with self._lock:
            return self._view

    def simulate_unplug(self) -> None:
        """Fail the next read as if the cable was pulled (staff diagnostics, fault tests)."""
        if self._source is not None:
            self._source.pulled.set()

    def probe(self) -> str:
        """One-shot check for diagnostics: 'ok' or the reason it failed."""
        from engine_edge.scan.camera import open_camera

        try:
            source = open_camera(self.spec)
            source.open()
            try:
                source.read()
            finally:
                source.close()
            return "ok"
        except KeepsakeError as exc:
            return str(exc)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    # -- thread side --
    def _publish(self, view: ScanView) -> None:
        with self._lock:
            self._view = view

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:  # a scanner bug must show as "camera not working", not kill the kiosk
            log.exception("the scan loop failed")
            self.last_error = "The scanner stopped."
            self._publish(ScanView("gone", None, None, "searching"))

    def _loop(self) -> None:
        from engine_edge.scan.autocapture import AutoCapture, CaptureState
        from engine_edge.scan.camera import CameraState, ResilientCamera, open_camera

        self._source = _Unpluggable(open_camera(self.spec))
        camera = ResilientCamera(self._source, max_backoff_s=2.0)
        auto = AutoCapture()
        recent: deque[tuple[np.ndarray, np.ndarray | None]] = deque(maxlen=BURST_FRAMES)
        lost_since: float | None = None
        try:
            while not self._stop.is_set():
                started = time.monotonic()
                frame = camera.read()
                if frame is None:
                    if camera.state is CameraState.LOST:
                        self.last_error = camera.detail
                        lost_since = lost_since or started
                        auto.reset()
                        recent.clear()
                        gone = started - lost_since > self.gone_after_s
                        self._publish(ScanView("gone" if gone else "lost", None, None, "searching"))
                    self._stop.wait(0.1)
                    continue
                lost_since = None
                advice = auto.feed(frame.image, frame.timestamp_s)
                corners = advice.detection.corners
                recent.append((frame.image, corners))
                preview, scale = _downscale(frame.image, PREVIEW_MAX_PX)
                quad = (  # only an outline the scanner trusts: a wrong guess would confuse
                    tuple((float(x) * scale, float(y) * scale) for x, y in corners[:4])
                    if corners is not None and advice.detection.usable
                    else None
                )
                if advice.state is CaptureState.CAPTURE and corners is not None:
                    self._publish(ScanView("scanning", preview, quad, "taken", 1.0))
                    photo = self._capture(list(recent), corners)
                    self._publish(ScanView("captured", preview, quad, "taken", 1.0, photo))
                    return
                hint = _hint(advice)
                self._publish(ScanView("scanning", preview, quad, hint, float(advice.progress)))
                self._stop.wait(max(0.0, self.frame_interval_s - (time.monotonic() - started)))
        finally:
            camera.close()
            self._source = None

    @staticmethod
    def _capture(
        recent: list[tuple[np.ndarray, np.ndarray | None]], corners: np.ndarray
    ) -> np.ndarray:
        """Fuse the last steady frames (those whose print is where it is now) and restore."""
        from engine_edge.scan.capture import capture_print
        from engine_edge.scan.restore import restore_photo

        diag = float(np.linalg.norm(corners[2] - corners[0]))
        burst = [
            image
            for image, c in recent
            if c is not None and float(np.abs(c - corners).max()) < 0.01 * diag
        ] or [recent[-1][0]]
        return restore_photo(capture_print(burst, np.asarray(corners, np.float32)))


def _hint(advice: Any) -> str:
    """The plain-language hint for what the scanner sees now."""
    state = str(getattr(advice.state, "value", advice.state))
    if state == "hold_still":
        return "hand" if advice.progress < 0.3 else "steady"
    hints = advice.detection.hints
    if not hints:
        return "searching"
    return HINT_KEYS.get(str(getattr(hints[0], "value", hints[0])), "searching")


def _downscale(frame: np.ndarray, max_px: int) -> tuple[np.ndarray, float]:
    import cv2

    height, width = frame.shape[:2]
    scale = min(1.0, max_px / max(height, width))
    if scale == 1.0:
        return frame, 1.0
    size = (round(width * scale), round(height * scale))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA), scale

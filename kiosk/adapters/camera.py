"""The scan camera as the Scan screen needs it: latest preview, print outline, hint, capture.

A background thread reads frames, finds the print and feeds the auto-capture,
so the UI only copies the newest result each tick. A camera that sleeps,
unplugs or errors is closed and reopened with backoff; the screen shows
"checking it again" meanwhile and a clear message if it stays away.
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
BACKOFF_S = (0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class ScanView:
    """What the Scan screen draws: all coordinates in ``preview`` pixels."""

    state: str  # "connecting", "scanning", "lost", "gone", "captured"
    preview: np.ndarray | None
    quad: tuple[tuple[float, float], ...] | None
    hint: str  # key suffix of scan.hint.* in kiosk.strings
    photo: np.ndarray | None = None


class CameraFeed:
    """Owns the camera while the Scan screen is open; ``start``/``stop`` around it."""

    def __init__(self, spec: str, gone_after_s: float = 8.0, fps: float = 15.0) -> None:
        self.spec = spec
        self.gone_after_s = gone_after_s
        self.frame_interval_s = 1.0 / fps
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._view = ScanView("connecting", None, None, "searching")
        self._source: Any = None
        self._unplug = threading.Event()
        self.last_error = ""

    # -- UI side --
    def start(self) -> None:
        self.stop()
        self._stop.clear()
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
        """Drop the open camera as if its cable was pulled (staff diagnostics, fault tests)."""
        self._unplug.set()

    def probe(self) -> str:
        """One-shot check for diagnostics: 'ok' or the reason it failed."""
        try:
            source = _open(self.spec)
            source.read()
            source.close()
            return "ok"
        except KeepsakeError as exc:
            return str(exc)

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
        finally:
            self._close()

    def _loop(self) -> None:
        from engine_edge.scan import AutoCapture

        attempt = 0
        lost_since: float | None = None
        auto = AutoCapture()
        recent: deque[np.ndarray] = deque(maxlen=8)
        while not self._stop.is_set():
            if self._source is None:
                try:
                    self._source = _open(self.spec)
                    attempt, lost_since = 0, None
                    auto = AutoCapture()
                    recent.clear()
                except KeepsakeError as exc:
                    self.last_error = str(exc)
                    lost_since = lost_since or time.monotonic()
                    gone = time.monotonic() - lost_since > self.gone_after_s
                    self._publish(ScanView("gone" if gone else "lost", None, None, "searching"))
                    self._stop.wait(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])
                    attempt += 1
                    continue
            started = time.monotonic()
            try:
                if self._unplug.is_set():
                    self._unplug.clear()
                    raise DeviceUnavailable("The camera was disconnected.")
                frame = self._source.read()
                view, photo = self._step(frame, auto, recent)
            except KeepsakeError as exc:
                log.warning("camera lost: %s", exc)
                self.last_error = str(exc)
                self._close()
                lost_since = time.monotonic()
                self._publish(ScanView("lost", None, None, "searching"))
                continue
            self._publish(view)
            if photo is not None:
                self._close()
                return
            self._stop.wait(max(0.0, self.frame_interval_s - (time.monotonic() - started)))
        self._close()

    def _step(
        self, frame: np.ndarray, auto: Any, recent: deque[np.ndarray]
    ) -> tuple[ScanView, np.ndarray | None]:
        from engine_edge.scan import capture_print, detect_print_quad, restore_photo

        detection = detect_print_quad(frame)
        recent.append(frame)
        ready = auto.feed(frame, detection)
        quad = _corners(detection)
        preview, scale = _downscale(frame, PREVIEW_MAX_PX)
        quad_preview = tuple((x * scale, y * scale) for x, y in quad) if quad else None
        hint = _hint(detection, ready)
        if ready and quad is not None:
            photo = restore_photo(capture_print(list(recent), np.asarray(quad, np.float32)))
            return ScanView("captured", preview, quad_preview, "taken", photo), photo
        return ScanView("scanning", preview, quad_preview, hint), None

    def _close(self) -> None:
        if self._source is not None:
            try:
                self._source.close()
            except Exception:  # a dying camera may fail to close; it is dropped either way
                log.debug("camera close failed", exc_info=True)
            self._source = None


def _open(spec: str) -> Any:
    from engine_edge.scan import open_camera

    try:
        return open_camera(spec)
    except KeepsakeError:
        raise
    except Exception as exc:
        raise DeviceUnavailable(f"The camera ({spec}) could not be opened.") from exc


def _corners(detection: Any) -> list[tuple[float, float]] | None:
    corners = getattr(detection, "corners", None)
    if corners is None:
        return None
    return [(float(x), float(y)) for x, y in np.asarray(corners)[:4]]


HINT_KEYS = {"hand": "hand", "steady": "steady", "closer": "closer", "glare": "glare"}


def _hint(detection: Any, ready: Any) -> str:
    """Map the scanner's hint codes onto the screen's plain-language hints."""
    if getattr(detection, "corners", None) is None:
        return "searching"
    for code in getattr(detection, "hints", ()) or ():
        for word, key in HINT_KEYS.items():
            if word in str(code).lower():
                return key
    return "steady"


def _downscale(frame: np.ndarray, max_px: int) -> tuple[np.ndarray, float]:
    import cv2

    height, width = frame.shape[:2]
    scale = min(1.0, max_px / max(height, width))
    if scale == 1.0:
        return frame, 1.0
    small = cv2.resize(
        frame, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
    )
    return small, scale

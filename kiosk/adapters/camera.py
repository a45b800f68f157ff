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
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine_edge.errors import DeviceUnavailable, KeepsakeError

log = logging.getLogger("keepsake.kiosk.camera")

PREVIEW_MAX_PX = 640

# scan's Hint values -> the hint keys in kiosk.strings (scan.hint.*).
HINT_KEYS = {
    "none": "searching",
    "too_small": "closer",
    "cut_off": "cut_off",
    "tilted": "tilted",
    "blurry": "steady",
    "too_dark": "dark",
    "glare": "glare",
    "glare_tilt": "glare_tilt",
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
    # Reflections on the print (x0, y0, x1, y1) as fractions of the frame: the screen rings
    # them when it asks the guest to tilt the print.
    glare_boxes: tuple[tuple[float, float, float, float], ...] = ()


class _Stopped(Exception):
    """The Scan screen closed: unwinds scan_camera from inside its own read loop."""


class _Unpluggable:
    """A camera source that can be told to fail its next read, like a pulled cable."""

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


class _WatchedCamera:
    """scan's ResilientCamera as scan_camera reads it, plus what the screen needs:
    the newest frame for the preview, the link state, and a stop."""

    def __init__(self, camera: Any, stop: threading.Event, on_lost: Any) -> None:
        self.camera = camera
        self.stop = stop
        self.on_lost = on_lost
        self.last_image: np.ndarray | None = None

    def __getattr__(self, name: str) -> Any:
        """Everything else (state, detail, source ...) is the ResilientCamera's own."""
        return getattr(self.camera, name)

    def read(self) -> Any:
        if self.stop.is_set():
            raise _Stopped
        frame = self.camera.read()
        if frame is None:
            self.on_lost(self.camera)
            self.stop.wait(0.05)
        else:
            self.last_image = frame.image
        return frame

    def close(self) -> None:
        self.camera.close()


class CameraFeed:
    """Owns the camera while the Scan screen is open; ``start``/``stop`` around it.

    The scanning itself is scan's ``scan_camera`` (auto-capture, a burst under the
    board's lights, rectification, restoration per [scan]); this class only runs it
    on a thread and turns its advice into what the screen shows.
    """

    def __init__(self, config: dict[str, Any], lights: Any = None, gone_after_s: float = 6.0):
        from engine_edge.config import section
        from engine_edge.scan import ScanSettings

        self.settings = section(config, "scan", ScanSettings)
        self.spec = self.settings.camera
        self.lights = lights
        self.gone_after_s = gone_after_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._view = ScanView("connecting", None, None, "searching")
        self._watched: _WatchedCamera | None = None
        self._source: _Unpluggable | None = None
        self._lost_since: float | None = None
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
            self._thread.join(5)
            self._thread = None

    def view(self) -> ScanView:
        with self._lock:
            return self._view

    def simulate_unplug(self) -> None:
        """Drop the camera as if its cable was pulled (fault tests)."""
        if self._source is not None:
            self._source.pulled.set()

    def probe(self) -> str:
        """One-shot check for diagnostics: 'ok' or the reason it failed."""
        from engine_edge.scan import open_camera

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
        except _Stopped:
            return
        except Exception:  # a scanner bug must show as "camera not working", not kill the kiosk
            log.exception("the scan loop failed")
            self.last_error = "The scanner stopped."
            self._publish(ScanView("gone", None, None, "searching"))

    def _loop(self) -> None:
        from engine_edge.scan import PrintNotFound, ResilientCamera, open_camera, scan_camera

        self._source = _Unpluggable(open_camera(self.spec))
        camera = ResilientCamera(self._source, max_backoff_s=2.0)
        # The burst runs under the board's light patterns (glare removal) when a board answers.
        lights = self.lights if getattr(self.lights, "state", "") == "ready" else None
        self._watched = watched = _WatchedCamera(camera, self._stop, self._camera_lost)
        try:
            while not self._stop.is_set():
                try:
                    result = scan_camera(
                        watched,  # type: ignore[arg-type]
                        self.settings,
                        lights=lights,
                        on_advice=self._advice,
                    )
                except (PrintNotFound, DeviceUnavailable) as exc:
                    log.info("no capture yet: %s", exc)  # the guest is still there: keep looking
                    continue
                view = self.view()
                self._publish(
                    ScanView("captured", view.preview, view.quad, "taken", 1.0, result.photo)
                )
                return
        finally:
            self._watched = None
            watched.close()

    def _camera_lost(self, camera: Any) -> None:
        from engine_edge.scan import CameraState

        if camera.state is not CameraState.LOST:
            return
        self.last_error = str(camera.detail)
        now = time.monotonic()
        self._lost_since = self._lost_since or now
        gone = now - self._lost_since > self.gone_after_s
        self._publish(ScanView("gone" if gone else "lost", None, None, "searching"))

    def _advice(self, advice: Any) -> None:
        """Called by scan_camera for every preview frame: publish what the guest should see."""
        self._lost_since = None
        image = self._watched.last_image if self._watched is not None else None
        if image is None:
            return
        preview, scale = _downscale(image, PREVIEW_MAX_PX)
        corners = advice.detection.corners
        width = advice.detection.frame_size[0]
        to_preview = preview.shape[1] / width if width else scale
        quad = (  # only an outline the scanner trusts: a wrong guess would confuse
            tuple((float(x) * to_preview, float(y) * to_preview) for x, y in corners[:4])
            if corners is not None and advice.detection.usable
            else None
        )
        hint = "taken" if str(advice.state.value) == "capture" else _hint(advice)
        glare = tuple(advice.detection.glare_boxes)
        self._publish(
            ScanView("scanning", preview, quad, hint, float(advice.progress), None, glare)
        )


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

"""Camera sources behind one small Protocol, and a wrapper that survives unplugging.

Backends: ``opencv:N`` (USB/V4L2 through OpenCV), ``picamera2`` (Raspberry Pi
camera; libcamera's bindings exist only on Pi OS, so it is imported when
opened), and ``file:PATH`` (an image or a video that loops: tests and demos).
:class:`ResilientCamera` turns a disappearing camera into a state the UI can
show and reconnects with exponential backoff; it never raises from ``read``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from engine_edge.compat import StrEnum
from engine_edge.errors import DeviceUnavailable, ImageUnreadable
from engine_edge.image_io import as_rgb8

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"}


class CameraSource(Protocol):
    """A camera: open it, read RGB frames, close it. ``read`` raises DeviceUnavailable when lost."""

    name: str

    def open(self) -> None: ...

    def read(self) -> np.ndarray: ...

    def close(self) -> None: ...


class CameraState(StrEnum):
    CONNECTING = "connecting"
    STREAMING = "streaming"
    LOST = "lost"  # unplugged or stopped answering; retrying with backoff


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # RGB uint8
    # time.monotonic() when the camera took it; for a video file, when its own timeline says
    timestamp_s: float
    index: int


class OpenCVCamera:
    """A V4L2/USB camera through OpenCV, with exposure and white balance locked when scanning."""

    def __init__(self, index: int, size: tuple[int, int] | None = None) -> None:
        self.name = f"opencv:{index}"
        self._index = index
        self._size = size
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        cap = cv2.VideoCapture(self._index, cv2.CAP_V4L2)
        if not cap.isOpened():
            cap.release()
            raise DeviceUnavailable(f"Camera {self._index} is not connected; check its USB cable.")
        if self._size:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
        self._cap = cap

    def lock_exposure(self) -> None:
        """Freeze auto exposure and white balance at their current values (V4L2 controls)."""
        if self._cap is None:
            return
        self._cap.set(cv2.CAP_PROP_AUTO_EXPOSURE, 1)  # V4L2: 1 = manual
        self._cap.set(cv2.CAP_PROP_AUTO_WB, 0)

    def unlock_exposure(self) -> None:
        if self._cap is None:
            return
        self._cap.set(cv2.CAP_PROP_AUTO_EXPOSURE, 3)  # V4L2: 3 = aperture priority (auto)
        self._cap.set(cv2.CAP_PROP_AUTO_WB, 1)

    def read(self) -> np.ndarray:
        if self._cap is None:
            raise DeviceUnavailable(f"Camera {self._index} is not open.")
        ok, bgr = self._cap.read()
        if not ok or bgr is None:
            raise DeviceUnavailable(f"Camera {self._index} stopped sending pictures.")
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class Picamera2Camera:
    """The Raspberry Pi camera via picamera2 (imported on open: only Pi OS ships libcamera)."""

    def __init__(self, size: tuple[int, int] = (4056, 3040)) -> None:
        self.name = "picamera2"
        self._size = size
        self._cam = None

    def open(self) -> None:
        try:
            from picamera2 import Picamera2  # type: ignore[import-not-found]
        except ImportError as exc:
            raise DeviceUnavailable(
                "The Raspberry Pi camera software (picamera2) is not installed on this box."
            ) from exc
        try:
            cam = Picamera2()
            cam.configure(
                cam.create_still_configuration(main={"size": self._size, "format": "RGB888"})
            )
            cam.start()
        except Exception as exc:  # libcamera raises plain RuntimeError/IndexError when absent
            raise DeviceUnavailable("The Raspberry Pi camera is not connected.") from exc
        self._cam = cam

    def lock_exposure(self) -> None:
        if self._cam is not None:
            self._cam.set_controls({"AeEnable": False, "AwbEnable": False})

    def unlock_exposure(self) -> None:
        if self._cam is not None:
            self._cam.set_controls({"AeEnable": True, "AwbEnable": True})

    def read(self) -> np.ndarray:
        if self._cam is None:
            raise DeviceUnavailable("The Raspberry Pi camera is not open.")
        try:
            # picamera2's "RGB888" is BGR in memory order.
            return np.ascontiguousarray(self._cam.capture_array()[..., ::-1])
        except Exception as exc:
            raise DeviceUnavailable("The Raspberry Pi camera stopped sending pictures.") from exc

    def close(self) -> None:
        if self._cam is not None:
            self._cam.close()
            self._cam = None


class FileCamera:
    """An image (repeated) or a video (looping, or ending like an unplugged camera)."""

    def __init__(self, path: str | Path, *, loop: bool = True, realtime: bool = True) -> None:
        self.name = f"file:{path}"
        self._path = Path(path)
        self._loop = loop
        self._realtime = realtime  # play a video at its own frame rate, like a camera
        self._fps = 0.0
        self._started = 0.0
        self._served = 0
        self._still: np.ndarray | None = None
        self._cap: cv2.VideoCapture | None = None
        # Seconds into the video of the frame last read: when the "camera" took it, however
        # late a busy reader asked for it. None for a still image.
        self.position_s: float | None = None

    def open(self) -> None:
        if not self._path.is_file():
            raise DeviceUnavailable(f"The file {self._path} does not exist.")
        if self._path.suffix.lower() in VIDEO_SUFFIXES:
            cap = cv2.VideoCapture(str(self._path))
            if not cap.isOpened():
                raise ImageUnreadable(f"The video {self._path.name} cannot be read.")
            self._cap = cap
            self._fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
            self._started, self._served = time.monotonic(), 0
        else:
            self._still = load_still(self._path)

    def read(self) -> np.ndarray:
        if self._still is not None:
            return self._still
        if self._cap is None:
            raise DeviceUnavailable(f"{self._path.name} is not open.")
        ok, bgr = self._cap.read()
        if not ok and self._loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, bgr = self._cap.read()
        if not ok or bgr is None:
            raise DeviceUnavailable(f"The video {self._path.name} ended (the camera went away).")
        if self._realtime and self._fps > 0:
            due = self._started + self._served / self._fps
            time.sleep(max(0.0, due - time.monotonic()))
        self.position_s = self._served / self._fps if self._fps > 0 else None
        self._served += 1
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def load_still(path: Path) -> np.ndarray:
    """An RGB image from a file, through the shared image loader (EXIF rotation, typed errors)."""
    from engine_edge.image_io import load_image

    return load_image(path)


def open_camera(spec: str) -> CameraSource:
    """A camera source for ``opencv:N``, ``picamera2`` or ``file:PATH`` (not yet opened)."""
    kind, _, rest = spec.partition(":")
    if kind == "opencv":
        try:
            return OpenCVCamera(int(rest or 0))
        except ValueError as exc:
            raise DeviceUnavailable(f"Camera '{spec}' should be opencv:N with a number N.") from exc
    if kind == "picamera2":
        return Picamera2Camera()
    if kind == "file" and rest:
        return FileCamera(rest)
    raise DeviceUnavailable(f"Unknown camera '{spec}'; use opencv:N, picamera2 or file:PATH.")


class ResilientCamera:
    """Wraps a source: ``read`` returns a Frame or None, ``state`` says which and why.

    When the source fails it is closed and reopened after 0.5 s, 1 s, 2 s ... up to
    ``max_backoff_s``; the kiosk keeps running and shows the state meanwhile.
    """

    def __init__(
        self,
        source: CameraSource,
        *,
        max_backoff_s: float = 10.0,
        first_backoff_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.state = CameraState.CONNECTING
        self.detail = ""
        self._clock = clock
        self._first = first_backoff_s
        self._max = max_backoff_s
        self._backoff = first_backoff_s
        self._retry_at = 0.0
        self._opened = False
        self._opened_at = 0.0
        self._index = 0

    def read(self) -> Frame | None:
        now = self._clock()
        if not self._opened:
            if now < self._retry_at:
                return None
            try:
                self.source.open()
                self._opened, self._opened_at = True, now
            except DeviceUnavailable as exc:
                self._lost(str(exc), now)
                return None
        try:
            # A monochrome or RGBA camera is made RGB here, once for every user of the frame;
            # one in a format that is not 8-bit is lost with the reason for staff to read.
            image = as_rgb8(self.source.read(), f"The picture from {self.source.name}")
        except (DeviceUnavailable, ImageUnreadable) as exc:
            self._lost(str(exc), now)
            return None
        if self.state is not CameraState.STREAMING:
            log.info("camera %s streaming", self.source.name)
        self.state, self.detail = CameraState.STREAMING, ""
        self._backoff = self._first
        self._index += 1
        # A recorded video says when each frame was taken: stamping it when it was read would
        # let a slow reader (a loaded CPU) see a hand-off as a long stillness.
        position_s = getattr(self.source, "position_s", None)
        taken_s = now if position_s is None else self._opened_at + position_s
        return Frame(image, taken_s, self._index)

    def _lost(self, why: str, now: float) -> None:
        if self.state is not CameraState.LOST:
            log.warning("camera %s lost: %s", self.source.name, why)
        self.state, self.detail = CameraState.LOST, why
        self._retry_at = now + self._backoff
        self._backoff = min(self._max, self._backoff * 2)
        if self._opened:
            self.source.close()
            self._opened = False

    def close(self) -> None:
        if self._opened:
            self.source.close()
            self._opened = False

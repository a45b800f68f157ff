"""Plays an MP4 held in memory (never written to disk) on a widget, looping.

A background thread decodes with PyAV into a small queue; the Kivy clock
uploads the next frame at the clip's frame rate. Memory stays at a handful of
frames however long the clip is. A clip rendered as a seamless loop (its
provenance says so) wraps without a pulse: kiosk.live.seam.
"""

from __future__ import annotations

import io
import logging
import math
import queue
import threading
from collections.abc import Iterator

import cv2
import numpy as np
from kivy.clock import Clock

from kiosk.live.seam import SeamBlend
from kiosk.widgets import PhotoView

log = logging.getLogger("keepsake.kiosk.clip")

CROSSFADE_S = 1.0  # from one loop to the next (a fresh variation of the same portrait)


def _scaled(frame, max_side_px: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    scale = min(1.0, max_side_px / max(frame.width, frame.height))
    width, height = (round(frame.width * scale) // 2 * 2, round(frame.height * scale) // 2 * 2)
    return frame.to_ndarray(format="rgb24", width=width, height=height)


class ClipPlayer(PhotoView):
    def __init__(self, max_side_px: int = 720, **kw: object) -> None:
        super().__init__(**kw)
        self.max_side_px = max_side_px
        self._frames: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=6)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._event = None
        self._lock = threading.Lock()
        self._incoming: bytes | None = None
        self.frames_shown = 0
        self.loops = 0

    def play(self, mp4: bytes, loop: bool = True) -> None:
        self.stop()
        self._take_incoming()
        self._stop = threading.Event()
        self._frames = queue.Queue(maxsize=6)
        fps = self._probe_fps(mp4)
        self._thread = threading.Thread(
            target=self._decode,
            args=(mp4, loop, self._stop, self._frames),
            name="keepsake-clip",
            daemon=True,
        )
        self._thread.start()
        self._event = Clock.schedule_interval(self._next, 1.0 / fps)

    def stop(self) -> None:
        self._stop.set()
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self._thread is not None:
            while True:  # unblock a decoder waiting on a full queue
                try:
                    self._frames.get_nowait()
                except queue.Empty:
                    break
            self._thread.join(2)
            self._thread = None

    @staticmethod
    def _probe_fps(mp4: bytes) -> float:
        import av

        with av.open(io.BytesIO(mp4), mode="r") as container:
            return float(container.streams.video[0].average_rate or 25)

    def _seam_blend(self, mp4: bytes) -> SeamBlend | None:
        """For a clip rendered as a loop: its first and last frames, as they will be shown."""
        import av

        with av.open(io.BytesIO(mp4), mode="r") as container:
            if '"loop": true' not in container.metadata.get("keepsake_provenance", ""):
                return None
            stream = container.streams.video[0]
            fps = float(stream.average_rate or 25)
            first = last = None
            count = 0
            for frame in container.decode(stream):
                if first is None:
                    first = _scaled(frame, self.max_side_px)
                last, count = frame, count + 1
        if first is None or last is None or count < 3:
            return None
        return SeamBlend.between(first, _scaled(last, self.max_side_px), count, fps)

    def _clip_frames(self, mp4: bytes, loop: bool) -> Iterator[np.ndarray]:
        """The clip's frames as shown, round and round when ``loop``."""
        import av

        blend = self._seam_blend(mp4) if loop else None
        while True:
            with av.open(io.BytesIO(mp4), mode="r") as container:
                for index, frame in enumerate(container.decode(container.streams.video[0])):
                    image = _scaled(frame, self.max_side_px)
                    yield blend.apply(index, image) if blend is not None else image
            self.loops += 1
            if not loop:
                return

    def crossfade_to(self, mp4: bytes) -> None:
        """Fade to another loop over CROSSFADE_S; the one playing keeps moving as it fades
        (it is a loop too), so there is no cut and no frozen frame."""
        if self._thread is None or not self._thread.is_alive():
            self.play(mp4)
            return
        with self._lock:
            self._incoming = mp4

    def _take_incoming(self) -> bytes | None:
        with self._lock:
            mp4, self._incoming = self._incoming, None
        return mp4

    def _decode(self, mp4: bytes, loop: bool, stop: threading.Event, out: queue.Queue) -> None:
        try:
            current = self._clip_frames(mp4, loop)
            fading: Iterator[np.ndarray] | None = None
            fade_index, fade_frames = 0, max(1, round(CROSSFADE_S * self._probe_fps(mp4)))
            while not stop.is_set():
                incoming = self._take_incoming()
                if incoming is not None:
                    fading, current, fade_index = current, self._clip_frames(incoming, True), 0
                image = next(current, None)
                if image is None:
                    out.put(None)
                    return
                if fading is not None:
                    fade_index += 1
                    old = next(fading, None)
                    if old is None or old.shape != image.shape or fade_index >= fade_frames:
                        fading = None
                    else:
                        weight = 0.5 - 0.5 * math.cos(math.pi * fade_index / fade_frames)
                        image = cv2.addWeighted(old, 1.0 - weight, image, weight, 0.0)
                while not stop.is_set():
                    try:
                        out.put(image, timeout=0.2)
                        break
                    except queue.Full:
                        continue
        except Exception:  # a broken clip shows its last frame; the kiosk carries on
            log.exception("clip decoding failed")

    def _next(self, _dt: float) -> None:
        try:
            image = self._frames.get_nowait()
        except queue.Empty:
            return
        if image is None:
            self.stop()
            return
        self.set_image(image)
        self.frames_shown += 1

"""Plays an MP4 held in memory (never written to disk) on a widget, looping.

A background thread decodes with PyAV into a small queue, a few frames ahead,
already at the size the screen shows (PyAV's scaler, off the UI thread); the
Kivy clock then only copies the frame that is due (with sound, the one being
heard) into the one texture it keeps. Memory stays at a handful of frames
however long the clip is. A clip rendered as a seamless loop
(its provenance says so) wraps without a pulse: kiosk.live.seam.
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
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture

from kiosk.live.opaque import opaque
from kiosk.live.seam import SeamBlend
from kiosk.live.sound import SoundOut, clip_audio
from kiosk.widgets import PhotoView

log = logging.getLogger("keepsake.kiosk.clip")

CROSSFADE_S = 2.0  # from one loop to the next (a fresh variation of the same portrait)


def shown_size(
    frame_size: tuple[int, int], view_px: tuple[int, int] | None, max_side_px: int
) -> tuple[int, int]:
    """Width and height to decode a frame at: as the view shows it (letterboxed), never
    above ``max_side_px`` nor the clip's own size; widths a multiple of 4 so each RGB row
    is whole 32-bit words (GL's default row alignment for uploads)."""
    width, height = frame_size
    scale = min(1.0, max_side_px / max(width, height))
    if view_px is not None:
        scale = min(scale, view_px[0] / width, view_px[1] / height)
    return max(4, round(width * scale) // 4 * 4), max(2, round(height * scale) // 2 * 2)


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
        self._sound: SoundOut | None = None
        self._fps = 25.0
        self._taken = 0  # frames taken from the queue since play()
        self._view_px: tuple[int, int] | None = None  # None until laid out: max_side_px
        self.bind(size=self._resized)
        self.frames_shown = 0
        self.loops = 0

    def _resized(self, _widget: object, size: list[float]) -> None:
        self._view_px = (max(4, int(size[0])), max(2, int(size[1])))

    def _scaled(self, frame, reformatter) -> np.ndarray:  # type: ignore[no-untyped-def]
        """A decoded frame as RGB at the size shown, scaled by PyAV's ``reformatter`` (kept
        for the whole clip: a fresh one per frame costs a third more CPU, measured)."""
        width, height = shown_size((frame.width, frame.height), self._view_px, self.max_side_px)
        return reformatter.reformat(frame, width=width, height=height, format="rgb24").to_ndarray()

    def play(self, mp4: bytes, loop: bool = True, volume: float = 0.0) -> None:
        """Play ``mp4``; with ``volume`` above 0 its sound too, and the picture follows the
        sound's clock (kiosk.live.sound)."""
        self.stop()
        self._take_incoming()
        self._stop = threading.Event()
        self._frames = queue.Queue(maxsize=6)
        fps = self._probe_fps(mp4)
        self._fps, self._taken = fps, 0
        if volume > 0:
            self._sound = self._start_sound(mp4, loop, volume)
        self._thread = threading.Thread(
            target=self._decode,
            args=(mp4, loop, self._stop, self._frames),
            name="keepsake-clip",
            daemon=True,
        )
        self._thread.start()
        # Following the sound, the clock looks twice a frame so a frame is never late by one.
        self._event = Clock.schedule_interval(self._next, 0.5 / fps if self._sound else 1.0 / fps)

    def _start_sound(self, mp4: bytes, loop: bool, volume: float) -> SoundOut | None:
        from engine_edge.deliver import probe_mp4
        from engine_edge.errors import DeviceUnavailable

        audio = clip_audio(mp4)
        if audio is None:
            return None
        facts = probe_mp4(mp4)
        sound = SoundOut(audio, volume, loop_s=facts.frame_count / facts.fps if loop else None)
        try:
            sound.start()
        except DeviceUnavailable as exc:  # the picture plays on without sound
            log.warning("%s", exc)
            return None
        return sound

    def stop(self) -> None:
        self._stop.set()
        if self._sound is not None:
            self._sound.stop()
            self._sound = None
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

    def _seam_blend(self, mp4: bytes, shape: tuple[int, ...]) -> SeamBlend | None:
        """For a clip rendered as a loop: its first and last frames, as they will be shown
        (at ``shape``)."""
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
                    first = frame.to_ndarray(format="rgb24", width=shape[1], height=shape[0])
                last, count = frame, count + 1
        if first is None or last is None or count < 3:
            return None
        shown_last = last.to_ndarray(format="rgb24", width=shape[1], height=shape[0])
        return SeamBlend.between(first, shown_last, count, fps)

    def _clip_frames(self, mp4: bytes, loop: bool) -> Iterator[np.ndarray]:
        """The clip's frames as shown, round and round when ``loop``."""
        import av
        from av.video.reformatter import VideoReformatter

        # The blend needs the loop's last frame: a helper finds it (for the size shown)
        # while the first frames already play; it is used only in the loop's last second.
        blends: dict[tuple[int, ...], SeamBlend | None] = {}

        def find_blend(shape: tuple[int, ...]) -> None:
            blends[shape] = self._seam_blend(mp4, shape)

        reformatter = VideoReformatter()
        while True:
            with av.open(io.BytesIO(mp4), mode="r") as container:
                for index, frame in enumerate(container.decode(container.streams.video[0])):
                    image = self._scaled(frame, reformatter)
                    if loop and image.shape not in blends:
                        blends[image.shape] = None
                        threading.Thread(
                            target=find_blend,
                            args=(image.shape,),
                            name="keepsake-clip-seam",
                            daemon=True,
                        ).start()
                    blend = blends.get(image.shape)
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
        due = self._taken + 1
        if self._sound is not None:  # the frame the listener is hearing now
            due = int(self._sound.heard_s * self._fps) + 1
        image = None
        while self._taken < due:  # late frames are skipped, never shown late
            try:
                image = self._frames.get_nowait()
            except queue.Empty:
                break
            self._taken += 1
            if image is None:
                self.stop()
                return
        if image is None:
            return
        self.show_frame(image)
        self.frames_shown += 1

    def _redraw(self, *_: object) -> None:
        """The frame, fitted and letterboxed as PhotoView fits it, drawn opaque (no blending:
        kiosk.live.opaque) on whole pixels, so a frame decoded at the size shown lands on
        the screen pixel for pixel. Drawn at its own size, each screen pixel is one texel:
        nearest sampling then gives the same pixels as linear, for less work (llvmpipe:
        about 4 ms less a 1080p frame)."""
        self.canvas.clear()
        if self._texture is None:
            return
        x, y, width, height = (round(v) for v in self.fitted_rect())
        one_to_one = (width, height) == tuple(self._texture.size)
        self._texture.mag_filter = "nearest" if one_to_one else "linear"
        self._texture.min_filter = "nearest" if one_to_one else "linear"
        with self.canvas:
            Color(1, 1, 1, 1)
            with opaque():
                Rectangle(texture=self._texture, pos=(x, y), size=(width, height))

    def show_frame(self, image: np.ndarray) -> None:
        """Copy ``image`` (RGB, top row first, already the size shown) into the texture.

        The texture is made once per size, flipped so rows go in as they are: no resize,
        no flipped copy and no new canvas per frame, only the upload (kept RGB: a quarter
        fewer bytes for the decoder, blend and fade than RGBA, and no slower to upload on
        llvmpipe, measured)."""
        height, width = image.shape[:2]
        if self._texture is None or self._texture.size != (width, height):
            texture = Texture.create(size=(width, height), colorfmt="rgb")
            texture.flip_vertical()
            self._texture, self._image_size = texture, (width, height)
            self._redraw()
        self._texture.blit_buffer(image.reshape(-1).data, colorfmt="rgb", bufferfmt="ubyte")
        self.canvas.ask_update()

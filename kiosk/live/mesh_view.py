"""Draws a live portrait with Kivy's textured Mesh: the GPU warps the photo, Python only
moves the vertices (engine_edge.rig.deform via the Timeline) once per frame. The
AI-animated mark ([label]) is drawn over it, as clips carry it."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from kivy.clock import Clock
from kivy.graphics import Color, Mesh, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.widget import Widget

from engine_edge.deliver import LabelSettings
from kiosk.live.mark import mark_for
from kiosk.live.portrait import LivePortrait, Timeline
from kiosk.widgets import texture_from_rgb


class LiveMeshView(Widget):
    def __init__(self, label: LabelSettings | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.label = label if label is not None else LabelSettings()
        self.timeline: Timeline | None = None
        self._mesh: Mesh | None = None
        self._event: Any = None
        self._started_s = 0.0
        self.frames_drawn = 0
        self.update_ms: list[float] = []
        self.bind(size=self._rebuild, pos=self._rebuild)

    @property
    def portrait(self) -> LivePortrait | None:
        return self.timeline.portrait if self.timeline is not None else None

    def play(
        self,
        portrait: LivePortrait,
        preset: str,
        fps: float,
        cycle_s: float,
        seed: int,
        own_clock: bool = True,
        texture: Any = None,
    ) -> None:
        """Start moving; with ``own_clock=False`` the caller calls :meth:`advance` per frame
        (several views on one screen then share one redraw per frame); views of the same
        photo can share one ``texture`` (one upload instead of several)."""
        self.stop()
        self.timeline = Timeline(portrait, preset, fps, cycle_s, seed)
        self._texture = texture if texture is not None else texture_from_rgb(portrait.photo)
        self._started_s = time.monotonic()
        self._rebuild()
        if own_clock:
            self._event = Clock.schedule_interval(lambda _dt: self.advance(), 1.0 / fps)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.timeline = None
        self._mesh = None
        self.canvas.clear()

    def _fit(self) -> tuple[float, float, float]:
        assert self.portrait is not None
        width, height = self.portrait.size_px
        scale = min(self.width / width, self.height / height)
        return (
            self.x + (self.width - width * scale) / 2,
            self.y + (self.height - height * scale) / 2,
            scale,
        )

    def _rebuild(self, *_: Any) -> None:
        self.canvas.clear()
        self._mesh = None
        if self.timeline is None:
            return
        p = self.timeline.portrait
        uv = p.uv
        self._uv = np.column_stack([uv[:, 0], 1.0 - uv[:, 1]]).astype(np.float32)
        with self.canvas:
            Color(1, 1, 1, 1)
            self._mesh = Mesh(
                vertices=self._vertices(self.timeline.positions(self._elapsed_s())),
                indices=p.triangles.astype(np.int64).ravel().tolist(),
                mode="triangles",
                texture=self._texture,
            )
        self._draw_mark()

    def _draw_mark(self) -> None:
        assert self.portrait is not None
        x0, y0, scale = self._fit()
        width, height = (round(side * scale) for side in self.portrait.size_px)
        mark = mark_for((max(width, 1), max(height, 1)), self.label)
        if mark is None or width < 40 or height < 40:
            return
        h, w = mark.rgba.shape[:2]
        texture = Texture.create(size=(w, h), colorfmt="rgba")
        texture.blit_buffer(
            np.ascontiguousarray(mark.rgba[::-1]).tobytes(), colorfmt="rgba", bufferfmt="ubyte"
        )
        x, y = mark.bottom_left_in(height)
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=texture, pos=(x0 + x, y0 + y), size=(w, h))

    def _elapsed_s(self) -> float:
        return time.monotonic() - self._started_s

    def _vertices(self, points: np.ndarray) -> list[float]:
        assert self.portrait is not None
        x0, y0, scale = self._fit()
        height = self.portrait.size_px[1]
        out = np.empty((points.shape[0], 4), dtype=np.float32)
        out[:, 0] = x0 + points[:, 0] * scale
        out[:, 1] = y0 + (height - points[:, 1]) * scale
        out[:, 2:] = self._uv
        return out.ravel().tolist()

    def advance(self) -> None:
        if self.timeline is None or self._mesh is None:
            return
        started = time.perf_counter()
        self._mesh.vertices = self._vertices(self.timeline.positions(self._elapsed_s()))
        self.update_ms.append((time.perf_counter() - started) * 1000)
        del self.update_ms[:-500]
        self.frames_drawn += 1

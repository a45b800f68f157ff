"""Draws a LivePortrait with Kivy's textured Mesh: the GPU warps the photo, Python only
moves the vertices once per frame."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from kivy.clock import Clock
from kivy.graphics import Color, Mesh
from kivy.uix.widget import Widget

from kiosk.live.portrait import LivePortrait
from kiosk.widgets import texture_from_rgb


class LiveMeshView(Widget):
    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.portrait: LivePortrait | None = None
        self._mesh: Mesh | None = None
        self._event: Any = None
        self._started_s = 0.0
        self.frames_drawn = 0
        self.bind(size=self._rebuild, pos=self._rebuild)

    def play(self, portrait: LivePortrait) -> None:
        self.stop()
        self.portrait = portrait
        self._texture = texture_from_rgb(portrait.photo)
        self._rebuild()
        self._started_s = time.monotonic()
        self._event = Clock.schedule_interval(self._tick, 1.0 / portrait.fps)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.portrait = None
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
        if self.portrait is None:
            return
        p = self.portrait
        self._uv = np.column_stack([p.uv[:, 0], 1.0 - p.uv[:, 1]]).astype(np.float32)
        with self.canvas:
            Color(1, 1, 1, 1)
            self._mesh = Mesh(
                vertices=self._vertices(0),
                indices=p.triangles.astype(np.int64).ravel().tolist(),
                mode="triangles",
                texture=self._texture,
            )

    def _vertices(self, frame: int) -> list[float]:
        assert self.portrait is not None
        x0, y0, scale = self._fit()
        height = self.portrait.size_px[1]
        points = self.portrait.positions[frame]
        out = np.empty((points.shape[0], 4), dtype=np.float32)
        out[:, 0] = x0 + points[:, 0] * scale
        out[:, 1] = y0 + (height - points[:, 1]) * scale
        out[:, 2:] = self._uv
        return out.ravel().tolist()

    def current_frame(self) -> int:
        assert self.portrait is not None
        elapsed = time.monotonic() - self._started_s
        return int(elapsed * self.portrait.fps) % self.portrait.frame_count

    def _tick(self, _dt: float) -> None:
        if self.portrait is None or self._mesh is None:
            return
        self._mesh.vertices = self._vertices(self.current_frame())
        self.frames_drawn += 1

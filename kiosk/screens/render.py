"""Render: a real progress bar with the remaining time, and cancel; the work runs in the worker."""

from __future__ import annotations

import time
from typing import Any

from kiosk.screens.base import KioskScreen
from kiosk.widgets import CalmProgressBar, PhotoView

# Remaining time is only shown once the estimate has something to stand on.
MIN_FRACTION_FOR_ESTIMATE = 0.05
# Each progress redraw repaints the whole screen (with software GL, on the CPU the renderer
# wants too): once a second matches the seconds countdown and reads as calm.
PROGRESS_INTERVAL_S = 1.0


def remaining_s(elapsed_s: float, fraction: float) -> float | None:
    """Linear estimate of the time left; None while too little is done to guess."""
    if fraction < MIN_FRACTION_FOR_ESTIMATE:
        return None
    return max(0.0, elapsed_s * (1.0 - fraction) / fraction)


class RenderScreen(KioskScreen):
    state_id = "render"
    primary_action = ""

    def build(self) -> None:
        self.page.add_widget(self.title("render.title"))
        self.photo = PhotoView()
        self.page.add_widget(self.photo)
        self.bar = CalmProgressBar(size_hint_y=None, height=self.m.mm(9))
        self.page.add_widget(self.bar)
        self.remaining = self.body("")
        self.page.add_widget(self.remaining)
        self.page.add_widget(self.row(self.button("render.cancel", "render.cancel", self._cancel)))
        self._job: int | None = None
        self._started_s = 0.0
        self._shown_s = 0.0

    @property
    def idle_timeout_s(self) -> float | None:
        return None  # the guest is waiting, not gone

    def debug_state(self) -> dict[str, Any]:
        return {"progress": round(float(self.bar.value), 3), "job": self._job}

    def enter(self) -> None:
        session = self.ctx.session
        settings = self.ctx.settings
        self.photo.set_image(session.photo)
        self.bar.value = 0
        self.remaining.text = self.t("render.starting")
        self._started_s = time.monotonic()
        self._shown_s = 0.0
        self.ctx.services.board.set_status("busy")
        self._job = self.ctx.submit(
            "render",
            {
                "photo": session.photo,
                "preset": session.preset,
                "seconds": settings.clip_seconds,
                "fps": settings.clip_fps,
                "faces": session.animated_faces or None,
                "say_text": session.say_text,
                "audio": session.recorded_audio,
                "sample_rate": session.recorded_rate,
                "step": session.motion_step,
            },
            on_progress=self._progress,
            on_done=self._done,
            on_failed=self._failed,
        )

    def leave(self) -> None:
        if self._job is not None:
            self.ctx.services.worker.cancel()
            self.ctx.forget_job(self._job)
            self._job = None

    def _progress(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._shown_s < PROGRESS_INTERVAL_S:
            return
        self._shown_s = now
        self.bar.value = fraction
        left = remaining_s(time.monotonic() - self._started_s, fraction)
        if left is not None:
            self.remaining.text = self.t("render.remaining", seconds=max(1, round(left)))

    def _done(self, result: dict[str, Any]) -> None:
        self._job = None
        self.ctx.session.clip_mp4 = result["mp4"]
        self.ctx.session.clip_poster = result["poster"]
        self.bar.value = 1.0
        self.send("rendered")

    def _failed(self, failed: Any) -> None:
        self._job = None
        if failed.cancelled:
            return
        self.ctx.fail(
            failed.message if failed.expected and failed.message else self.t("failsafe.render")
        )

    def _cancel(self) -> None:
        self.send("cancel_render")

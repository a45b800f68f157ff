"""Attract: the room's tribute loop, full screen, and a calm "Touch to begin".

Any touch begins; a long press in the top-left corner asks for the staff PIN
instead.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.uix.floatlayout import FloatLayout

from kiosk import theme
from kiosk.live.tribute import TributePlayer
from kiosk.screens.base import KioskScreen
from kiosk.widgets import TextBlock

CORNER_MM = 25.0


class AttractScreen(KioskScreen):
    state_id = "attract"
    primary_action = "attract.begin"

    def build(self) -> None:
        self.remove_widget(self.page)
        # The wall repaints the whole screen every frame: the window's clear already paints
        # the background (and a fade's buffers are cleared to it too: KioskApp), so the
        # page's own full-screen fill is left out (llvmpipe: 8 ms of a 1080p frame).
        self.canvas.before.remove(self._bg)
        layer = FloatLayout()
        self.add_widget(layer)
        self.player = TributePlayer(self.ctx, size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        layer.add_widget(self.player)
        self.welcome = TextBlock(
            self.t("attract.title"),
            size_px=self.m.title_px * 1.6,
            bold=True,
            pos_hint={"center_x": 0.5, "center_y": 0.62},
            size_hint_x=0.8,
        )
        self.tagline = TextBlock(
            self.t("attract.empty"),
            size_px=self.m.body_px,
            color=theme.TEXT_MUTED,
            pos_hint={"center_x": 0.5, "center_y": 0.48},
            size_hint_x=0.8,
        )
        self.caption = TextBlock(
            "",
            size_px=self.m.body_px * 1.2,
            pos_hint={"center_x": 0.5, "y": 0.17},
            size_hint_x=0.9,
        )
        begin = self.button(
            "attract.touch", "attract.begin", lambda: self.send("begin"), primary=True
        )
        begin.size_hint_x = 0.5
        begin.pos_hint = {"center_x": 0.5, "y": 0.04}
        for widget in (self.welcome, self.tagline, self.caption, begin):
            layer.add_widget(widget)
        self.player.bind(caption=lambda _w, value: setattr(self.caption, "text", value))
        self.player.bind(playing=self._show_welcome)
        self._long_press: Any = None

    @property
    def idle_timeout_s(self) -> float | None:
        return None

    def debug_state(self) -> dict[str, Any]:
        return {
            "mode": self.player.mode,
            "items": self.player.item_count,
            "live_frames": self.player.live.frames_drawn,
            "caption": self.caption.text,
            "wall": [i.item_id for i in self.ctx.services.store.tribute()],
        }

    def _show_welcome(self, _widget: Any, playing: bool) -> None:
        self.welcome.opacity = 0 if playing else 1
        self.tagline.opacity = 0 if playing else 1

    def enter(self) -> None:
        self.ctx.services.board.set_status("idle")
        self.player.start()

    def leave(self) -> None:
        self._cancel_long_press()
        self.player.stop()

    # -- touch: anywhere begins; a long press in the corner opens staff mode --
    def _in_corner(self, touch: Any) -> bool:
        corner = self.m.mm(CORNER_MM)
        return touch.x < corner and touch.y > self.height - corner

    def on_touch_down(self, touch: Any) -> bool:
        if self._in_corner(touch):
            self._long_press = Clock.schedule_once(
                lambda _dt: self._staff(), self.ctx.settings.staff_long_press_s
            )
            touch.grab(self)
            return True
        if super().on_touch_down(touch):
            return True
        touch.grab(self)
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if self._long_press is not None:
            self._cancel_long_press()
        if self.manager and self.manager.current == self.name and self.ctx.state == "attract":
            self.send("begin")
        return True

    def _cancel_long_press(self) -> None:
        if self._long_press is not None:
            self._long_press.cancel()
            self._long_press = None

    def _staff(self) -> None:
        self._long_press = None
        self.send("staff_request")

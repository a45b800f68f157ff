"""The "Are you still there?" overlay: a visible countdown over the guest's screen.

It covers the whole screen and takes every touch, so a finger meant as "still
here" can never land on a button underneath (such as "Delete it now").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from kiosk import theme
from kiosk.strings import Strings
from kiosk.theme import Metrics
from kiosk.widgets import BigButton, TextBlock

BACKDROP = (0.0, 0.0, 0.0, 0.72)


class StillThereOverlay(FloatLayout):
    def __init__(self, metrics: Metrics, text: Strings, on_still_here: Callable[[], None]) -> None:
        super().__init__()
        self._on_still_here = on_still_here
        self.text_for = text
        m = metrics
        with self.canvas.before:
            Color(*BACKDROP)
            self._backdrop = Rectangle(pos=self.pos, size=self.size)
        card = BoxLayout(
            orientation="vertical",
            padding=[m.mm(10), m.mm(8)],
            spacing=m.gap_px,
            size_hint=(0.7, 0.78),
            pos_hint={"center_x": 0.5, "center_y": 0.5},
        )
        with card.canvas.before:
            Color(*theme.SURFACE)
            self._card = RoundedRectangle(radius=[18])
        card.bind(pos=self._place_card, size=self._place_card)
        self.bind(pos=self._fill, size=self._fill)
        card.add_widget(TextBlock(text("still.title"), size_px=m.title_px, bold=True))
        self.countdown = TextBlock("", size_px=m.title_px * 2.2, bold=True, color=theme.ACCENT)
        card.add_widget(self.countdown)
        self.consequence = TextBlock("", size_px=m.body_px)
        card.add_widget(self.consequence)
        self.button = BigButton(
            text("still.here"),
            action_id="still_there.continue",
            on_press=on_still_here,
            primary=True,
            height_px=m.touch_px,
            font_px=m.body_px,
        )
        card.add_widget(self.button)
        self.add_widget(card)

    def _fill(self, *_: Any) -> None:
        self._backdrop.pos, self._backdrop.size = self.pos, self.size

    def _place_card(self, card: BoxLayout, *_: Any) -> None:
        self._card.pos, self._card.size = card.pos, card.size

    def update(self, seconds_left: int, work_saved: bool) -> None:
        self.countdown.text = self.text_for("still.seconds", seconds=seconds_left)
        self.consequence.text = self.text_for("still.saved" if work_saved else "still.unsaved")

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        if not super().on_touch_down(touch):  # a touch anywhere, not only on the button
            self._on_still_here()
        return True

    def on_touch_move(self, touch: Any) -> bool:
        return self.collide_point(*touch.pos)

    def on_touch_up(self, touch: Any) -> bool:
        super().on_touch_up(touch)
        return self.collide_point(*touch.pos)

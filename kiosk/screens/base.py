"""What every screen shares: a calm page layout, big buttons, strings, and the kiosk's context."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk import theme
from kiosk.widgets import BigButton, Row, TextBlock

if TYPE_CHECKING:
    from kiosk.context import KioskContext


class KioskScreen(Screen):
    """A page: title at the top, content in the middle, a row of buttons at the bottom.

    Subclasses set ``state_id`` (the flow state they show) and fill ``build``;
    ``enter``/``leave`` run when the flow enters or leaves their state.
    ``idle_timeout_s`` None means the screen never times out by itself.
    """

    state_id = ""
    primary_action = ""  # action_id the Enter key presses
    # The board's confirm button presses ``primary_action`` too, unless the screen asks a
    # question only the guest's own finger may answer (consent).
    board_may_press = True
    # The guest's unsaved work is on this screen: before it times out, ask "Are you still there?".
    holds_guest_work = False

    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(name=self.state_id)
        self.ctx = ctx
        self.m = ctx.metrics
        with self.canvas.before:
            Color(*theme.BACKGROUND)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._fill, size=self._fill)
        self.page = BoxLayout(
            orientation="vertical",
            padding=[self.m.mm(10), self.m.mm(8)],
            spacing=self.m.gap_px,
        )
        self.add_widget(self.page)
        self.build()

    def _fill(self, *_: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size

    @property
    def t(self) -> Any:
        return self.ctx.text

    @property
    def idle_timeout_s(self) -> float | None:
        return self.ctx.settings.idle_timeout_s

    # -- building blocks --
    def title(self, key: str, **values: Any) -> TextBlock:
        return TextBlock(self.t(key, **values), size_px=self.m.title_px, bold=True)

    def body(self, text: str, muted: bool = False) -> TextBlock:
        return TextBlock(
            text, size_px=self.m.body_px, color=theme.TEXT_MUTED if muted else theme.TEXT
        )

    def button(
        self, key: str, action_id: str, on_press: Any, primary: bool = False, **values: Any
    ) -> BigButton:
        return BigButton(
            self.t(key, **values),
            action_id=action_id,
            on_press=self.ctx.guarded(on_press),
            primary=primary,
            height_px=self.m.touch_px,
            font_px=self.m.body_px,
        )

    def row(self, *buttons: Widget) -> Row:
        row = Row(self.m.gap_px, self.m.touch_px)
        for b in buttons:
            row.add_widget(b)
        return row

    def spacer(self) -> Widget:
        return Widget()

    def send(self, event: str) -> None:
        self.ctx.send(event)

    # -- lifecycle --
    def build(self) -> None:
        raise NotImplementedError

    def enter(self) -> None:
        """The flow just entered this state."""

    def leave(self) -> None:
        """The flow is leaving this state: stop timers, threads and jobs."""

    def on_key_text(self, text: str) -> bool:
        """A typed character (physical keyboard); True if used."""
        return False

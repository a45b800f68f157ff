"""Staff: open an event — a name and a day ('Ruth Miller — 12 May').

Portraits added while an event is open belong to it, and the tribute wall
plays only the open event's, so the next family never sees the last one's.
Opening a new event closes the one before; its portraits stay stored until
retention ends, never shown again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.keyboard import OnScreenKeyboard, apply_key
from kiosk.screens.base import KioskScreen
from kiosk.widgets import TextBlock

MAX_NAME_CHARS = 60


class StaffEventScreen(KioskScreen):
    state_id = "staff_event"
    primary_action = ""  # staff confirm with a finger; Enter on a keyboard is typing

    def build(self) -> None:
        m = self.m
        self.name_label = TextBlock(" ", size_px=m.title_px)
        self.page.add_widget(self.name_label)
        self.hint = self.body("", muted=True)
        self.page.add_widget(self.hint)
        self.keyboard = OnScreenKeyboard(
            self.ctx.guarded(self._key), key_px=m.touch_px * 0.85, font_px=m.body_px, t=self.t
        )
        self.page.add_widget(self.keyboard)
        self.day_text = TextBlock("", size_px=m.body_px)
        self.page.add_widget(
            self.row(
                self.button("staff.event_earlier", "staff_event.earlier", lambda: self._shift(-1)),
                self.day_text,
                self.button("staff.event_later", "staff_event.later", lambda: self._shift(1)),
                self.button(
                    "staff.event_cancel", "staff_event.cancel", lambda: self.send("event_done")
                ),
                self.button("staff.event_start", "staff_event.open", self._open, primary=True),
            )
        )
        self.event_name = ""
        self.day = dt.date.today()

    @property
    def idle_timeout_s(self) -> float | None:
        return max(120.0, self.ctx.settings.idle_timeout_s)

    def debug_state(self) -> dict[str, Any]:
        return {"name": self.event_name, "day": self.day.isoformat()}

    def enter(self) -> None:
        self.event_name, self.day = "", dt.date.today()
        self.keyboard.begin(self.event_name)
        self._show()
        current = self.ctx.services.store.current_event()
        self.hint.text = (
            self.t("staff.event_replaces", name=f"{current.name} \u2014 {self.t.date(current.day)}")
            if current is not None
            else self.t("staff.event_name")
        )

    def _show(self) -> None:
        self.name_label.text = self.event_name or " "
        self.day_text.text = self.t.date(self.day)

    def _key(self, key: str) -> None:
        self.event_name = apply_key(self.event_name, key, MAX_NAME_CHARS)
        self._show()

    def on_key_text(self, text: str) -> bool:
        for ch in text:
            self._key(ch)
        return True

    def _shift(self, days: int) -> None:
        self.day += dt.timedelta(days=days)
        self._show()

    def _open(self) -> None:
        name = self.event_name.strip()
        if not name:
            self.hint.text = self.t("staff.event_name_needed")
            return
        self.ctx.services.store.open_event(name, self.day)
        self.send("event_done")

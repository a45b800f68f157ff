"""Staff PIN: a big keypad; the PIN is checked against its scrypt hash, with a lockout."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk import theme
from kiosk.keyboard import DIGITS, OnScreenKeyboard, apply_key
from kiosk.pin import PinGate, stored_pin_hash
from kiosk.screens.base import KioskScreen
from kiosk.widgets import TextBlock


class StaffPinScreen(KioskScreen):
    state_id = "staff_pin"
    primary_action = "staff_pin.enter"

    def build(self) -> None:
        settings = self.ctx.settings
        self.gate = PinGate(
            stored_pin_hash(settings.state_path / "staff_pin", settings.staff_pin_hash),
            max_failures=settings.pin_max_failures,
            lockout_s=settings.pin_lockout_s,
            state_path=settings.state_path / "staff_pin.state",
        )
        # Two columns: what is happening on the left, a large keypad on the right.
        self.page.orientation = "horizontal"
        left = BoxLayout(orientation="vertical", spacing=self.m.gap_px)
        left.add_widget(self.spacer())
        left.add_widget(self.title("staff.pin_title"))
        self.dots = TextBlock("", size_px=self.m.title_px)
        left.add_widget(self.dots)
        self.message = self.body("", muted=True)
        left.add_widget(self.message)
        left.add_widget(self.spacer())
        left.add_widget(
            self.row(
                self.button(
                    "staff.pin_cancel", "staff_pin.cancel", lambda: self.send("start_over")
                ),
                self.button("staff.pin_enter", "staff_pin.enter", self._enter, primary=True),
            )
        )
        keypad = OnScreenKeyboard(
            self.ctx.guarded(self._key),
            key_px=self.m.touch_px,
            font_px=self.m.title_px,
            t=self.t,
            layout=DIGITS,
            size_hint_x=None,
            width=self.m.touch_px * 3.6,
            pos_hint={"center_y": 0.5},
        )
        self.page.add_widget(left)
        self.page.add_widget(keypad)
        self.pin = ""

    @property
    def idle_timeout_s(self) -> float | None:
        return min(30.0, self.ctx.settings.idle_timeout_s)

    def debug_state(self) -> dict[str, Any]:
        return {"digits": len(self.pin), "locked_s": round(self.gate.locked_for_s())}

    def enter(self) -> None:
        self.pin = ""
        self.dots.text = ""
        # A PIN changed on the staff settings page counts from the next try.
        settings = self.ctx.settings
        self.gate.stored_hash = stored_pin_hash(
            settings.state_path / "staff_pin", settings.staff_pin_hash
        )
        locked = self.gate.locked_for_s()
        if not self.gate.has_pin:  # no PIN file: staff mode stays shut (there is no default)
            self.message.text = self.t("staff.pin_none")
        elif locked:
            self.message.text = self.t("staff.pin_locked", minutes=max(1, round(locked / 60)))
        else:
            self.message.text = ""

    def _key(self, key: str) -> None:
        self.pin = apply_key(self.pin, key, 12)
        self.dots.text = f"{theme.PIN_DOT} " * len(self.pin)

    def on_key_text(self, text: str) -> bool:
        for ch in text:
            if ch.isdigit() or ch == "\b":
                self._key(ch)
        return True

    def _enter(self) -> None:
        pin, self.pin, self.dots.text = self.pin, "", ""
        if self.gate.try_pin(pin):
            self.send("pin_accepted")
            return
        locked = self.gate.locked_for_s()
        if locked:
            self.message.text = self.t("staff.pin_locked", minutes=max(1, round(locked / 60)))
        else:
            self.message.text = self.t("staff.pin_wrong", left=self.gate.tries_left)

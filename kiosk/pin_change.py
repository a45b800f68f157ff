"""Changing the staff PIN on screen: the current PIN, then the new one twice.

No Kivy here, so the steps are unit-tested; the staff settings page only shows
the message key each step returns. The current PIN is asked again (through the
same :class:`kiosk.pin.PinGate`, so wrong tries count towards its lockout) so
that someone finding staff mode left open cannot lock the staff out. A
forgotten PIN is the owner's to reset from a shell (docs/STAFF.md, "If the PIN
is lost").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine_edge.errors import ConfigInvalid
from kiosk.pin import MIN_DIGITS, PinGate, PinRefused


@dataclass
class PinChange:
    gate: PinGate
    pin_file: Path
    current: str = ""
    first: str = ""
    done: bool = False

    @property
    def min_digits(self) -> int:
        return MIN_DIGITS

    def prompt(self) -> str:
        """The message key for what to type now."""
        if self.gate.has_pin and not self.current:
            return "settings.pin_current"
        return "settings.pin_again" if self.first else "settings.pin_new"

    def submit(self, pin: str) -> str:
        """Take one entry; return the message key to show (``settings.pin_done`` when saved)."""
        if self.prompt() == "settings.pin_current":
            if self.gate.locked_for_s() > 0:
                return "staff.pin_locked"
            if not self.gate.try_pin(pin):
                return "settings.pin_current_wrong"
            self.current = pin
            return self.prompt()
        if not self.first:
            if not pin.isdigit() or len(pin) < self.min_digits:
                return "settings.pin_short"
            self.first = pin
            return self.prompt()
        first, self.first = self.first, ""
        if pin != first:
            return "settings.pin_differ"
        try:
            self.gate.change_pin(self.current, pin, self.pin_file)
        except (PinRefused, ConfigInvalid):
            self.current = ""
            return "settings.pin_current_wrong"
        self.done = True
        return "settings.pin_done"

"""Changing the staff PIN on screen: the new PIN twice, then its hash written atomically.

No Kivy here, so the steps are unit-tested; the staff settings page only shows
the message key each step returns. Staff are already past the PIN gate, so the
old PIN is not asked again; a forgotten PIN is the owner's to reset from a
shell (docs/STAFF.md, "If the PIN is lost").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.pin import write_pin_file

MIN_DIGITS = 6


@dataclass
class PinChange:
    pin_file: Path
    min_digits: int = MIN_DIGITS
    first: str = ""
    done: bool = False

    def prompt(self) -> str:
        """The message key for what to type now."""
        return "settings.pin_again" if self.first else "settings.pin_new"

    def submit(self, pin: str) -> str:
        """Take one entry; return the message key to show (``settings.pin_done`` when saved)."""
        if not self.first:
            if not pin.isdigit() or len(pin) < self.min_digits:
                return "settings.pin_short"
            self.first = pin
            return self.prompt()
        first, self.first = self.first, ""
        if pin != first:
            return "settings.pin_differ"
        write_pin_file(self.pin_file, pin)
        self.done = True
        return "settings.pin_done"

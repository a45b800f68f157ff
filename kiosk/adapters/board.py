"""The USB-serial button/light board as the kiosk sees it: button presses, presence, link state.

The bridge's driver never blocks and works with no board (state "absent"), so
this adapter only drains its event queue from the UI clock and remembers the
link state for diagnostics.
"""

from __future__ import annotations

import logging
import queue
from typing import Any

log = logging.getLogger("keepsake.kiosk.board")


class BoardLink:
    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config  # the [bridge] section names the port (or finds the board)
        self._driver: Any = None
        self.state = "absent"
        self.detail = ""
        # Someone stands in front of the kiosk now (the board's presence sensor). The board
        # reports changes only; this remembers the last one, and forgets it with the link.
        self.present = False

    def start(self) -> None:
        try:
            from firmware_bridge.host import BoardDriver
            from firmware_bridge.settings import load_settings

            self._driver = BoardDriver(None, load_settings(self._config))
            self._driver.start()
        except Exception as exc:  # no bridge installed or no serial support: the kiosk runs without
            log.warning("button board unavailable: %s", exc)
            self._driver = None
            self.detail = str(exc)

    def stop(self) -> None:
        if self._driver is not None:
            self._driver.stop()

    def events(self) -> list[Any]:
        """Button and presence events waiting now; link-state changes are absorbed here."""
        if self._driver is None:
            return []
        found: list[Any] = []
        while True:
            try:
                event = self._driver.events.get_nowait()
            except queue.Empty:
                return found
            kind = type(event).__name__
            if kind == "LinkState":
                self.state, self.detail = event.state, event.detail
                if event.state != "ready":
                    self.present = False
                continue
            if kind == "PresenceEvent":
                self.present = bool(event.present)
            found.append(event)

    def set_light(self, bank_mask: int, brightness: float, fade_ms: int = 0) -> None:
        if self._driver is not None:
            self._driver.set_light(bank_mask, brightness, fade_ms)

    def set_status(self, pattern: str) -> None:
        if self._driver is not None:
            try:
                self._driver.set_status(pattern)
            except Exception:  # an unknown pattern name must not disturb the guest
                log.debug("set_status(%s) failed", pattern, exc_info=True)

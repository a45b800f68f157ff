"""What the host driver hands to the kiosk: small frozen records on a queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ButtonKind = Literal["down", "up", "long"]
LinkStateName = Literal["absent", "connecting", "ready"]

# Button numbers on the reference board (wiring table in DEPLOY.md).
BUTTON_NAMES = ("start", "confirm", "back")


@dataclass(frozen=True)
class ButtonEvent:
    """A debounced button change; ``long`` comes once while a button stays held long enough."""

    button: int
    kind: ButtonKind
    held_ms: int = 0

    @property
    def name(self) -> str:
        return BUTTON_NAMES[self.button] if self.button < len(BUTTON_NAMES) else str(self.button)


@dataclass(frozen=True)
class PresenceEvent:
    """Someone is (or no longer is) in front of the kiosk: wake or dim the display."""

    present: bool


@dataclass(frozen=True)
class LinkState:
    """The link to the board: absent (no board found), connecting, or ready; detail says why."""

    state: LinkStateName
    detail: str = ""


@dataclass(frozen=True)
class BoardInfo:
    """What the board told us in the handshake."""

    board_id: str
    boot_id: int
    firmware_version: tuple[int, int, int]
    n_buttons: int
    n_banks: int
    has_presence: bool
    safe_state: bool


BridgeEvent = ButtonEvent | PresenceEvent | LinkState

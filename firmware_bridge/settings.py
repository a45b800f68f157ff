"""The ``[bridge]`` section of keepsake.toml (defaults documented there too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BridgeSettings:
    """How the host finds and talks to the board; times in seconds or milliseconds as named."""

    # Serial device; "" finds the board by USB id under /dev/serial/by-id.
    port: str = ""
    # USB "vid:pid" pairs (hex) that identify the board; MicroPython on a Pico is 2e8a:0005.
    usb_ids: tuple[str, ...] = ("2e8a:0005",)
    heartbeat_ms: int = 250
    # No frame from the board for this long: the link is dead, reconnect.
    link_timeout_ms: int = 1500
    handshake_timeout_ms: int = 300
    ack_timeout_ms: int = 60
    command_max_tries: int = 5
    # Backoff between attempts to find/open the board: starts here, doubles up to the maximum.
    backoff_initial_s: float = 0.1
    backoff_max_s: float = 5.0
    # Commands waiting to be sent; beyond this the oldest is dropped (lights are idempotent).
    queue_max: int = 64


def load_settings(config: dict[str, Any] | None = None) -> BridgeSettings:
    """Settings from a loaded config dict (engine_edge.config.load_config), defaults otherwise."""
    from engine_edge.config import section

    return section(config or {}, "bridge", BridgeSettings)

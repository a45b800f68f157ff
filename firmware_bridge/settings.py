"""The ``[bridge]`` section of keepsake.toml (defaults documented there too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from engine_edge.config import between


@dataclass(frozen=True)
class BridgeSettings:
    """How the host finds and talks to the board; times in seconds or milliseconds as named."""

    # Serial device; "" finds the board by USB id under /dev/serial/by-id.
    port: str = ""
    # USB "vid:pid" pairs (hex) that identify the board; MicroPython on a Pico is 2e8a:0005.
    usb_ids: tuple[str, ...] = ("2e8a:0005",)
    heartbeat_ms: Annotated[int, between(10, 1000)] = 250
    # No frame from the board for this long: the link is dead, reconnect.
    link_timeout_ms: Annotated[int, between(50, 60_000)] = 1500
    handshake_timeout_ms: Annotated[int, between(10, 10_000)] = 300
    ack_timeout_ms: Annotated[int, between(5, 10_000)] = 60
    command_max_tries: Annotated[int, between(1, 100)] = 5
    # Backoff between attempts to find/open the board: starts here, doubles up to the maximum.
    backoff_initial_s: Annotated[float, between(0.001, 60)] = 0.1
    backoff_max_s: Annotated[float, between(0.001, 600)] = 5.0
    # Commands waiting to be sent; beyond this the oldest is dropped (lights are idempotent).
    queue_max: Annotated[int, between(1, 10_000)] = 64
    # Board events (buttons, presence) accepted per second, in bursts of as many; more are
    # dropped: a person presses a few times a second, a faulty or hostile board thousands.
    events_per_s: Annotated[float, between(1, 1000)] = 30.0
    # Events waiting for the kiosk; beyond this the oldest is dropped.
    event_queue_max: Annotated[int, between(1, 10_000)] = 64


def load_settings(config: dict[str, Any] | None = None) -> BridgeSettings:
    """Settings from a loaded config dict (engine_edge.config.load_config), defaults otherwise."""
    from engine_edge.config import section

    return section(config or {}, "bridge", BridgeSettings)

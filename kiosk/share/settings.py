"""The ``[share]`` section of keepsake.toml: whether and where one-time links are served."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from engine_edge.errors import ConfigInvalid

MAX_LINK_MINUTES = 24 * 60.0
MAX_DOWNLOADS = 10


@dataclass(frozen=True)
class ShareSettings:
    """Hotspot sharing, off unless staff switch it on (see keepsake.toml for each field)."""

    enabled: bool = False
    bind_address: str = "10.42.0.1"
    port: int = 8080
    link_minutes: float = 10.0
    max_downloads: int = 1
    hotspot_ssid: str = "Keepsake"
    hotspot_connection: str = "Hotspot"
    hotspot_password_file: str = "/var/lib/keepsake/kiosk/hotspot-password.json"

    def __post_init__(self) -> None:
        # Checked here so a bad file is refused when the configuration is read, not mid-share.
        try:
            address = ipaddress.ip_address(self.bind_address)
        except ValueError as exc:
            raise ConfigInvalid(
                f"[share] bind_address = {self.bind_address!r} must be the hotspot's own IPv4"
                " address, such as 10.42.0.1."
            ) from exc
        if address.version != 4 or address.is_unspecified or address.is_multicast:
            raise ConfigInvalid(
                f"[share] bind_address = {self.bind_address!r}: give the hotspot's own IPv4"
                " address; listening on every network (0.0.0.0) is not allowed."
            )
        if not isinstance(self.port, int) or not 0 <= self.port <= 65535:
            raise ConfigInvalid(f"[share] port = {self.port!r} must be 1-65535 (0: any free port).")
        check_link_minutes(self.link_minutes)
        if not isinstance(self.max_downloads, int) or not 1 <= self.max_downloads <= MAX_DOWNLOADS:
            raise ConfigInvalid(
                f"[share] max_downloads = {self.max_downloads!r} must be from 1 to {MAX_DOWNLOADS}."
            )


def check_link_minutes(minutes: float) -> float:
    """A link's lifetime in minutes, refused unless it is above zero and at most a day."""
    if not 0 < minutes <= MAX_LINK_MINUTES:
        raise ConfigInvalid(
            f"A share link must last more than 0 and at most {MAX_LINK_MINUTES:g} minutes"
            f" (got {minutes:g})."
        )
    return float(minutes)


def share_settings(config: dict[str, Any]) -> ShareSettings:
    from engine_edge.config import section

    return section(config, "share", ShareSettings)

"""Why sharing cannot happen, in words staff can act on."""

from __future__ import annotations

from engine_edge.errors import KeepsakeError


class SharingDisabled(KeepsakeError):
    """Staff have not switched hotspot sharing on (the default)."""

    def __init__(self) -> None:
        super().__init__(
            "Sharing over the hotspot is switched off, so nothing can leave the box over the"
            " network. To allow it, set `enabled = true` under [share] in"
            " /etc/keepsake/keepsake.toml (see README, Privacy and retention); until then, save"
            " portraits to a USB stick."
        )


class ShareUnavailable(KeepsakeError):
    """Sharing is on, but the box cannot listen on the configured hotspot address."""

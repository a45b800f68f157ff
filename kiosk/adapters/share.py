"""Hotspot sharing (kiosk.share, the appliance engineer's) as the Keep screen uses it.

Off unless ``[share] enabled = true``: then the server listens on the hotspot
while the kiosk runs and the Keep screen can show a one-time link's QR code
for a kept portrait. Any failure to start is logged and sharing stays hidden.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("keepsake.kiosk.share")


class ShareLink:
    def __init__(self, config: dict[str, Any], store: Any) -> None:
        self._config = config
        self._store = store  # kiosk.adapters.store.StoreLink (opened lazily)
        self._server: Any = None

    @property
    def settings(self) -> Any:
        """The ``[share]`` settings the kiosk started with (the staff settings page shows them)."""
        from kiosk.share import share_settings

        return share_settings(self._config)

    @property
    def available(self) -> bool:
        return self._server is not None and self._server.running

    def start(self) -> None:
        from kiosk.share import ShareServer, share_settings

        settings = share_settings(self._config)
        if not settings.enabled:
            return
        try:
            self._server = ShareServer(self._store.store, settings).start()
        except Exception:  # sharing is optional: the kiosk works without it
            log.exception("hotspot sharing could not start; the Keep screen will not offer it")
            self._server = None

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def offer(self, item_id: str) -> Any:
        """A one-time link (url, qr_png, expires_at) to a kept portrait's clip."""
        return self._server.offer(item_id, "clip")

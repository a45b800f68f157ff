"""Everything the screens use outside themselves, built once from the settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kiosk.adapters.board import BoardLink
from kiosk.adapters.camera import CameraFeed
from kiosk.adapters.share import ShareLink
from kiosk.adapters.store import StoreLink
from kiosk.settings import KioskSettings
from kiosk.worker import EngineWorker

log = logging.getLogger("keepsake.kiosk")


@dataclass
class Services:
    settings: KioskSettings
    store: StoreLink
    camera: CameraFeed
    worker: EngineWorker
    board: BoardLink
    share: ShareLink
    notifier: Any = None

    def start(self) -> None:
        self.worker.start()
        self.board.start()
        self.share.start()

    def stop(self) -> None:
        self.camera.stop()
        self.share.stop()
        self.board.stop()
        self.worker.stop()
        self.store.close()
        self.notify("STOPPING=1")

    def ping_watchdog(self, clock: Any) -> None:
        """WATCHDOG pings from the UI's clock: a frozen UI stops them and systemd restarts us."""
        if self.notifier is not None:
            from kiosk.notify import ping_from_clock

            ping_from_clock(self.notifier, clock)

    def notify(self, *lines: str) -> None:
        """Tell systemd (READY, WATCHDOG, STATUS); a no-op outside systemd."""
        if self.notifier is None:
            return
        try:
            self.notifier.notify("\n".join(lines))
        except Exception:  # the watchdog must never take the kiosk down
            log.debug("sd_notify failed", exc_info=True)


def _notifier() -> Any:
    try:
        from kiosk.notify import SystemdNotifier
    except ImportError:
        return None
    return SystemdNotifier()


def build_services(settings: KioskSettings, config: dict[str, Any]) -> Services:
    board = BoardLink(config)
    store = StoreLink(config, settings.state_path)
    return Services(
        settings=settings,
        store=store,
        share=ShareLink(config, store),
        camera=CameraFeed(config, lights=board),  # the board's LED banks light the burst
        worker=EngineWorker(config),
        board=board,
        notifier=_notifier(),
    )

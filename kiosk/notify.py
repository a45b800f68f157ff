"""sd_notify over plain sockets: READY, WATCHDOG and STATUS for systemd.

``keepsake-kiosk.service`` is ``Type=notify`` with ``WatchdogSec=``. The kiosk
says READY once its first screen is up, then pings WATCHDOG from its *main
loop* (a Kivy Clock event): if the UI freezes, the pings stop and systemd
restarts it. Never ping from a helper thread — that would keep a frozen UI
alive. Without ``$NOTIFY_SOCKET`` (a developer's terminal) every call is a
no-op, so the same code runs everywhere.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

DEFAULT_PING_INTERVAL_S = 5.0


class ClockLike(Protocol):
    """What :func:`ping_from_clock` needs: Kivy's ``Clock`` fits."""

    def schedule_interval(self, callback: Callable[[float], Any], timeout: float) -> Any: ...


class SystemdNotifier:
    """Sends datagrams to ``$NOTIFY_SOCKET``; does nothing when it is not set."""

    def __init__(self, socket_path: str | None = None) -> None:
        path = socket_path if socket_path is not None else os.environ.get("NOTIFY_SOCKET", "")
        self._address: str | bytes | None = None
        if path.startswith("@"):
            self._address = b"\0" + path[1:].encode()
        elif path.startswith("/"):
            self._address = path
        self._sock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def notify(self, message: str) -> bool:
        """Send one notification; False (and a debug log) when it could not be sent."""
        if self._address is None:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(message.encode(), self._address)
            return True
        except OSError as exc:
            log.debug("sd_notify %r failed: %s", message, exc)
            return False

    def ready(self, status: str | None = None) -> bool:
        return self.notify("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def watchdog_interval_s(env: dict[str, str] | None = None) -> float | None:
    """Half the watchdog timeout systemd set for this process, or None when there is none."""
    env = os.environ if env is None else env  # type: ignore[assignment]
    usec = env.get("WATCHDOG_USEC")
    pid = env.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(0.05, int(usec) / 1e6 / 2)
    except ValueError:
        return None


class Heartbeat:
    """Call :meth:`beat` on every turn of a main loop; pings WATCHDOG at most once per interval."""

    def __init__(self, notifier: SystemdNotifier, interval_s: float | None = None) -> None:
        self.notifier = notifier
        self.interval_s = interval_s or watchdog_interval_s() or DEFAULT_PING_INTERVAL_S
        self._last_s = float("-inf")

    def beat(self, *_: object) -> None:
        now_s = time.monotonic()
        if now_s - self._last_s >= self.interval_s:
            self._last_s = now_s
            self.notifier.watchdog()


def ping_from_clock(
    notifier: SystemdNotifier, clock: ClockLike, interval_s: float | None = None
) -> Any:
    """Schedule WATCHDOG pings on a main-loop clock (Kivy: ``kivy.clock.Clock``).

    Returns the clock's event so the caller can cancel it.
    """
    interval_s = interval_s or watchdog_interval_s() or DEFAULT_PING_INTERVAL_S
    return clock.schedule_interval(lambda _dt: notifier.watchdog(), interval_s)

"""Store time that never runs backwards, for boxes without a battery-backed clock.

A Raspberry Pi or a Jetson dev kit without an RTC boots with the clock where
it stopped (or at 1970) until something sets it; a kiosk offline in a funeral
home may never be told. Retention must still end. The store therefore keeps a
small durable record of the latest time it has seen, plus the boot it saw it
in, and takes as "now" the later of

* the wall clock, and
* the recorded time plus the time elapsed since, measured on
  ``CLOCK_BOOTTIME`` (which counts suspend and ignores clock changes) when
  still in the same boot; after a reboot the recorded time itself.

So a clock set backwards never extends retention. What the record cannot know
is how long the box was switched off without an RTC; that time does not count
until the wall clock is set (documented in the README).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from engine_edge.compat import UTC
from engine_edge.errors import KeepsakeError
from kiosk.store import files

log = logging.getLogger(__name__)

BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")
RECORD_EVERY_S = 60.0


def utc(ts_s: float) -> dt.datetime:
    """A store timestamp (seconds since the epoch) as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(ts_s, tz=UTC)


def read_boot_id() -> str:
    try:
        return BOOT_ID_PATH.read_text().strip()
    except OSError:
        return "unknown"


def boottime_s() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


class StoreClock:
    """Seconds since the epoch, never less than any time this store recorded before."""

    def __init__(
        self,
        record_path: Path,
        *,
        wall: Callable[[], float] = time.time,
        boottime: Callable[[], float] = boottime_s,
        boot_id: Callable[[], str] = read_boot_id,
    ) -> None:
        self.record_path = record_path
        self._wall = wall
        self._boottime = boottime
        self._boot_id = boot_id
        self._recorded_at: float | None = None

    def _floor_s(self) -> float:
        try:
            rec = json.loads(self.record_path.read_text())
            wall_s = float(rec["wall_s"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0.0
        if rec.get("boot_id") == self._boot_id():
            return wall_s + max(0.0, self._boottime() - float(rec.get("boottime_s", 0.0)))
        return wall_s

    def now(self) -> float:
        """The store's current time; records it durably about once a minute."""
        now_s = max(self._wall(), self._floor_s())
        if self._recorded_at is None or abs(now_s - self._recorded_at) >= RECORD_EVERY_S:
            self.record(now_s)
        return now_s

    def record(self, now_s: float | None = None) -> None:
        now_s = max(self._wall(), self._floor_s()) if now_s is None else now_s
        rec = {"wall_s": now_s, "boot_id": self._boot_id(), "boottime_s": self._boottime()}
        with contextlib.suppress(KeepsakeError, OSError):
            files.write_atomic(self.record_path, json.dumps(rec).encode())
            self._recorded_at = now_s
            return
        log.warning("could not record the store clock (disk full?); retention still uses wall time")


class ManualClock:
    """Store time that moves only when told (tests, the soak benchmark); it records nothing."""

    def __init__(self, start_s: float) -> None:
        self.now_s = start_s

    def now(self) -> float:
        return self.now_s

    def record(self, now_s: float | None = None) -> None:
        """Nothing to make durable: the caller owns this time."""

    def advance_days(self, days: float) -> None:
        self.now_s += days * 86400.0

"""Retention on a box without a battery-backed clock: store time never runs backwards."""

from __future__ import annotations

from pathlib import Path

from kiosk.store import Store
from kiosk.store.clock import StoreClock

DAY_S = 86400.0


class FakeBox:
    """A machine's clocks: wall time anyone can set, boot time that only moves forward."""

    def __init__(self) -> None:
        self.wall_s = 1_780_000_000.0
        self.boot_s = 100.0
        self.boot_id = "boot-1"

    def clock(self, path: Path) -> StoreClock:
        return StoreClock(
            path,
            wall=lambda: self.wall_s,
            boottime=lambda: self.boot_s,
            boot_id=lambda: self.boot_id,
        )

    def run_for(self, seconds: float) -> None:
        self.wall_s += seconds
        self.boot_s += seconds

    def reboot_without_rtc(self, off_s: float) -> None:
        """Power off for ``off_s``; the clock comes back where it stopped (fake-hwclock)."""
        self.boot_s = 10.0
        self.boot_id = f"{self.boot_id}+"
        del off_s  # nobody measured it


def test_clock_set_backwards_does_not_extend_retention(tmp_path: Path) -> None:
    box = FakeBox()
    store = Store(tmp_path / "d", clock=box.clock(tmp_path / "d" / "clock.json"))
    item_id = store.add_item(b"photo", consent=True)
    box.run_for(3 * DAY_S)
    box.wall_s -= 30 * DAY_S  # someone sets the clock a month back
    box.run_for(4.1 * DAY_S)
    assert store.wipe_expired().items == (item_id,), "7 days of running time still expire it"
    store.close()


def test_store_time_survives_a_reboot_without_rtc(tmp_path: Path) -> None:
    box = FakeBox()
    path = tmp_path / "clock.json"
    clock = box.clock(path)
    box.run_for(2 * DAY_S)
    before = clock.now()
    box.reboot_without_rtc(off_s=3600)
    box.wall_s = 0.0  # no RTC at all: 1970
    after_reboot = box.clock(path)  # a new process after the reboot
    assert after_reboot.now() >= before
    box.run_for(600)
    assert after_reboot.now() >= before + 600


def test_wall_clock_wins_when_it_is_ahead(tmp_path: Path) -> None:
    box = FakeBox()
    clock = box.clock(tmp_path / "clock.json")
    first = clock.now()
    box.wall_s += 10 * DAY_S  # NTP finally set the clock after days offline
    assert clock.now() == first + 10 * DAY_S


def test_record_is_written_durably_and_read_back(tmp_path: Path) -> None:
    box = FakeBox()
    path = tmp_path / "clock.json"
    box.clock(path).record()
    assert path.exists() and not list(tmp_path.glob(".tmp-*"))
    path.write_text("garbage")
    assert box.clock(path).now() == box.wall_s, "a damaged record falls back to the wall clock"

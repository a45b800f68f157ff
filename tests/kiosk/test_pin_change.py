"""Changing the staff PIN on screen, and the clock page's arithmetic."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk.pin import PinGate, stored_pin_hash, verify_pin, write_pin_file
from kiosk.pin_change import PinChange


def gate_for(pin_file: Path, max_failures: int = 5) -> PinGate:
    return PinGate(
        stored_pin_hash(pin_file),
        max_failures=max_failures,
        lockout_s=60.0,
        state_path=pin_file.with_name("staff_pin.state"),
    )


def test_current_pin_then_the_new_one_twice(tmp_path: Path) -> None:
    pin_file = tmp_path / "state" / "staff_pin"
    write_pin_file(pin_file, "246813")
    change = PinChange(gate_for(pin_file), pin_file)
    assert change.prompt() == "settings.pin_current"
    assert change.submit("111111") == "settings.pin_current_wrong"
    assert change.submit("246813") == "settings.pin_new"
    assert change.submit("1234") == "settings.pin_short"  # too short: still asking for the first
    assert change.submit("") == "settings.pin_short"
    assert change.submit("480517") == "settings.pin_again"
    assert change.submit("480518") == "settings.pin_differ"  # a slip: type the new one again
    assert verify_pin("246813", stored_pin_hash(pin_file) or "")  # nothing changed yet
    assert change.submit("480517") == "settings.pin_again"
    assert change.submit("480517") == "settings.pin_done"
    assert change.done
    stored = stored_pin_hash(pin_file) or ""
    assert verify_pin("480517", stored) and not verify_pin("246813", stored)
    assert "480517" not in pin_file.read_text()  # only the scrypt hash is kept
    assert oct(pin_file.stat().st_mode & 0o777) == "0o600"


def test_wrong_current_pins_count_towards_the_lockout(tmp_path: Path) -> None:
    pin_file = tmp_path / "staff_pin"
    write_pin_file(pin_file, "246813")
    change = PinChange(gate_for(pin_file, max_failures=2), pin_file)
    assert change.submit("000000") == "settings.pin_current_wrong"
    assert change.submit("000001") == "settings.pin_current_wrong"
    assert change.submit("246813") == "staff.pin_locked"  # locked, even with the right PIN
    # The lockout is the PIN screen's too: it is kept on disk next to the PIN.
    assert gate_for(pin_file).locked_for_s() > 0


def test_a_box_without_a_pin_gets_one_without_a_current_pin(tmp_path: Path) -> None:
    pin_file = tmp_path / "staff_pin"
    change = PinChange(gate_for(pin_file), pin_file)
    assert change.prompt() == "settings.pin_new"
    for entry in ("975310", "975310"):
        change.submit(entry)
    assert change.done and verify_pin("975310", stored_pin_hash(pin_file) or "")


def test_clock_fields_step_without_breaking_the_date() -> None:
    pytest.importorskip("kivy")
    from kiosk.screens.staff_settings import shifted

    start = datetime(2027, 1, 31, 23, 59)
    assert shifted(start, "minute", 1) == datetime(2027, 2, 1, 0, 0)
    assert shifted(start, "month", 1) == datetime(2027, 2, 28, 23, 59)  # 31 Jan -> 28 Feb
    assert shifted(start, "month", -1) == datetime(2027, 12, 31, 23, 59)  # the year stays
    assert shifted(datetime(2028, 2, 29, 8, 0), "year", 1) == datetime(2029, 2, 28, 8, 0)
    assert shifted(start, "hour", -24) == datetime(2027, 1, 30, 23, 59)

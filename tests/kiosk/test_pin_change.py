"""Changing the staff PIN on screen, and the clock page's arithmetic."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk.pin import stored_pin_hash, verify_pin
from kiosk.pin_change import PinChange


def test_new_pin_is_asked_twice_and_stored_only_when_both_agree(tmp_path: Path) -> None:
    pin_file = tmp_path / "state" / "staff_pin"
    change = PinChange(pin_file)
    assert change.prompt() == "settings.pin_new"
    assert change.submit("1234") == "settings.pin_short"  # too short: still asking for the first
    assert change.submit("") == "settings.pin_short"
    assert change.submit("480517") == "settings.pin_again"
    assert change.submit("480518") == "settings.pin_differ"  # a slip: start again
    assert not pin_file.exists() and change.prompt() == "settings.pin_new"
    assert change.submit("480517") == "settings.pin_again"
    assert change.submit("480517") == "settings.pin_done"
    assert change.done
    stored = stored_pin_hash(pin_file, "")
    assert verify_pin("480517", stored) and not verify_pin("480518", stored)
    assert "480517" not in pin_file.read_text()  # only the scrypt hash is kept
    assert oct(pin_file.stat().st_mode & 0o777) == "0o600"


def test_clock_fields_step_without_breaking_the_date() -> None:
    pytest.importorskip("kivy")
    from kiosk.screens.staff_settings import shifted

    start = datetime(2027, 1, 31, 23, 59)
    assert shifted(start, "minute", 1) == datetime(2027, 2, 1, 0, 0)
    assert shifted(start, "month", 1) == datetime(2027, 2, 28, 23, 59)  # 31 Jan -> 28 Feb
    assert shifted(start, "month", -1) == datetime(2027, 12, 31, 23, 59)  # the year stays
    assert shifted(datetime(2028, 2, 29, 8, 0), "year", 1) == datetime(2029, 2, 28, 8, 0)
    assert shifted(start, "hour", -24) == datetime(2027, 1, 30, 23, 59)

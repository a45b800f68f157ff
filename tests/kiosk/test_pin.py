"""Staff PIN: scrypt hash, constant-time check, lockout after repeated failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_edge.errors import ConfigInvalid
from kiosk.pin import PinGate, hash_pin, stored_pin_hash, verify_pin, write_pin_file
from kiosk.settings import KioskSettings


def test_hash_is_salted_scrypt_and_verifies() -> None:
    a, b = hash_pin("2468"), hash_pin("2468")
    assert a.startswith("scrypt$") and a != b  # fresh salt each time
    assert "2468" not in a
    assert verify_pin("2468", a) and verify_pin("2468", b)
    assert not verify_pin("2469", a)
    assert not verify_pin("2468", "garbage")


def test_documented_default_pin_matches_settings() -> None:
    assert verify_pin("2468", KioskSettings().staff_pin_hash)


def test_bad_pins_are_refused() -> None:
    for pin in ("12", "abcd", "1234567890123"):
        with pytest.raises(ConfigInvalid):
            hash_pin(pin)


def test_lockout_after_failures_even_for_the_right_pin() -> None:
    gate = PinGate(hash_pin("1357"), max_failures=3, lockout_s=60)
    assert not gate.try_pin("0000", now=0) and gate.tries_left == 2
    assert not gate.try_pin("0000", now=1)
    assert not gate.try_pin("0000", now=2)
    assert gate.locked_for_s(now=3) == pytest.approx(59)
    assert not gate.try_pin("1357", now=10)  # locked: even the right PIN waits
    assert gate.try_pin("1357", now=63)


def test_pin_file_overrides_config_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "staff_pin"
    write_pin_file(path, "97531")
    assert path.stat().st_mode & 0o077 == 0
    stored = stored_pin_hash(path, KioskSettings().staff_pin_hash)
    assert verify_pin("97531", stored) and not verify_pin("2468", stored)

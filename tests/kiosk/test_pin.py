"""Staff PIN: scrypt hash, no default PIN, 6+ digits, a lockout that survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_edge.errors import ConfigInvalid
from kiosk.pin import (
    PinGate,
    PinRefused,
    ensure_pin_file,
    hash_pin,
    stored_pin_hash,
    verify_pin,
    write_pin_file,
)
from kiosk.settings import KioskSettings


def test_hash_is_salted_scrypt_and_verifies() -> None:
    a, b = hash_pin("246813"), hash_pin("246813")
    assert a.startswith("scrypt$") and a != b  # fresh salt each time
    assert "246813" not in a
    assert verify_pin("246813", a) and verify_pin("246813", b)
    assert not verify_pin("246814", a)
    assert not verify_pin("246813", "garbage") and not verify_pin("246813", None)


def test_short_and_bad_pins_are_refused() -> None:
    for pin in ("12", "2468", "12345", "abcdef", "1234567890123"):
        with pytest.raises(ConfigInvalid):
            hash_pin(pin)


def test_a_missing_pin_file_never_means_2468(tmp_path: Path) -> None:
    configured_default = KioskSettings().staff_pin_hash
    assert stored_pin_hash(tmp_path / "absent", configured_default) is None
    gate = PinGate(stored_pin_hash(tmp_path / "absent", configured_default))
    assert not gate.has_pin and not gate.try_pin("2468", now=0)


def test_first_start_makes_a_random_pin_shown_once(tmp_path: Path) -> None:
    path = tmp_path / "state" / "staff_pin"
    pin = ensure_pin_file(path)
    assert pin is not None and len(pin) >= 6 and pin.isdigit()
    assert ensure_pin_file(path) is None, "shown once: a second start does not tell it again"
    assert verify_pin(pin, stored_pin_hash(path))  # type: ignore[arg-type]
    assert path.stat().st_mode & 0o077 == 0
    other = ensure_pin_file(tmp_path / "other" / "staff_pin")
    assert other != pin or other is None


def test_lockout_grows_and_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "staff_pin.state"
    hashed = hash_pin("135790")
    gate = PinGate(hashed, max_failures=3, lockout_s=60, state_path=state)
    assert not gate.try_pin("000000", now=0) and gate.tries_left == 2
    assert not gate.try_pin("000000", now=1)
    restarted = PinGate(hashed, max_failures=3, lockout_s=60, state_path=state)
    assert restarted.tries_left == 1, "a power cycle does not reset the count"
    assert not restarted.try_pin("000000", now=2)
    assert restarted.locked_for_s(now=3) == pytest.approx(59)
    again = PinGate(hashed, max_failures=3, lockout_s=60, state_path=state)
    assert again.locked_for_s(now=3) == pytest.approx(59), "the lockout survives a restart"
    assert not again.try_pin("135790", now=10)  # locked: even the right PIN waits
    for t in (62, 63, 64):
        again.try_pin("000000", now=t)
    assert again.locked_for_s(now=64) == pytest.approx(120), "the second lockout is longer"
    assert again.try_pin("135790", now=200)
    assert PinGate(hashed, state_path=state).tries_left == 5


def test_staff_can_change_the_pin(tmp_path: Path) -> None:
    path = tmp_path / "staff_pin"
    write_pin_file(path, "975310")
    gate = PinGate(stored_pin_hash(path))
    with pytest.raises(PinRefused):
        gate.change_pin("000000", "112233", path, now=0)
    with pytest.raises(ConfigInvalid):
        gate.change_pin("975310", "1234", path, now=1)
    gate.change_pin("975310", "112233", path, now=2)
    assert gate.try_pin("112233", now=3) and not gate.try_pin("975310", now=4)
    assert verify_pin("112233", stored_pin_hash(path))

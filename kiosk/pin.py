"""The staff PIN: stored only as a scrypt hash, with a lockout that survives a restart.

Why scrypt: a PIN has few combinations, so the hash must be slow and salted
for the file to be worth anything if the box is stolen; and a PIN needs at
least 6 digits. There is no default PIN: a box without a PIN file either gets
a random one made at set-up (:func:`ensure_pin_file`, shown once to whoever is
at the box) or refuses staff mode until one is set. The failure count and the
lockout, which doubles after each lockout, are kept on disk next to the PIN so
pulling the plug does not buy more guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from engine_edge.atomic import write_atomic
from engine_edge.errors import ConfigInvalid, KeepsakeError

SCRYPT_N = 16384
SCRYPT_R = 8
SCRYPT_P = 1
MIN_DIGITS = 6
MAX_DIGITS = 12
MAX_LOCKOUT_S = 86400.0
PUBLIC_DEFAULT_PIN = "2468"  # the PIN of early releases: never accepted again


class PinRefused(KeepsakeError):
    """The PIN was wrong, staff mode is locked, or no PIN has been set."""


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """Return ``scrypt$n$r$p$salt_hex$hash_hex`` for a PIN of 6 to 12 digits."""
    if not isinstance(pin, str) or not pin.isdigit() or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise ConfigInvalid(f"The staff PIN must be {MIN_DIGITS} to {MAX_DIGITS} digits.")
    return _hash(pin, salt if salt is not None else os.urandom(16))


def _hash(pin: str, salt: bytes) -> str:
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str | None) -> bool:
    """Constant-time check of a PIN against a stored scrypt hash (False when none is set)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            pin.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), hash_hex)


def write_pin_file(path: Path, pin: str) -> None:
    """Store a new PIN hash atomically (temp file, fsync, rename), readable by its owner only."""
    hashed = hash_pin(pin)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (hashed + "\n").encode(), mode=0o600)


def stored_pin_hash(pin_file: Path, configured: str = "") -> str | None:
    """The PIN file's hash, else a configured hash; None when no PIN is set.

    A configured hash of the old public default (2468) counts as no PIN at all.
    """
    try:
        text = pin_file.read_text().strip()
    except OSError:
        text = ""
    for candidate in (text, configured):
        if candidate and not verify_pin(PUBLIC_DEFAULT_PIN, candidate):
            return candidate
    return None


def new_random_pin(digits: int = MIN_DIGITS) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(max(MIN_DIGITS, digits)))


def ensure_pin_file(pin_file: Path) -> str | None:
    """Make a random PIN when none is set; returns it (to show once at set-up), else None."""
    if stored_pin_hash(pin_file) is not None:
        return None
    pin = new_random_pin()
    write_pin_file(pin_file, pin)
    return pin


@dataclass
class PinGate:
    """Counts failures and locks staff mode for a while after too many, across restarts.

    ``state_path`` (e.g. STATE_DIR/staff_pin.state) keeps the failure count and the
    lockout on disk; without it they live only in memory (tests). Times are wall-clock
    seconds so that the lockout means the same after a reboot.
    """

    stored_hash: str | None
    max_failures: int = 5
    lockout_s: float = 300.0
    state_path: Path | None = None
    failures: int = 0
    locked_until: float = 0.0
    lockouts: int = 0  # lockouts since the last right PIN: each one lasts twice as long

    def __post_init__(self) -> None:
        if self.state_path is None:
            return
        try:
            state = json.loads(self.state_path.read_text())
            self.failures = int(state["failures"])
            self.locked_until = float(state["locked_until"])
            self.lockouts = int(state["lockouts"])
        except (OSError, ValueError, TypeError, KeyError):
            pass

    @property
    def has_pin(self) -> bool:
        return bool(self.stored_hash)

    def locked_for_s(self, now: float | None = None) -> float:
        now = time.time() if now is None else now
        # A clock set back must not lock staff out for longer than a lockout can last.
        return min(max(0.0, self.locked_until - now), MAX_LOCKOUT_S)

    def try_pin(self, pin: str, now: float | None = None) -> bool:
        """True when a PIN is set, the gate is not locked and the PIN is right."""
        now = time.time() if now is None else now
        if not self.has_pin or self.locked_for_s(now) > 0:
            return False
        if verify_pin(pin, self.stored_hash):
            self.failures = self.lockouts = 0
            self.locked_until = 0.0
            self._save()
            return True
        self.failures += 1
        if self.failures >= self.max_failures:
            self.locked_until = now + min(self.lockout_s * 2**self.lockouts, MAX_LOCKOUT_S)
            self.lockouts += 1
            self.failures = 0
        self._save()
        return False

    def change_pin(self, current: str, new: str, pin_file: Path, now: float | None = None) -> None:
        """Staff change the PIN (the staff-settings screen): the current one must be right."""
        if self.has_pin and not self.try_pin(current, now):
            raise PinRefused("The current PIN is not right (or staff mode is locked).")
        if new == PUBLIC_DEFAULT_PIN:
            raise ConfigInvalid("Choose a PIN of your own.")
        write_pin_file(pin_file, new)
        self.stored_hash = stored_pin_hash(pin_file)

    @property
    def tries_left(self) -> int:
        return self.max_failures - self.failures

    def _save(self) -> None:
        if self.state_path is None:
            return
        state = {
            "failures": self.failures,
            "locked_until": self.locked_until,
            "lockouts": self.lockouts,
        }
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.state_path, json.dumps(state).encode(), mode=0o600)

"""The staff PIN: stored only as a scrypt hash, with a lockout after repeated failures.

Why scrypt: a 4–6 digit PIN has few combinations, so the hash must be slow
and salted for the file to be worth anything if the box is stolen.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from dataclasses import dataclass
from pathlib import Path

from engine_edge.errors import ConfigInvalid

SCRYPT_N = 16384
SCRYPT_R = 8
SCRYPT_P = 1


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """Return ``scrypt$n$r$p$salt_hex$hash_hex`` for a PIN."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ConfigInvalid("The staff PIN must be 4 to 12 digits.")
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Constant-time check of a PIN against a stored scrypt hash."""
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
    """Store a new PIN hash atomically (temp file, fsync, rename), readable by root only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(hash_pin(pin) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def stored_pin_hash(pin_file: Path, configured: str) -> str:
    """The PIN file written by ``--set-pin`` wins over the configured hash."""
    if pin_file.is_file():
        return pin_file.read_text().strip()
    return configured


@dataclass
class PinGate:
    """Counts failures and locks staff mode for a while after too many."""

    stored_hash: str
    max_failures: int = 5
    lockout_s: float = 300.0
    failures: int = 0
    locked_until: float = 0.0

    def locked_for_s(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        return max(0.0, self.locked_until - now)

    def try_pin(self, pin: str, now: float | None = None) -> bool:
        """True when the PIN is right and the gate is not locked."""
        now = time.monotonic() if now is None else now
        if self.locked_for_s(now) > 0:
            return False
        if verify_pin(pin, self.stored_hash):
            self.failures = 0
            return True
        self.failures += 1
        if self.failures >= self.max_failures:
            self.locked_until = now + self.lockout_s
            self.failures = 0
        return False

    @property
    def tries_left(self) -> int:
        return self.max_failures - self.failures

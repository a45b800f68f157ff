"""Day keys, kept apart from the data they protect.

Item keys are wrapped by the key of the UTC day on which the item expires.
When that day is over every item wrapped by it has expired, so destroying the
day key crypto-shreds the whole day at once, even if an item's own deletion
was interrupted or flash blocks of its files survive.

:class:`FileKeyStore` keeps one 32-byte file per day in its own directory
(owner-only). Other key stores can implement the same small Protocol: a
kernel keyring (keys never reach disk, but are lost at reboot, so items would
not survive a power cut) or a TPM-sealed key (see the README, "Privacy and
retention").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from pathlib import Path
from typing import Protocol

from kiosk.store import files
from kiosk.store.crypto import KEY_BYTES, new_key

_DAY_FILE = re.compile(r"^day-(\d{4}-\d{2}-\d{2})\.key$")


class KeyStore(Protocol):
    def day_key(self, day: dt.date, *, create: bool) -> bytes | None: ...
    def days(self) -> list[dt.date]: ...
    def destroy_day(self, day: dt.date) -> bool: ...


class FileKeyStore:
    """One key file per day in a directory that holds nothing else."""

    def __init__(self, key_dir: Path) -> None:
        self.key_dir = files.ensure_dir(Path(key_dir))

    def _path(self, day: dt.date) -> Path:
        return self.key_dir / f"day-{day.isoformat()}.key"

    def day_key(self, day: dt.date, *, create: bool) -> bytes | None:
        """The key for ``day``; a new one is made durable first when ``create``."""
        path = self._path(day)
        try:
            key = files.read_bytes(path)
        except FileNotFoundError:
            if not create:
                return None
            # FileExistsError: another process created it first; use theirs.
            with contextlib.suppress(FileExistsError):
                files.write_atomic(path, new_key(), exclusive=True)
            key = files.read_bytes(path)
        if len(key) != KEY_BYTES:
            return None
        return key

    def days(self) -> list[dt.date]:
        found = []
        for name in os.listdir(self.key_dir):
            m = _DAY_FILE.match(name)
            if m:
                found.append(dt.date.fromisoformat(m.group(1)))
        return sorted(found)

    def destroy_day(self, day: dt.date) -> bool:
        path = self._path(day)
        if not path.exists():
            return False
        files.shred_file(path)
        files.fsync_dir(self.key_dir)
        return True

    def remove_temp_files(self) -> int:
        removed = 0
        for name in os.listdir(self.key_dir):
            if name.startswith(files.TEMP_PREFIX):
                files.shred_file(self.key_dir / name)
                removed += 1
        return removed

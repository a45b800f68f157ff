"""Day keys, kept apart from the data they protect.

Item keys are wrapped by a key of the UTC day on which the item expires. A
day's key is destroyed as soon as no kept item expires that day any more:
when the day is over, or earlier when its last item is deleted or expires.
Deleting one item while others of its day remain *rotates* the day: a new
version of the day key is made, the remaining items are re-wrapped under it
inside the same database transaction, and the old version is destroyed once
that is committed. So a
deleted item's wrapped key, wherever a copy of it survives on flash, can no
longer be opened either.

A key is named by a *ref*: ``2026-06-04`` (first version) or ``2026-06-04.v3``.
New keys are only made, and keys only destroyed (when no item uses them), while
the caller holds the index's write transaction, so processes sharing a store
never race on versions nor shred a key another is about to use.

:class:`FileKeyStore` keeps one 32-byte file per ref in its own directory
(owner-only). Other key stores can implement the same Protocol: a kernel
keyring (keys never reach disk, but are lost at every reboot) or a TPM-sealed
key (see the README, "Privacy and retention").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from pathlib import Path

from kiosk.store import files
from kiosk.store.crypto import KEY_BYTES, new_key

_KEY_FILE = re.compile(r"^day-(\d{4}-\d{2}-\d{2})(?:\.v(\d+))?\.key$")


def ref_day(ref: str) -> dt.date:
    """The day a key ref belongs to."""
    return dt.date.fromisoformat(ref[:10])


def _ref(day: dt.date, version: int) -> str:
    return day.isoformat() if version == 0 else f"{day.isoformat()}.v{version}"


class FileKeyStore:
    """One key file per day (and version) in a directory that holds nothing else."""

    def __init__(self, key_dir: Path) -> None:
        self.key_dir = files.ensure_dir(Path(key_dir))

    def _path(self, ref: str) -> Path:
        return self.key_dir / f"day-{ref}.key"

    def _versions(self, day: dt.date | None = None) -> list[tuple[dt.date, int]]:
        found = []
        for name in os.listdir(self.key_dir):
            m = _KEY_FILE.match(name)
            if m:
                d = dt.date.fromisoformat(m.group(1))
                if day is None or d == day:
                    found.append((d, int(m.group(2) or 0)))
        return sorted(found)

    def key(self, ref: str) -> bytes | None:
        try:
            key = files.read_bytes(self._path(ref))
        except FileNotFoundError:
            return None
        return key if len(key) == KEY_BYTES else None

    def current_ref(self, day: dt.date, *, create: bool) -> str | None:
        """The newest key of ``day``; with ``create``, a first one is made durable if none is."""
        versions = self._versions(day)
        if versions:
            return _ref(day, versions[-1][1])
        if not create:
            return None
        ref = _ref(day, 0)
        # FileExistsError: another process created it first; use theirs.
        with contextlib.suppress(FileExistsError):
            files.write_atomic(self._path(ref), new_key(), exclusive=True)
        return ref

    def rotate(self, day: dt.date) -> str:
        """Make (durably) the next version of ``day``'s key and return its ref."""
        versions = self._versions(day)
        version = versions[-1][1] + 1 if versions else 0
        while True:
            ref = _ref(day, version)
            try:
                files.write_atomic(self._path(ref), new_key(), exclusive=True)
                return ref
            except FileExistsError:
                version += 1

    def refs(self, day: dt.date | None = None) -> list[str]:
        return [_ref(d, v) for d, v in self._versions(day)]

    def days(self) -> list[dt.date]:
        return sorted({d for d, _ in self._versions()})

    def destroy(self, ref: str) -> bool:
        path = self._path(ref)
        if not path.exists():
            return False
        files.shred_file(path)
        files.fsync_dir(self.key_dir)
        return True

    def destroy_day(self, day: dt.date) -> list[str]:
        """Shred every version of ``day``'s key; returns the refs destroyed."""
        return [ref for ref in self.refs(day) if self.destroy(ref)]

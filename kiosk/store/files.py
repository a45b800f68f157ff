"""Durable file writes: temporary file, fsync, rename, directory fsync.

A crash at any instant leaves either the old file or the new one, never a
mix, and a full disk leaves nothing behind and raises :class:`StorageFull`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from engine_edge import atomic
from engine_edge.atomic import TEMP_PREFIX as TEMP_PREFIX  # the store skips leftovers by it
from engine_edge.atomic import fsync_dir as fsync_dir
from engine_edge.errors import OutputUnwritable, StorageFull

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
FILE_MODE = 0o600
DIR_MODE = 0o700


def is_disk_full(exc: BaseException) -> bool:
    """True when an OS or SQLite error means the disk (or quota) is full."""
    if isinstance(exc, OSError):
        return exc.errno in _FULL_ERRNOS
    return "disk is full" in str(exc) or "database or disk is full" in str(exc)


def storage_full(path: Path) -> StorageFull:
    return StorageFull(
        f"The disk holding {path} is full, so nothing was saved. "
        "Ask staff to wipe old portraits or free some space, then try again."
    )


@contextlib.contextmanager
def mapped_errors(path: Path) -> Iterator[None]:
    """Turn OS errors into the typed errors a staff member can act on."""
    try:
        yield
    except OSError as exc:
        if is_disk_full(exc):
            raise storage_full(path) from exc
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise OutputUnwritable(
                f"Keepsake may not write to {path} ({exc.strerror}). "
                "Check the folder's permissions or that the disk is not read-only."
            ) from exc
        raise


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (owner-only) and its parents, durably."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        with mapped_errors(d):
            try:
                d.mkdir(mode=DIR_MODE)
            except FileExistsError:
                continue
            fsync_dir(d.parent)
    return path


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` owner-only and all or nothing (see engine_edge.atomic).

    With ``exclusive`` two processes racing to create the same file both end up
    with the first one's content (:class:`FileExistsError` for the loser).
    """
    with mapped_errors(path):
        atomic.write_atomic(path, data, mode=FILE_MODE, exclusive=exclusive)


def write_staged(path: Path, data: bytes) -> None:
    """Write a new file into a staging folder that nothing reads yet: no temporary name and
    no folder fsync each time; the caller fsyncs the folder once before renaming it into
    place (half the fsyncs of :func:`write_atomic`)."""
    with mapped_errors(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)


def read_bytes(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read()


def shred_file(path: Path) -> int:
    """Overwrite ``path`` with random bytes, then unlink it; returns its former size.

    On flash storage the overwrite may land on fresh blocks and leave the old
    ones behind (Wei et al., FAST '11), which is why everything we store is
    encrypted and the keys are what we really destroy. The overwrite still
    helps on magnetic disks and costs little for key-sized files.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, secrets.token_bytes(size))
            os.fsync(fd)
        finally:
            os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    return size


def remove_file(path: Path) -> int:
    """Unlink ``path`` (ciphertext needs no overwrite once its key is gone)."""
    try:
        size = path.stat().st_size
        os.unlink(path)
    except FileNotFoundError:
        return 0
    return size

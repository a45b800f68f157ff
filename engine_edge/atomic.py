"""The one atomic file write: temporary file in the same folder, fsync, rename, folder fsync.

A crash or a full disk at any instant leaves either the old file or the new one,
never a mix, and no temporary file behind. OS errors are raised as they come;
each caller turns them into the typed error its reader can act on.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from engine_edge.errors import OutputUnwritable

# Every temporary file starts with this, so a folder's leftovers can be recognised.
TEMP_PREFIX = ".tmp-"


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see all of it or none of it.

    ``mode`` is the new file's permission bits before the umask (0o666 gives what
    ``open()`` would). With ``exclusive`` the final name is claimed with ``link``
    instead of ``rename``, so two processes racing to create the same file both end
    up with the first one's content (:class:`FileExistsError` for the loser).

    Only a regular file, or a symbolic link this user owns, is ever replaced: a
    folder, device node (``/dev/full`` as root), pipe or socket at ``path`` raises
    :class:`OutputUnwritable` and nothing is written.
    """
    _refuse_to_replace_special(path)
    folder = path.parent
    tmp = folder / f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(6)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _refuse_to_replace_special(path: Path) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode):
        return
    if stat.S_ISLNK(st.st_mode) and st.st_uid == os.geteuid():
        return
    raise OutputUnwritable(
        f"{path} is not an ordinary file (a folder, device, pipe, socket or someone else's link); "
        "it was left alone. Choose another name."
    )

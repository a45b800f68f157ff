"""Where a command may write: checked before any work, so an output never destroys an input.

Every command that writes resolves its output here first and is refused, with a
sentence staff can act on, when the output is one of its inputs (same device and
inode, or same real path), a folder, a device node, a pipe or a socket, or sits
in a folder that does not exist or cannot be written to. The write itself stays
atomic (engine_edge.atomic), which only ever replaces a regular file or a link.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from engine_edge.errors import OutputUnwritable

PathLike = str | os.PathLike[str]


def check_output_file(path: PathLike, inputs: Iterable[PathLike | None] = ()) -> Path:
    """The output file ``path``, refused unless writing it is safe for ``inputs`` and the system."""
    target = Path(path)
    if not str(path).strip():
        raise OutputUnwritable("The output file name is empty; give a file name.")
    existing = _stat(target)
    if existing is not None:
        refuse_special(target, existing)
        for source in inputs:
            if source is not None and _same_file(target, existing, Path(source)):
                raise OutputUnwritable(
                    f"{target} is also an input ({source}); writing there would destroy it. "
                    "Choose another output file."
                )
    check_output_folder(target.parent)
    return target


def check_output_folder(folder: PathLike, *, create: bool = False) -> Path:
    """A folder outputs go into: it must be a folder, exist (or be made) and be writable."""
    if not str(folder).strip():  # `--out "$DIR"` with DIR unset: not "here"
        raise OutputUnwritable("The output folder name is empty; give a folder.")
    target = Path(folder)
    existing = _stat(target)
    if existing is None:
        if not create:
            raise OutputUnwritable(
                f"The folder {target} does not exist; create it or choose another."
            )
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputUnwritable(
                f"The folder {target} cannot be created ({exc.strerror or exc}); choose another."
            ) from exc
        existing = _stat(target)
    if existing is None or not stat.S_ISDIR(existing.st_mode):
        raise OutputUnwritable(f"{target} is not a folder; choose a folder for the output.")
    if not os.access(target, os.W_OK | os.X_OK):
        raise OutputUnwritable(
            f"The folder {target} cannot be written to (no permission, or a read-only disk); "
            "choose another."
        )
    return target


def refuse_special(target: Path, st: os.stat_result) -> None:
    """Only a regular file may be replaced by an output: never a folder, device, pipe or socket."""
    if stat.S_ISDIR(st.st_mode):
        raise OutputUnwritable(
            f"{target} is a folder; give a file name inside it, e.g. {target / 'portrait.mp4'}."
        )
    if not stat.S_ISREG(st.st_mode):
        raise OutputUnwritable(
            f"{target} is a device, pipe or socket, not a file; give an ordinary file name."
        )


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:  # nothing there (or a dangling link, which a write replaces)
        return None
    except OSError as exc:
        raise OutputUnwritable(f"{path} cannot be used ({exc.strerror or exc}).") from exc


def _same_file(target: Path, target_stat: os.stat_result, source: Path) -> bool:
    try:
        source_stat = source.stat()
    except OSError:
        return False
    if (source_stat.st_dev, source_stat.st_ino) == (target_stat.st_dev, target_stat.st_ino):
        return True
    return os.path.realpath(target) == os.path.realpath(source)

"""What staff see under Diagnostics: plain facts about the box, gathered without Kivy."""

from __future__ import annotations

import platform
import shutil
import time
from importlib import metadata
from pathlib import Path

from engine_edge import __version__


def disk_space_gb(path: Path) -> tuple[float, float]:
    """Free and total GB of the disk holding ``path`` (its nearest existing parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    return usage.free / 1e9, usage.total / 1e9


def versions() -> str:
    """One short line: Keepsake, Python and the libraries that decide how the kiosk behaves."""
    parts = [f"keepsake {__version__}", f"python {platform.python_version()}"]
    for package in ("kivy", "openvino", "onnxruntime", "python-statemachine"):
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(parts)


def clock_text(now_s: float | None = None) -> str:
    """The box's local date and time with its zone ("2026-12-04 14:05 CET, UTC+01:00").

    Staff read it to see whether the clock is right: the retention wipe and the audit log
    run on it. ISO order, so it reads the same in every language.
    """
    local = time.localtime(now_s)
    offset = time.strftime("%z", local)
    return time.strftime("%Y-%m-%d %H:%M %Z", local) + f", UTC{offset[:3]}:{offset[3:]}"

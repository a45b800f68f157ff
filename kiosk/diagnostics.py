"""What staff see under Diagnostics: plain facts about the box, gathered without Kivy."""

from __future__ import annotations

import platform
import shutil
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
    parts = [f"keepsake {__version__}", f"python {platform.python_version()}"]
    for package in ("kivy", "openvino", "onnxruntime", "python-statemachine"):
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(parts)

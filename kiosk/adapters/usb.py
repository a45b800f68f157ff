"""USB sticks for guests: photos to pick from, and saving their clip.

Which mounts count as a USB stick is the store's rule (kiosk.store.usb: only
removable, mounted, writable media), so a clip never lands on the box's own
disk by mistake.
"""

from __future__ import annotations

import os
from pathlib import Path

from engine_edge.errors import DeviceUnavailable, OutputUnwritable, StorageFull

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp")
MUSIC_SUFFIXES = (".mp3", ".wav", ".flac", ".ogg", ".m4a")


def stick_folder() -> Path:
    """``<stick>/Keepsake``; DeviceUnavailable with a plain message when no stick is in."""
    from kiosk.store.usb import usb_export_dir

    return usb_export_dir()


def first_stick() -> Path:
    from kiosk.store.usb import removable_mounts

    mounts = removable_mounts()
    if not mounts:
        raise DeviceUnavailable("No USB stick found. Plug one in and try again.")
    return mounts[0]


def list_photos(root: Path, limit: int = 12) -> list[Path]:
    """Photos on the stick, newest first, skipping hidden folders (.Trash, .Spotlight)."""
    return list_files(root, PHOTO_SUFFIXES, limit)


def list_music(root: Path, limit: int = 12) -> list[Path]:
    """Music files on the stick (for the tribute film's bed), newest first."""
    return list_files(root, MUSIC_SUFFIXES, limit)


def list_files(root: Path, suffixes: tuple[str, ...], limit: int) -> list[Path]:
    """Files with these suffixes on the stick, newest first, skipping hidden files and folders."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(
            Path(folder) / f
            for f in files
            if f.lower().endswith(suffixes) and not f.startswith(".")
        )
        if len(found) > 500:
            break
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return found[:limit]


def save_bytes(folder: Path, name: str, data: bytes) -> Path:
    """Write one file to the stick atomically (temp, fsync, rename); never half a clip."""
    target = folder / name
    tmp = folder / f".{name}.partial"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno == 28:
            raise StorageFull("The USB stick is full. Please try another one.") from exc
        raise OutputUnwritable(
            "We could not write to the USB stick. Please try another one."
        ) from exc
    return target

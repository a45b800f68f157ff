"""Finding a USB stick to export to: removable, mounted, writable media only.

A path typed by staff could be the internal disk, where decrypted portraits
must never land; so the kiosk exports only to a mount whose block device the
kernel marks removable (``/sys/block/*/removable``) or that hangs off the USB
bus, read from ``/proc/mounts``.
"""

from __future__ import annotations

import os
from pathlib import Path

from engine_edge.errors import DeviceUnavailable

# Where the kernel says what is mounted and which disks are removable. The kiosk's UI tests
# point these at a fake system (a folder posing as a USB stick); the rule stays the same.
PROC_MOUNTS = Path(os.environ.get("KEEPSAKE_PROC_MOUNTS", "/proc/mounts"))
SYS_CLASS_BLOCK = Path(os.environ.get("KEEPSAKE_SYS_CLASS_BLOCK", "/sys/class/block"))
EXPORT_FOLDER = "Keepsake"


def _unescape(field: str) -> str:
    """/proc/mounts writes spaces, tabs and backslashes as octal escapes."""
    return (
        field.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
    )


def _disk_of(device: str, sys_class_block: Path) -> Path | None:
    """The /sys entry of the whole disk a /dev node belongs to (sdb1 -> sdb)."""
    if not device.startswith("/"):  # tmpfs, proc, overlay: not a block device
        return None
    name = os.path.basename(os.path.realpath(device))
    entry = sys_class_block / name
    if not entry.exists():
        return None
    entry = entry.resolve()
    return entry.parent if (entry / "partition").exists() else entry


def is_removable_disk(disk: Path) -> bool:
    try:
        if (disk / "removable").read_text().strip() == "1":
            return True
    except OSError:
        pass
    return "/usb" in str(disk.resolve())


def removable_mounts(
    proc_mounts: Path = PROC_MOUNTS, sys_class_block: Path = SYS_CLASS_BLOCK
) -> list[Path]:
    """Mount points of removable media that are mounted read-write, in mount order."""
    found: list[Path] = []
    try:
        lines = proc_mounts.read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        parts = line.split()
        if len(parts) < 4:
            continue
        device, mount_point, options = _unescape(parts[0]), _unescape(parts[1]), parts[3]
        if mount_point in ("/", "/boot", "/boot/efi") or "rw" not in options.split(","):
            continue
        disk = _disk_of(device, sys_class_block)
        if disk is not None and is_removable_disk(disk) and Path(mount_point) not in found:
            found.append(Path(mount_point))
    return found


def usb_export_dir(
    proc_mounts: Path = PROC_MOUNTS, sys_class_block: Path = SYS_CLASS_BLOCK
) -> Path:
    """``<stick>/Keepsake`` on the first USB stick, created if needed."""
    mounts = removable_mounts(proc_mounts, sys_class_block)
    if not mounts:
        raise DeviceUnavailable(
            "No USB stick is plugged in (or it is not ready yet). "
            "Plug one in, wait a few seconds, and try again."
        )
    dest = mounts[0] / EXPORT_FOLDER
    try:
        dest.mkdir(exist_ok=True)
    except OSError as exc:
        raise DeviceUnavailable(
            f"The USB stick at {mounts[0]} cannot be written ({exc.strerror}). "
            "Check that it is not locked or full."
        ) from exc
    return dest


def is_on_removable_media(
    path: Path, proc_mounts: Path = PROC_MOUNTS, sys_class_block: Path = SYS_CLASS_BLOCK
) -> bool:
    """True when ``path`` lies on a mounted removable disk (a USB stick, an SD card)."""
    target = Path(os.path.realpath(path))
    return any(
        target == mount or mount in target.parents
        for mount in removable_mounts(proc_mounts, sys_class_block)
    )

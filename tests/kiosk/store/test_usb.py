"""USB export goes only to removable, mounted, writable media."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_edge.errors import DeviceUnavailable
from kiosk.store.usb import removable_mounts, usb_export_dir


def _fake_system(tmp_path: Path, mounts: list[tuple[str, str, str]]) -> tuple[Path, Path]:
    """A /proc/mounts and /sys/class/block with sda (internal), sdb (stick), mmcblk0."""
    sys_block = tmp_path / "sys/class/block"
    devices = tmp_path / "sys/devices"
    for disk, removable, bus in (
        ("sda", "0", "pci0000:00/ata1"),
        ("sdb", "1", "pci0000:00/usb1"),
        ("sdc", "0", "pci0000:00/usb2"),
    ):
        d = devices / bus / disk
        (d / f"{disk}1").mkdir(parents=True)
        (d / "removable").write_text(removable + "\n")
        (d / f"{disk}1" / "partition").write_text("1\n")
        sys_block.mkdir(parents=True, exist_ok=True)
        (sys_block / disk).symlink_to(d)
        (sys_block / f"{disk}1").symlink_to(d / f"{disk}1")
    dev = tmp_path / "dev"
    dev.mkdir()
    for name in ("sda1", "sdb1", "sdc1"):
        (dev / name).touch()
    proc = tmp_path / "mounts"
    proc.write_text(
        "".join(f"{dev / d} {m} vfat {o},relatime 0 0\n" for d, m, o in mounts)
        + "tmpfs /run tmpfs rw,nosuid 0 0\n"
    )
    return proc, sys_block


def test_only_removable_or_usb_mounts_count(tmp_path: Path) -> None:
    stick = tmp_path / "media/GUEST STICK"
    disk = tmp_path / "media/usbdisk"
    stick.mkdir(parents=True)
    disk.mkdir(parents=True)
    proc, sys_block = _fake_system(
        tmp_path,
        [
            ("sda1", "/", "rw"),
            ("sda1", str(tmp_path / "data"), "rw"),
            ("sdb1", str(stick).replace(" ", "\\040"), "rw"),
            ("sdc1", str(disk), "rw"),
        ],
    )
    assert removable_mounts(proc, sys_block) == [stick, disk]
    assert usb_export_dir(proc, sys_block) == stick / "Keepsake"
    assert (stick / "Keepsake").is_dir()


def test_read_only_sticks_and_no_sticks_give_a_clear_error(tmp_path: Path) -> None:
    stick = tmp_path / "media/locked"
    stick.mkdir(parents=True)
    proc, sys_block = _fake_system(tmp_path, [("sda1", "/", "rw"), ("sdb1", str(stick), "ro")])
    assert removable_mounts(proc, sys_block) == []
    with pytest.raises(DeviceUnavailable, match="No USB stick"):
        usb_export_dir(proc, sys_block)


def test_this_machine_without_sticks() -> None:
    """On the real /proc and /sys: the root filesystem is never offered as a stick."""
    assert Path("/") not in removable_mounts()

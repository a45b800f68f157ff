"""Finding the board: a /dev/serial/by-id link whose USB device has one of our vid:pid pairs.

The by-id name is stable across replugs (unlike /dev/ttyACM0), and the USB ids
come from sysfs, so no other USB-serial gadget on the kiosk is ever opened.
"""

from __future__ import annotations

from pathlib import Path

from engine_edge.errors import ConfigInvalid

BY_ID_DIR = Path("/dev/serial/by-id")
SYSFS_ROOT = Path("/sys")


def parse_usb_ids(usb_ids: tuple[str, ...] | list[str]) -> set[tuple[int, int]]:
    """'2e8a:0005' strings -> {(0x2e8a, 0x0005)}; a malformed one is a configuration error."""
    pairs = set()
    for text in usb_ids:
        vid, sep, pid = text.partition(":")
        try:
            if not sep:
                raise ValueError(text)
            pairs.add((int(vid, 16), int(pid, 16)))
        except ValueError as exc:
            raise ConfigInvalid(
                f"[bridge] usb_ids entry {text!r} should look like '2e8a:0005' (hex vendor:product)"
            ) from exc
    return pairs


def usb_id_of(device: Path, sysfs_root: Path = SYSFS_ROOT) -> tuple[int, int] | None:
    """The (vid, pid) of the USB device behind a tty node, or None when it is not USB."""
    tty_dir = sysfs_root / "class" / "tty" / device.name / "device"
    try:
        node = tty_dir.resolve(strict=True)
    except OSError:
        return None
    for folder in (node, *node.parents):
        vendor, product = folder / "idVendor", folder / "idProduct"
        if vendor.is_file() and product.is_file():
            try:
                return int(vendor.read_text().strip(), 16), int(product.read_text().strip(), 16)
            except ValueError:
                return None
        if folder == sysfs_root:
            break
    return None


def find_board(
    usb_ids: set[tuple[int, int]], by_id_dir: Path = BY_ID_DIR, sysfs_root: Path = SYSFS_ROOT
) -> str | None:
    """The by-id path of the first attached board, or None when there is none."""
    try:
        entries = sorted(by_id_dir.iterdir())
    except OSError:
        return None
    for entry in entries:
        try:
            device = entry.resolve(strict=True)
        except OSError:
            continue
        if usb_id_of(device, sysfs_root) in usb_ids:
            return str(entry)
    return None

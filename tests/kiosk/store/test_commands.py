"""`keepsake store ...` and `keepsake wipe ...` as staff and scripts use them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def keepsake(*args: str, data_dir: Path, expect: int = 0, results_only: bool = False) -> str:
    env = {**os.environ, "KEEPSAKE_DATA_DIR": str(data_dir), "KEEPSAKE_CONFIG": ""}
    result = subprocess.run(
        [sys.executable, "-m", "engine_edge.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == expect, result.stdout + result.stderr
    if results_only:  # stdout alone: what ID=$(keepsake store add ...) captures
        return result.stdout
    return result.stdout + result.stderr


@pytest.fixture
def photo_file(tmp_path: Path, photo_jpeg: bytes) -> Path:
    path = tmp_path / "nana.jpg"
    path.write_bytes(photo_jpeg)
    return path


def test_add_list_export_wipe(tmp_path: Path, photo_file: Path, photo_jpeg: bytes) -> None:
    data = tmp_path / "store"
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100)
    item_id = keepsake(
        "store",
        "add",
        str(photo_file),
        "--caption",
        "Nana Joan",
        "--clip",
        str(clip),
        data_dir=data,
        results_only=True,
    ).strip()
    assert len(item_id) == 16 and " " not in item_id  # the ID, and no log line with it
    listing = keepsake("store", "list", data_dir=data)
    assert item_id in listing and "Nana Joan" in listing and "clip,photo" in listing
    out = tmp_path / "out"
    out.mkdir()
    keepsake("store", "export", item_id, str(out), data_dir=data)
    assert (out / f"keepsake-{item_id}-photo.jpg").read_bytes() == photo_jpeg
    assert "destroyed " + item_id in keepsake("wipe", "--item", item_id, data_dir=data)
    assert "No portraits are stored." in keepsake("store", "list", data_dir=data)
    assert "0 item(s) destroyed" in keepsake("wipe", data_dir=data)
    audit = keepsake("store", "audit", data_dir=data)
    assert "added" in audit and "destroyed" in audit and "Nana" not in audit


def test_errors_are_plain_messages(tmp_path: Path) -> None:
    data = tmp_path / "store"
    not_photo = tmp_path / "notes.txt"
    not_photo.write_text("hello")
    assert "not a photo" in keepsake("store", "add", str(not_photo), data_dir=data, expect=2)
    assert "no portrait" in keepsake("wipe", "--item", "nope", data_dir=data, expect=2).lower()
    # No stick on a test machine (or, if one is mounted, no such item): a message, exit 2.
    message = keepsake("store", "export", "0123456789abcdef", "usb", data_dir=data, expect=2)
    assert "No USB stick" in message or "no longer stored" in message

"""`keepsake store ...` and `keepsake wipe ...` as staff and scripts use them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kiosk.store.conftest import tiny_mp4

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
    clip.write_bytes(tiny_mp4())
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
    refused = keepsake("store", "export", item_id, str(out), data_dir=data, expect=2)
    assert "not on a USB stick" in refused and not list(out.iterdir())
    keepsake("store", "export", item_id, str(out), "--to-internal-disk", data_dir=data)
    (photo,) = out.glob("* Nana Joan - photo.jpg")
    assert photo.read_bytes() == photo_jpeg
    assert (out / photo.name.replace(" - photo.jpg", ".mp4")).read_bytes() == clip.read_bytes()
    assert "destroyed " + item_id in keepsake("wipe", "--item", item_id, data_dir=data)
    assert "No portraits are stored." in keepsake("store", "list", data_dir=data)
    assert "0 item(s) destroyed" in keepsake("wipe", data_dir=data)
    audit = keepsake("store", "audit", data_dir=data)
    assert "added" in audit and "destroyed" in audit and "Nana" not in audit
    assert "to-internal-disk" in audit


def test_clips_and_photos_are_checked_before_storing(tmp_path: Path, photo_file: Path) -> None:
    from PIL import Image

    data = tmp_path / "store"
    fake = tmp_path / "zeros.mp4"
    fake.write_bytes(tiny_mp4()[:32] + bytes(2_000_000))  # a real header, then nothing
    add = ("store", "add", str(photo_file))
    message = keepsake(*add, "--clip", str(fake), data_dir=data, expect=2)
    assert "not a playable MP4" in message and "Traceback" not in message
    bomb = tmp_path / "bomb.png"
    Image.new("1", (30000, 30000)).save(bomb)
    message = keepsake("store", "add", str(bomb), data_dir=data, expect=2)
    assert "too many pixels" in message and "Traceback" not in message
    message = keepsake(
        "store", "add", str(photo_file), "--preset", "bogus<script>", data_dir=data, expect=2
    )
    assert "invalid choice" in message
    assert "No portraits are stored." in keepsake("store", "list", data_dir=data)


def test_events_from_the_command_line(tmp_path: Path, photo_file: Path) -> None:
    import datetime as dt

    from kiosk.store import Store

    data = tmp_path / "store"
    with Store(data) as store:
        ruth = store.open_event("Ruth Miller — 12 May", dt.date(2026, 5, 12))
        store.add_item(b"earlier", consent=True, event_id=ruth.event_id)
        other = store.open_event("Open day", dt.date(2026, 5, 13))
    added = keepsake(
        "store", "add", str(photo_file), "--caption", "Open", data_dir=data, results_only=True
    ).strip()
    events = keepsake("store", "events", data_dir=data)
    assert "Ruth Miller — 12 May" in events and "closed" in events and "open" in events
    assert added in keepsake("store", "list", "--event", other.event_id, data_dir=data)
    assert added not in keepsake("store", "list", "--event", ruth.event_id, data_dir=data)
    out = tmp_path / "out"
    out.mkdir()
    keepsake(
        "store", "export", "--event", other.event_id, str(out), "--to-internal-disk", data_dir=data
    )
    assert sorted(p.name.split(" ", 1)[1] for p in out.iterdir()) == ["Open - photo.jpg"]
    assert "1 item(s) destroyed" in keepsake("wipe", "--event", ruth.event_id, data_dir=data)
    assert "Ruth Miller" not in keepsake("store", "events", data_dir=data)
    gone = keepsake("store", "list", "--event", ruth.event_id, data_dir=data, expect=2)
    assert "no event" in gone


def test_errors_are_plain_messages(tmp_path: Path) -> None:
    data = tmp_path / "store"
    not_photo = tmp_path / "notes.txt"
    not_photo.write_text("hello")
    assert "not a photo" in keepsake("store", "add", str(not_photo), data_dir=data, expect=2)
    assert "no portrait" in keepsake("wipe", "--item", "nope", data_dir=data, expect=2).lower()
    # No stick on a test machine (or, if one is mounted, no such item): a message, exit 2.
    message = keepsake("store", "export", "0123456789abcdef", "usb", data_dir=data, expect=2)
    assert "No USB stick" in message or "no longer stored" in message

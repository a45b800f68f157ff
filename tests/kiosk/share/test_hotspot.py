"""The hotspot password: random per box, new each day, only inside the Wi-Fi QR code."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.share import ShareServer, ShareUnavailable
from kiosk.share.hotspot import (
    apply_password,
    nmcli_commands,
    read_key,
    save_key,
    todays_key,
    wifi_qr_text,
)
from tests.kiosk.share.test_server import enabled


def test_a_new_random_password_each_day(tmp_path: Path) -> None:
    path = tmp_path / "hotspot.json"
    monday, new = todays_key(path, dt.date(2026, 5, 11))
    assert new and len(monday.password) >= 12 and read_key(path) is None, "saved only once used"
    save_key(path, monday)
    assert path.stat().st_mode & 0o007 == 0, "not readable by other users"
    assert todays_key(path, dt.date(2026, 5, 11)) == (monday, False)
    tuesday, new = todays_key(path, dt.date(2026, 5, 12))
    assert new and tuesday.password != monday.password
    other_box, _ = todays_key(tmp_path / "other.json", dt.date(2026, 5, 11))
    assert other_box.password != monday.password


def test_the_wifi_qr_joins_the_hotspot(tmp_path: Path, store, item_id) -> None:  # type: ignore[no-untyped-def]
    assert wifi_qr_text('Kee;p"sake', "ab:c") == 'WIFI:T:WPA;S:Kee\\;p\\"sake;P:ab\\:c;;'
    path = tmp_path / "hotspot.json"
    settings = enabled(hotspot_password_file=str(path), hotspot_ssid="Keepsake")
    with ShareServer(store, settings) as server:
        assert server.offer(item_id).wifi_qr_png == b"", "no password set up: no Wi-Fi code"
        key, _ = todays_key(path, dt.date.today())
        save_key(path, key)
        png = server.offer(item_id).wifi_qr_png
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)  # reads every valid code
    assert text == f"WIFI:T:WPA;S:Keepsake;P:{key.password};;"


def test_the_password_is_applied_with_networkmanager() -> None:
    """NetworkManager and a Wi-Fi card are a hardware edge this machine lacks: the commands
    are recorded instead of run."""
    ran: list[list[str]] = []

    def ok(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        ran.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    apply_password("Hotspot", "abcdefgh2345", run=ok)
    assert ran == nmcli_commands("Hotspot", "abcdefgh2345")
    assert ran[1][-2:] == ["wifi-sec.psk", "abcdefgh2345"]

    def refused(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 10, "", "Error: unknown connection 'X'.")

    with pytest.raises(ShareUnavailable, match="unknown connection"):
        apply_password("X", "abcdefgh2345", run=refused)

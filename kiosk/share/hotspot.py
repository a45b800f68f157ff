"""The hotspot's Wi-Fi password: one per box, new every day, shown only in the Keep screen's QR.

Sharing runs over plain HTTP on the box's own hotspot, so the Wi-Fi password
(WPA2) is what keeps other people's phones off the network and out of the
guest's download. A password printed on a sign never changes and is seen by
everyone who passes; this one is random, made on the box, replaced each day
(``keepsake share --rotate-hotspot``, run daily by a timer as root, which also
applies it with NetworkManager), and shown to a guest only inside the Wi-Fi
QR code next to their link (``ShareOffer.wifi_qr_png``).

The password file is written owner-only; the deploy scripts let the kiosk's
group read it (it needs it for the QR code).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine_edge.atomic import write_atomic
from kiosk.share.errors import ShareUnavailable

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes, for a guest who types it
PASSWORD_CHARS = 12  # about 59 random bits (WPA2 needs 8-63 characters)
_QR_SPECIAL = '\\;,:"'


@dataclass(frozen=True)
class HotspotKey:
    day: dt.date
    password: str


def read_key(path: Path) -> HotspotKey | None:
    try:
        record = json.loads(path.read_text())
        return HotspotKey(dt.date.fromisoformat(record["day"]), str(record["password"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def todays_key(path: Path, today: dt.date) -> tuple[HotspotKey, bool]:
    """The stored key when it is today's, else a new random one (True: not yet saved)."""
    key = read_key(path)
    if key is not None and key.day == today and len(key.password) >= 8:
        return key, False
    return HotspotKey(today, "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_CHARS))), True


def save_key(path: Path, key: HotspotKey) -> None:
    """Write the key durably, once the hotspot uses it (so a failed change is retried)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"day": key.day.isoformat(), "password": key.password}
    write_atomic(path, json.dumps(record).encode(), mode=0o640)


def wifi_qr_text(ssid: str, password: str) -> str:
    """The ``WIFI:`` text phone cameras understand as "join this network"."""

    def escape(value: str) -> str:
        return "".join("\\" + c if c in _QR_SPECIAL else c for c in value)

    return f"WIFI:T:WPA;S:{escape(ssid)};P:{escape(password)};;"


def nmcli_commands(connection: str, password: str) -> list[list[str]]:
    """What NetworkManager needs to switch the hotspot to a new password."""
    return [
        ["nmcli", "connection", "modify", connection, "wifi-sec.key-mgmt", "wpa-psk"],
        ["nmcli", "connection", "modify", connection, "wifi-sec.psk", password],
        ["nmcli", "connection", "up", connection],
    ]


def apply_password(
    connection: str,
    password: str,
    run: Callable[..., Any] = subprocess.run,
) -> None:
    """Give the hotspot its new password (root); ShareUnavailable with nmcli's reason."""
    for command in nmcli_commands(connection, password):
        try:
            result = run(command, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ShareUnavailable(
                f"The hotspot password could not be changed ({exc}). Is NetworkManager installed?"
            ) from exc
        if result.returncode != 0:
            reason = (result.stderr or result.stdout or "").strip().splitlines()
            raise ShareUnavailable(
                f"NetworkManager refused to change the hotspot {connection!r}: "
                f"{reason[-1] if reason else 'no reason given'}. Check [share] hotspot_connection."
            )

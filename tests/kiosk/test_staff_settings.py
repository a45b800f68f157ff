"""Staff settings on screen, through the real kiosk under Xvfb (tests/kiosk/driver.py).

The system tools the settings drive (timedatectl, amixer, systemctl) need systemd and a sound
card, which this machine lacks (and a test must never set a developer's clock or switch their
machine off): small stand-ins on $PATH answer as the real tools do and log each command line,
so the test checks what the box would have run.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.pin import stored_pin_hash, verify_pin, write_pin_file
from kiosk.share.hotspot import HotspotKey, save_key
from kiosk.store import Store
from tests.kiosk.conftest import kiosk_config
from tests.kiosk.driver import KioskDriver
from tests.kiosk.test_app import add_portrait

pytestmark = [pytest.mark.ui, pytest.mark.slow]

TOOLS = {
    "timedatectl": 'case "$1" in show) printf "Timezone=Europe/London\\nNTP=no\\n";; esac',
    "amixer": (
        'case "$1" in scontrols) echo "Simple mixer control \'Master\',0";;'
        ' sget) echo "  Front Left: Playback 45 [70%] [on]";; esac'
    ),
    "systemctl": "",
}


@pytest.fixture()
def system_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand-in system tools first on $PATH; returns the log of every command they were given."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "system-calls.log"
    for name, body in TOOLS.items():
        tool = folder / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n{body}\n')
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


@pytest.fixture()
def start_with_hotspot(  # type: ignore[no-untyped-def]
    xvfb, tmp_path: Path, print_video: Path
) -> Iterator[Callable[..., KioskDriver]]:
    """The kiosk with today's hotspot password where [share] hotspot_password_file says."""
    password_file = tmp_path / "state" / "hotspot-password.json"
    save_key(password_file, HotspotKey(datetime.date.today(), "lilies-and-light"))
    started: list[KioskDriver] = []

    def start(**kiosk: object) -> KioskDriver:
        config = kiosk_config(tmp_path, print_video, **kiosk)
        config += f'[share]\nhotspot_password_file = "{password_file}"\n'
        started.append(KioskDriver(tmp_path, config, xvfb.display))
        return started[-1]

    yield start
    for driver in started:
        driver.stop()


def enter_staff(k: KioskDriver, pin: str) -> None:
    k.wait_for("attract")
    k.request("touch", x=0.02, y=0.98, hold_s=1.6)
    k.wait_for("staff_pin")
    for digit in pin:
        k.tap(f"key.{digit}")
    k.tap("staff_pin.enter")


def message(k: KioskDriver) -> str:
    return str(k.state()["debug"].get("settings_message", ""))


def open_page(k: KioskDriver, page: str) -> None:
    if k.state()["debug"].get("settings_page") != "home":
        k.tap("settings.back")
    k.tap(f"settings.open.{page}")
    k.wait_until(lambda s: s["debug"].get("settings_page") == page, 5)


def test_staff_change_the_box_on_screen_and_it_persists(  # type: ignore[no-untyped-def]
    start_with_hotspot, tmp_path: Path, astronaut, shots_dir: Path, system_tools: Path
) -> None:
    with Store(tmp_path / "store") as store:
        event = store.open_event("Zo\u00eb Martin", datetime.date(2026, 5, 12))
        add_portrait(store, astronaut, None, event.event_id)
    write_pin_file(tmp_path / "state" / "staff_pin", "246813")  # there is no default PIN
    k = start_with_hotspot(live_tribute=False)
    enter_staff(k, "246813")
    k.wait_for("staff")

    # A name with an accent, typed on the touchscreen: "Zoë".
    k.tap("staff.caption.0")
    for key in ["z", "o", "accents"]:
        k.tap(f"key.{key}")
    k.screenshot(shots_dir / "staff-keyboard-accents.png")
    k.tap("key.\u00eb")
    k.tap("staff.save_caption")
    k.wait_until(lambda s: [i[1] for i in s["debug"]["items"]] == ["Zo\u00eb"], 5)

    k.tap("staff.tab.system")
    k.wait_until(lambda s: s["debug"].get("settings_page") == "home", 5)
    texts = k.state()["texts"]
    assert "Volume: 70 %" in texts and "Time zone: Europe/London" in texts
    k.screenshot(shots_dir / "staff-settings.png")

    open_page(k, "language")
    k.tap("settings.language.de")
    k.wait_until(lambda s: "restarts" in s["debug"]["settings_message"], 5)
    k.screenshot(shots_dir / "staff-language.png")

    open_page(k, "idle")
    k.tap("settings.later")  # 90 s -> 120 s, at once and after a restart
    k.wait_until(lambda s: "120 seconds" in " ".join(s["texts"]), 5)

    open_page(k, "volume")
    k.tap("settings.louder")
    k.wait_until(lambda s: s["debug"]["settings_message"] == "Saved.", 5)

    open_page(k, "clock")
    for _ in range(2):
        k.tap("settings.clock.hour.up")
    k.screenshot(shots_dir / "staff-clock.png")
    k.tap("settings.clock.set")
    k.wait_until(lambda s: s["debug"]["settings_message"] == "The clock is set.", 5)

    open_page(k, "timezone")
    k.tap("settings.region.Europe")
    k.screenshot(shots_dir / "staff-timezone.png")
    k.tap("settings.tz.Europe/Berlin")
    k.wait_until(lambda s: "Europe/Berlin" in s["debug"]["settings_message"], 5)

    open_page(k, "sharing")
    assert "Wi-Fi name: Keepsake    Password: lilies-and-light" in k.state()["texts"]
    k.tap("settings.sharing.on")
    k.wait_until(lambda s: "restarts" in s["debug"]["settings_message"], 5)
    k.screenshot(shots_dir / "staff-sharing.png")

    open_page(k, "rotation")
    k.tap("settings.rotation.180")
    k.wait_until(lambda s: "upside down" in " ".join(s["texts"]), 5)
    k.screenshot(shots_dir / "staff-rotation-180.png")
    # A finger where "upright" now shows (right, low on the glass: x 937 px, 620 px from the top)
    # reaches it: Kivy turns the touch with the picture. (The hook's own taps would not.)
    k.request("touch", x=937 / 1280, y=1 - 620 / 800)
    k.wait_until(lambda s: s["debug"]["overrides"]["kiosk"]["rotation_deg"] == 0, 5)

    open_page(k, "pin")
    for entry in ("246813", "13579", "135790", "135790"):  # the current PIN, then the new twice
        for digit in entry:
            k.tap(f"key.{digit}")
        k.tap("settings.pin.next")
    k.wait_until(lambda s: "new PIN is saved" in s["debug"]["settings_message"], 5)
    k.screenshot(shots_dir / "staff-pin-change.png")
    assert verify_pin("135790", stored_pin_hash(tmp_path / "state" / "staff_pin", ""))

    open_page(k, "power")
    k.tap("settings.shutdown")
    assert "Touch again to shut down" in k.state()["texts"]  # the first touch only asks
    k.screenshot(shots_dir / "staff-power.png")
    k.tap("settings.shutdown")

    calls = system_tools.read_text().splitlines()
    assert "amixer -q sset Master 80% unmute" in calls
    assert any(c.startswith("timedatectl set-time ") for c in calls)
    assert "timedatectl set-timezone Europe/Berlin" in calls
    assert calls[-1] == "systemctl poweroff"
    saved = k.state()["debug"]["overrides"]
    assert saved == {
        "kiosk": {
            "language": "de",
            "idle_timeout_s": 120.0,
            "volume_percent": 80,
            "rotation_deg": 0,
        },
        "share": {"enabled": True},
    }

    k.tap("settings.restart")
    k.tap("settings.restart")
    k.process.wait(20)
    assert k.process.returncode == 0  # systemd's Restart=always brings it back
    k.stop()

    # After the restart: German, the new PIN, the saved settings.
    k = start_with_hotspot(live_tribute=False)
    enter_staff(k, "246813")
    k.wait_until(lambda s: "Diese PIN stimmt nicht" in " ".join(s["texts"]), 5)
    for digit in "135790":
        k.tap(f"key.{digit}")
    k.tap("staff_pin.enter")
    k.wait_for("staff")
    k.tap("staff.tab.system")
    k.wait_until(lambda s: s["debug"].get("settings_page") == "home", 5)
    texts = k.state()["texts"]
    assert "Sprache: Deutsch" in texts and "Zur\u00fcck zur Erinnerung nach 120 s" in texts
    k.screenshot(shots_dir / "staff-settings-de.png")
    k.tap("staff.tab.diag")
    state = k.wait_until(lambda s: "verbinde\u2026" not in s["debug"]["diagnostics"].values(), 30)
    facts = state["debug"]["diagnostics"]
    assert re.match(r"(in Ordnung|Hinweis|zu beheben): .*GB", facts["staff.doctor.disk"])
    assert "keepsake" in facts["staff.doctor.versions"]
    assert facts["staff.diag.worker"].startswith("funktioniert (Prozess ")
    assert facts["staff.diag.clock"].startswith(time.strftime("%Y-%m-%d"))
    k.screenshot(shots_dir / "staff-diagnostics-de.png")
    k.tap("staff.tab.system")
    k.wait_until(lambda s: s["debug"].get("settings_page") == "home", 5)
    open_page(k, "power")
    k.tap("settings.shell")
    k.tap("settings.shell")
    k.process.wait(15)
    assert k.process.returncode == 10


@pytest.mark.parametrize("language", ["fr", "es"])
def test_guests_see_their_language(start_kiosk, shots_dir: Path, language: str) -> None:  # type: ignore[no-untyped-def]
    from kiosk.strings import Strings

    text = Strings(language)
    k = start_kiosk(language=language)
    k.wait_for("attract")
    k.tap("attract.begin")
    state = k.wait_for("consent")
    assert text("consent.made") in state["texts"]
    assert text("consent.yes") in state["texts"]
    k.screenshot(shots_dir / f"consent-{language}.png")

"""`keepsake doctor`: real checks of this machine's software, and the hardware checks read from a
folder laid out like a box's /sys, /dev and /proc (this machine has no camera, board or RTC)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine_edge.doctor import FAIL, OK, WARN, Host, run_checks

REPO = Path(__file__).resolve().parents[2]
BOARD_ID = "usb-MicroPython_Board_in_FS_mode_e66164084373532b-if00"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _link(path: Path, target: Path | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


@pytest.fixture
def box(tmp_path: Path) -> Path:
    """A box's file tree: a UVC camera, the board on ttyACM0, a sound card, an RTC, a zone."""
    root = tmp_path / "box"
    v4l = root / "sys/class/video4linux"
    _write(v4l / "video0/index", "0\n")
    _write(v4l / "video0/name", "HD USB Camera\n")
    _write(v4l / "video1/index", "1\n")  # the same camera's metadata node: not a second camera
    _write(v4l / "video1/name", "HD USB Camera\n")
    usb = root / "sys/devices/pci0000:00/usb1/1-2"
    _write(usb / "idVendor", "2e8a\n")
    _write(usb / "idProduct", "0005\n")
    (usb / "1-2:1.0").mkdir()
    _link(root / "sys/class/tty/ttyACM0/device", usb / "1-2:1.0")
    _write(root / "dev/ttyACM0", "")
    _link(root / "dev/serial/by-id" / BOARD_ID, "../../ttyACM0")
    _write(
        root / "proc/asound/pcm",
        "00-00: ALC897 Analog : ALC897 Analog : playback 1 : capture 1\n"
        "00-03: HDMI 0 : HDMI 0 : playback 1\n",
    )
    (root / "sys/class/rtc/rtc0").mkdir(parents=True)
    _write(root / "etc/timezone", "Europe/Berlin\n")
    return root


HARDWARE = ("camera", "board", "audio", "clock")


def test_a_box_with_its_hardware_is_ready(box: Path) -> None:
    report = run_checks({}, HARDWARE, Host(root=box))
    assert [c.name for c in report.checks] == list(HARDWARE)
    assert report.ready, [c for c in report.checks if c.status != OK]
    assert all(c.status == OK for c in report.checks)
    assert report.check("camera").summary == "/dev/video0 (HD USB Camera)"
    assert report.check("board").summary.endswith(BOARD_ID)
    assert report.check("audio").summary == "2 output(s), 1 input(s)"
    assert ("time zone", "Europe/Berlin") in report.check("clock").details


def test_missing_hardware_is_listed_with_what_to_do(box: Path) -> None:
    shutil.rmtree(box / "sys/class/video4linux")
    (box / "dev/serial/by-id" / BOARD_ID).unlink()
    _write(box / "proc/asound/pcm", "00-03: HDMI 0 : HDMI 0 : playback 1\n")
    report = run_checks({}, HARDWARE, Host(root=box))
    assert not report.ready
    status = {c.name: c.status for c in report.checks}
    assert status == {"camera": FAIL, "board": FAIL, "audio": WARN, "clock": OK}
    assert [c.name for c in report.to_fix] == ["camera", "board"]
    assert "plug the USB camera in" in report.check("camera").fix
    assert "microphone" in report.check("audio").fix
    assert report.to_dict()["to_fix"][0].startswith("camera: plug")


def test_a_camera_other_than_the_configured_one_says_which_to_set(box: Path) -> None:
    report = run_checks({"scan": {"camera": "opencv:2"}}, ("camera",), Host(root=box))
    assert report.check("camera").status == FAIL
    assert report.check("camera").fix == 'set [scan] camera = "opencv:0"'


def test_clock_without_rtc_zone_or_a_plausible_date(box: Path) -> None:
    import datetime as dt

    from engine_edge.doctor import system

    shutil.rmtree(box / "sys/class/rtc")
    (box / "etc/timezone").unlink()
    host = Host(root=box)
    epoch = dt.datetime(1970, 1, 1, 0, 5, tzinfo=dt.timezone.utc)
    assert system.clock(host, epoch).status == FAIL
    assert "no time zone" in system.clock(host).summary
    _write(box / "etc/timezone", "Europe/Berlin\n")
    assert "no battery clock and no network time" in system.clock(host).summary
    # The store has seen a later time than the clock now says: it was set back.
    _write(box / "var/lib/keepsake/store/clock.json", '{"wall_s": 1893456000.0, "boot_id": "x"}')
    config = {"store": {"data_dir": "/var/lib/keepsake/store"}}
    behind = system.clock(host, dt.datetime(2029, 6, 1, tzinfo=dt.timezone.utc), config)
    assert behind.status == FAIL and "behind 2030-01-01 00:00 UTC" in behind.summary


def _fake_systemctl(tmp_path: Path, states: dict[str, str]) -> str:
    """A stand-in for `systemctl show` (this machine runs no systemd): one line per unit."""
    script = tmp_path / "systemctl"
    cases = "\n".join(f"    {unit}) printf '{props}' ;;" for unit, props in states.items())
    script.write_text(f'#!/bin/sh\ncase "$2" in\n{cases}\nesac\n')
    script.chmod(0o755)
    return str(script)


def test_units_and_last_wipe_from_the_service_manager(box: Path, tmp_path: Path) -> None:
    (box / "run/systemd/system").mkdir(parents=True)
    running = "LoadState=loaded\\nActiveState=active\\nSubState=running\\nUnitFileState=enabled\\n"
    wipe = (
        "LoadState=loaded\\nActiveState=inactive\\nSubState=dead\\nUnitFileState=enabled\\n"
        "Result=success\\nExecMainExitTimestamp=Fri 2026-12-04 19:00:01 UTC\\n"
    )
    states = {
        "keepsake-kiosk.service": running + "Result=success\\n",
        "keepsake-wipe.timer": running,
        "keepsake-wipe.service": wipe,
    }
    host = Host(root=box, systemctl=_fake_systemctl(tmp_path, states))
    report = run_checks({}, ("units", "last wipe"), host)
    assert report.ready, report.to_dict()
    assert report.check("last wipe").summary == "last ran Fri 2026-12-04 19:00:01 UTC"
    states["keepsake-kiosk.service"] = running.replace("=enabled", "=disabled")
    states["keepsake-wipe.service"] = wipe.replace("Result=success", "Result=exit-code")
    host = Host(root=box, systemctl=_fake_systemctl(tmp_path, states))
    report = run_checks({}, ("units", "last wipe"), host)
    assert [c.name for c in report.to_fix] == ["units", "last wipe"]
    assert "keepsake-kiosk.service is disabled" in report.check("units").summary


def test_store_check_reads_without_writing(tmp_path: Path) -> None:
    pytest.importorskip("cryptography")
    from kiosk.store.store import Store

    data = tmp_path / "store"
    Store(data).close()
    config = {"store": {"data_dir": str(data)}}
    files_before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    check = run_checks(config, ("store",), Host()).check("store")
    assert check.status == OK, check
    assert check.summary == "0 portrait(s), 0 day key(s), index intact"
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == files_before
    db = sqlite3.connect(data / "index.sqlite3")  # open, like the kiosk: -wal and -shm exist
    with db:
        db.execute(
            "INSERT INTO items (id, created_s, expires_s, key_day, wrapped_key, consent, position)"
            " VALUES ('a1', ?, ?, '2026-01-01', x'00', 1, 0)",
            (time.time() - 9 * 86400, time.time() - 2 * 86400),
        )
    check = run_checks(config, ("store",), Host()).check("store")
    db.close()
    assert check.status == FAIL and "1 portrait(s) kept past their retention" in check.summary


def test_a_damaged_model_fails_the_models_check(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "models"
    shutil.copytree(REPO / "models_int8", copy, ignore=shutil.ignore_patterns("*.py", "__py*"))
    victim = copy / "onnx/selfie_segmentation.fp32.onnx"
    blob = bytearray(victim.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    victim.write_bytes(bytes(blob))
    monkeypatch.setenv("KEEPSAKE_MODELS_DIR", str(copy))
    check = run_checks({}, ("models",), Host()).check("models")
    assert check.status == FAIL
    assert "onnx/selfie_segmentation.fp32.onnx" in check.summary


@pytest.mark.slow
def test_doctor_command_json_and_exit_codes() -> None:
    """The real command on this machine: every check reported, the software ready, and the
    exit code saying whether the whole box is (1 here: no camera, board or systemd)."""
    cmd = [sys.executable, "-m", "engine_edge.cli", "doctor", "--json"]
    whole = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    report = json.loads(whole.stdout)
    names = [c["name"] for c in report["checks"]]
    assert names[:3] == ["versions", "models", "backends"] and len(names) == 11
    assert [c["status"] for c in report["checks"][:3]] == [OK, OK, OK], report["checks"][:3]
    assert report["checks"][2]["summary"].startswith("analysis runs on ")
    assert whole.returncode == (0 if report["ready"] else 1)
    assert report["ready"] == (report["to_fix"] == [])
    assert report["checked_at_utc"].endswith("Z")
    bad = subprocess.run([*cmd, "--only", "camra"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Unknown check(s): camra" in bad.stderr

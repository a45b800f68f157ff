"""The real firmware/main.py (pin map, HAL, loop) driven by the host driver over a pty.

MicroPython's ``machine`` module is replaced by the stand-ins in pico_shim.py;
everything else is the code that runs on the Pico.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest

import firmware_bridge
from firmware_bridge.events import ButtonEvent

from .conftest import next_event, wait_for

FIRMWARE = Path(firmware_bridge.__file__).parent / "firmware" / "main.py"
SHIM = Path(__file__).parent / "pico_shim.py"
REPO = Path(firmware_bridge.__file__).parents[1]


def _run_firmware(state: Path, master: int) -> subprocess.Popen[bytes]:
    """The firmware's USB serial is the pty's master side; the host opens the slave path."""
    return subprocess.Popen(
        [sys.executable, str(SHIM), str(FIRMWARE), str(state)],
        stdin=master,
        stdout=master,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.fixture
def pico(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    (tmp_path / "pins").write_text("0")
    master, slave = os.openpty()
    tty.setraw(slave)
    process = _run_firmware(tmp_path, master)
    try:
        yield tmp_path, os.ttyname(slave)
    finally:
        process.kill()
        _, err = process.communicate(timeout=5)
        os.close(master)
        os.close(slave)
    assert b"Traceback" not in err, err.decode()


def _duties(state: Path) -> dict[int, int]:
    duties = {}
    for line in (state / "pwm.log").read_text().splitlines():
        pin, duty = map(int, line.split())
        duties[pin] = duty
    return duties


def test_firmware_handshakes_applies_lights_and_reports_buttons(pico, make_driver, caplog) -> None:  # type: ignore[no-untyped-def]
    state, port = pico
    driver = make_driver(port)
    wait_for(lambda: driver.state == "ready", timeout_s=10, what="handshake with main.py")
    assert driver.info.board_id == "e6614c311b7e6f35"  # machine.unique_id()
    assert (driver.info.n_buttons, driver.info.n_banks) == (3, 4)
    wait_for(lambda: "restarted by the watchdog" in caplog.text, what="reset cause LOG line")
    driver.set_light(0b0100, 1.0)  # bank 2 = GP12 in the wiring table
    driver.set_status("ready")  # status LED = GP15
    wait_for(lambda: driver.stats.commands_acked == 2, what="acks from main.py")
    wait_for(lambda: _duties(state).get(12) == 65535, what="GP12 at full duty")
    wait_for(lambda: _duties(state).get(15) == 65535, what="status LED on")
    (state / "pins").write_text(str(0b010))  # CONFIRM (GP3) pulled low
    assert next_event(driver.events, ButtonEvent, timeout_s=3) == ButtonEvent(1, "down", 0)
    (state / "pins").write_text("0")
    assert next_event(driver.events, ButtonEvent, timeout_s=3).kind == "up"


def test_holding_back_at_power_up_enters_maintenance_mode(tmp_path: Path) -> None:
    (tmp_path / "pins").write_text(str(0b100))  # BACK held
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        process = _run_firmware(tmp_path, master)
        assert process.wait(timeout=10) == 0
        assert b"maintenance mode" in os.read(slave, 4096)
    finally:
        os.close(master)
        os.close(slave)

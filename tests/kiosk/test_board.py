"""The button/light board seam: a simulated board on a real pseudo-terminal drives the kiosk."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from firmware_bridge.simulator import Simulator

pytestmark = [pytest.mark.ui, pytest.mark.slow]


def press(sim: Simulator, button: int) -> None:
    sim.press(button)
    time.sleep(0.15)  # longer than the board's debounce
    sim.release(button)


def wait(predicate, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met")
        time.sleep(0.05)


def test_board_buttons_and_scan_lights(start_kiosk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Simulator(link_path=tmp_path / "board") as sim:
        k = start_kiosk(board_port=str(tmp_path / "board"))
        k.wait_for("attract")
        press(sim, 0)  # start
        k.wait_for("consent")
        press(sim, 1)  # confirm never answers consent for the guest (issue #17) ...
        time.sleep(0.5)
        assert k.state()["state"] == "consent"
        k.tap("consent.agree")  # ... only a finger on the answer does
        k.wait_for("scan")
        # The LED ring lights the print while scanning ...
        wait(lambda: max(sim.hal.bank_duty.values(), default=0) > 30000)
        press(sim, 2)  # back = start over
        k.wait_for("attract")
        # ... and goes dark when the guest leaves the scan.
        wait(lambda: max(sim.hal.bank_duty.values(), default=0) == 0)
        assert k.log_text().count("flow: consent --agree--> scan") == 1

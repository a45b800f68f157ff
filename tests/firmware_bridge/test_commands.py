"""`keepsake bridge simulate` and `keepsake bridge monitor`, as a person runs them."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

KEEPSAKE = [sys.executable, "-m", "engine_edge.cli"]
COMMANDS = ["--light", "0b0011:0.8", "--status", "ready"]


@pytest.mark.slow
def test_monitor_talks_to_simulate_through_the_stable_link(tmp_path: Path) -> None:
    link = tmp_path / "board"
    # Ctrl-C at a terminal: SIGINT at its default. A suite started in the background by a
    # shell (`make test &`) runs with SIGINT ignored, which children inherit, and Python then
    # never turns it into KeyboardInterrupt.
    sim = subprocess.Popen(
        [*KEEPSAKE, "bridge", "simulate", "--link", str(link), "--seconds", "30"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 10
        while not link.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        monitor = subprocess.run(
            [*KEEPSAKE, "bridge", "monitor", "--port", str(link), "--seconds", "1.5", *COMMANDS],
            capture_output=True,
            text=True,
            timeout=20,
        )
    finally:
        sim.send_signal(signal.SIGINT)  # Ctrl-C: the simulator stops cleanly
        sim_out, _ = sim.communicate(timeout=20)
    assert sim.returncode == 0
    assert monitor.returncode == 0, monitor.stderr
    assert "link ready: board 53494d424f415244" in monitor.stderr  # a log line: stderr
    assert "commands acked 2" in monitor.stdout
    assert "lights bank0=80% bank1=80% bank2=10% bank3=10%; status ready" in sim_out


def test_monitor_rejects_a_malformed_light_argument() -> None:
    result = subprocess.run(
        [*KEEPSAKE, "bridge", "monitor", "--light", "all:bright"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 2
    assert "MASK:BRIGHTNESS" in result.stderr


def test_simulator_console_commands_drive_the_board(sim, driver) -> None:  # type: ignore[no-untyped-def]
    from firmware_bridge.commands import _apply_command, _describe
    from firmware_bridge.events import ButtonEvent, PresenceEvent

    from .conftest import next_event, wait_for

    assert _apply_command(sim, ["tap", "1"])
    assert next_event(driver.events, ButtonEvent) == ButtonEvent(1, "down", 0)
    assert next_event(driver.events, ButtonEvent).kind == "up"
    assert _apply_command(sim, ["presence", "on"])
    assert next_event(driver.events, PresenceEvent) == PresenceEvent(True)
    driver.set_light(0b0001, 0.5)
    wait_for(lambda: sim.logic.faders[0].target == round(0.5 * 65535), what="light")
    assert "bank0=50%" in _describe(sim)
    assert _apply_command(sim, ["unplug"])
    wait_for(lambda: driver.state == "absent", what="unplugged")
    assert _apply_command(sim, ["plug"])
    wait_for(lambda: driver.state == "ready", what="replugged")
    assert not _apply_command(sim, ["quit"])
    with pytest.raises(ValueError):
        _apply_command(sim, ["dance"])


def test_a_reader_that_leaves_early_is_no_traceback(tmp_path: Path) -> None:
    """`keepsake bridge simulate | head -1`: the pipe closes under the command's feet."""
    proc = subprocess.Popen(
        [*KEEPSAKE, "bridge", "simulate", "--link", str(tmp_path / "board"), "--seconds", "0.5"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read()
    assert proc.wait(timeout=30) == 0, err
    assert "Traceback" not in err and "BrokenPipeError" not in err, err

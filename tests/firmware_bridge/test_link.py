"""Host driver and simulated board over a real pseudo-terminal."""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
import tty
from pathlib import Path

import pytest

from firmware_bridge import codec
from firmware_bridge import messages as m
from firmware_bridge.board import BoardConfig, perceptual_to_duty
from firmware_bridge.events import ButtonEvent, LinkState, PresenceEvent
from firmware_bridge.simulator import Simulator

from .conftest import FAST_BOARD, link_states, next_event, wait_for


def test_every_message_type_round_trips_over_a_pty() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        samples = [
            (m.HELLO, m.pack_hello(0x01020304)),
            (m.BOARD_INFO, m.pack_board_info(1, 2, 1, 0, 0, 3, 4, 7, 1, 2, b"\x00" * 8)),
            (m.HEARTBEAT, m.pack_heartbeat(123456, m.FLAG_SAFE_STATE)),
            (m.ACK, m.pack_ack(77, m.RESULT_OK)),
            (m.BUTTON, m.pack_button(1, m.BUTTON_LONG, 900)),
            (m.PRESENCE, m.pack_presence(True)),
            (m.SET_LIGHT, m.pack_set_light(0b11, 32768, 150)),
            (m.SET_STATUS, m.pack_set_status(4)),
            (m.ERROR, m.pack_text(m.ERR_INTERNAL, "watchdog reset")),
            (m.LOG, m.pack_text(20, "booted")),
        ]
        assert {t for t, _ in samples} == set(m.NAMES)
        for src, dst in ((master, slave), (slave, master)):
            reader = codec.FrameReader()
            for seq, (msg_type, payload) in enumerate(samples):
                os.write(src, codec.encode_frame(msg_type, seq * 4099, payload))
            got: list[tuple[int, int, bytes]] = []
            deadline = time.monotonic() + 2
            while len(got) < len(samples) and time.monotonic() < deadline:
                got += reader.feed(os.read(dst, 4096))
            expected = [(t, (i * 4099) & 0xFFFF, p) for i, (t, p) in enumerate(samples)]
            assert got == expected
    finally:
        os.close(master)
        os.close(slave)


def test_handshake_reports_the_board(sim: Simulator, driver) -> None:  # type: ignore[no-untyped-def]
    assert driver.info.board_id == b"SIMBOARD".hex()
    assert driver.info.n_buttons == 3 and driver.info.n_banks == 4
    assert driver.info.boot_id == sim.logic.boot_id
    assert link_states(driver.events)[-1] == "ready"


class _SlowLinkLog(logging.Handler):
    """journald under load: each "board link" record takes a while to write."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("board link"):
            time.sleep(0.2)


def test_a_link_state_seen_has_its_event_queued(sim: Simulator, make_driver) -> None:  # type: ignore[no-untyped-def]
    """Whoever sees the driver ready finds the "ready" event in the queue, however slowly
    the log is written: the state was set before its event was queued, and a test that
    waited for "ready" once drained the queue in between (a CI run under load)."""
    handler = _SlowLinkLog()
    bridge_log = logging.getLogger("keepsake.bridge")
    level = bridge_log.level
    bridge_log.addHandler(handler)
    bridge_log.setLevel(logging.INFO)
    try:
        driver = make_driver(str(sim.link_path))
        wait_for(lambda: driver.state == "ready", what="handshake")
        assert link_states(driver.events)[-1] == "ready"
    finally:
        bridge_log.setLevel(level)
        bridge_log.removeHandler(handler)


def test_commands_are_acknowledged_and_applied_once_in_order(sim, driver) -> None:  # type: ignore[no-untyped-def]
    driver.set_light(0b0001, 1.0)
    driver.set_light(0b0010, 0.5, fade_ms=0)
    driver.set_status("busy")
    wait_for(lambda: driver.stats.commands_acked == 3, what="three acks")
    kinds = [(t, args) for _, t, args in sim.logic.applied]
    assert kinds == [
        (m.SET_LIGHT, (1, 65535, 0)),
        (m.SET_LIGHT, (2, 32768, 0)),
        (m.SET_STATUS, ("busy",)),
    ]
    wait_for(lambda: sim.hal.bank_duty[1] == perceptual_to_duty(32768), what="bank 1 duty")
    assert sim.hal.bank_duty[0] == 65535


def test_setters_validate_and_never_block_without_a_board(make_driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "by-id"
    empty.mkdir()
    driver = make_driver(None, by_id_dir=empty, sysfs_root=tmp_path)
    event = next_event(driver.events, LinkState)
    assert (event.state, event.detail) == ("absent", "no board found")
    started = time.monotonic()
    for i in range(1000):
        driver.set_light(0b1111, (i % 100) / 100, fade_ms=10)
    driver.set_status("idle")
    assert time.monotonic() - started < 0.5
    with pytest.raises(ValueError):
        driver.set_light(0b1, 1.5)
    with pytest.raises(ValueError):
        driver.set_status("disco")
    assert driver.state == "absent"


def test_a_device_that_is_not_our_board_is_left_alone(make_driver) -> None:  # type: ignore[no-untyped-def]
    master, slave = os.openpty()
    try:
        driver = make_driver(os.ttyname(slave))
        wait_for(lambda: driver.stats.connects == 0 and driver.state == "absent", what="absent")
        states = []
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline and "does not answer" not in "".join(states):
            try:
                event = driver.events.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(event, LinkState):
                states.append(event.detail)
        assert any("does not answer" in s for s in states)
    finally:
        os.close(master)
        os.close(slave)


def test_board_found_by_usb_id_under_serial_by_id(sim, make_driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A fake /dev/serial/by-id and sysfs: only the link whose USB device is 2e8a:0005 is used."""
    sysfs = tmp_path / "sys"
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    decoy_master, decoy_slave = os.openpty()
    try:
        for name, (vid, pid), device in (
            ("usb-FTDI_other-if00", ("0403", "6001"), os.ttyname(decoy_slave)),
            ("usb-MicroPython_Board_in_FS_mode_e66-if00", ("2e8a", "0005"), sim.port),
        ):
            usb = sysfs / "devices" / name
            (usb / "1-1:1.0").mkdir(parents=True)
            (usb / "idVendor").write_text(vid + "\n")
            (usb / "idProduct").write_text(pid + "\n")
            tty_dir = sysfs / "class" / "tty" / Path(device).name
            tty_dir.mkdir(parents=True)
            (tty_dir / "device").symlink_to(usb / "1-1:1.0")
            (by_id / name).symlink_to(device)
        driver = make_driver(None, by_id_dir=by_id, sysfs_root=sysfs)
        wait_for(lambda: driver.state == "ready", what="discovery and handshake")
        assert driver.info.boot_id == sim.logic.boot_id
    finally:
        os.close(decoy_master)
        os.close(decoy_slave)


def test_every_button_press_reaches_the_callback_in_order(sim, make_driver) -> None:  # type: ignore[no-untyped-def]
    """Each press calls back once, down then up, in the order pressed (how fast is
    ``benchmarks/bridge.py``'s to measure: a timed assertion only measures the machine's load)."""
    arrivals: queue.Queue[ButtonEvent] = queue.Queue()

    def on_event(event) -> None:  # type: ignore[no-untyped-def]
        if isinstance(event, ButtonEvent):
            arrivals.put(event)

    driver = make_driver(str(sim.link_path), on_event=on_event)
    wait_for(lambda: driver.state == "ready", what="handshake")
    for i in range(30):
        button = i % 3
        sim.press(button)
        event = arrivals.get(timeout=5)
        assert (event.button, event.kind) == (button, "down")
        sim.release(button)
        event = arrivals.get(timeout=5)
        assert (event.button, event.kind) == (button, "up")
    assert arrivals.empty(), "no press called back twice"


def test_long_press_and_presence_reach_the_host(sim, driver) -> None:  # type: ignore[no-untyped-def]
    sim.press(2)
    assert next_event(driver.events, ButtonEvent) == ButtonEvent(2, "down", 0)
    long_event = next_event(driver.events, ButtonEvent)
    assert long_event.kind == "long" and long_event.held_ms >= FAST_BOARD["long_press_ms"]
    sim.release(2)
    assert next_event(driver.events, ButtonEvent).kind == "up"
    sim.set_presence(True)
    assert next_event(driver.events, PresenceEvent) == PresenceEvent(True)
    sim.set_presence(False)
    assert next_event(driver.events, PresenceEvent) == PresenceEvent(False)


def test_unplug_with_lost_ack_then_replug_applies_the_command_once(sim, driver) -> None:  # type: ignore[no-untyped-def]
    driver.set_light(0b0001, 0.25)
    wait_for(lambda: driver.stats.commands_acked == 1, what="first ack")
    sim.unplug_after_next_apply = True
    driver.set_light(0b0001, 0.75)
    wait_for(lambda: len(sim.logic.applied) == 2, what="board applies the second command")
    wait_for(lambda: driver.state == "absent", what="driver notices the unplug")
    time.sleep(0.1)  # a few backoff rounds against a missing device
    sim.plug()
    wait_for(lambda: driver.stats.connects == 2, what="reconnect")
    wait_for(lambda: driver.stats.commands_acked == 2, what="retried command acknowledged")
    seqs = [seq for seq, _, _ in sim.logic.applied]
    assert len(seqs) == len(set(seqs)) == 2, sim.logic.applied
    assert sim.logic.applied[-1][2] == (1, round(0.75 * 65535), 0)
    states = link_states(driver.events)
    assert states[-3:] == ["absent", "connecting", "ready"]


def test_button_held_through_an_unplug_is_reconciled(sim, driver) -> None:  # type: ignore[no-untyped-def]
    sim.press(0)
    assert next_event(driver.events, ButtonEvent).kind == "down"
    sim.unplug()
    wait_for(lambda: driver.state == "absent", what="unplug noticed")
    sim.release(0)  # released while the cable was out: that event never left the board
    time.sleep(0.05)
    sim.plug()
    event = next_event(driver.events, ButtonEvent)
    assert (event.button, event.kind) == (0, "up")


def test_long_unplug_safe_state_then_lights_restored(sim, driver) -> None:  # type: ignore[no-untyped-def]
    driver.set_light(0b1111, 0.8)
    driver.set_status("ready")
    wait_for(lambda: driver.stats.commands_acked == 2, what="acks")
    sim.unplug()
    safe = perceptual_to_duty(BoardConfig.safe_level)
    wait_for(lambda: sim.logic.safe_state, what="board safe state")
    wait_for(lambda: set(sim.hal.bank_duty.values()) == {safe}, what="dim default light")
    assert sim.logic.status_pattern == "offline"
    sim.plug()
    wanted = perceptual_to_duty(round(0.8 * 65535))
    wait_for(lambda: set(sim.hal.bank_duty.values()) == {wanted}, what="lights restored")
    wait_for(lambda: sim.logic.status_pattern == "ready", what="status restored")
    seqs = [seq for seq, _, _ in sim.logic.applied]
    assert len(seqs) == len(set(seqs))


def test_board_reset_is_detected_and_state_restored(sim, driver, caplog) -> None:  # type: ignore[no-untyped-def]
    driver.set_light(0b0011, 0.6)
    wait_for(lambda: driver.stats.commands_acked == 1, what="ack")
    old_boot = driver.info.boot_id
    sim.reset(boot_note="restarted by the watchdog")
    wait_for(lambda: driver.info.boot_id != old_boot, what="handshake with the reset board")
    wanted = perceptual_to_duty(round(0.6 * 65535))
    wait_for(lambda: sim.hal.bank_duty.get(0) == wanted, what="lights restored after reset")
    assert sim.hal.bank_duty[1] == wanted
    # The board's LOG line may follow the restored lights (round 27: read after them once,
    # under a loaded CPU), so it is waited for, not asked for at once.
    wait_for(lambda: "board: restarted by the watchdog" in caplog.text, what="the board's log")


def test_board_goes_safe_when_the_host_stops_talking(sim, driver) -> None:  # type: ignore[no-untyped-def]
    driver.set_light(0b1111, 1.0)
    wait_for(lambda: sim.hal.bank_duty.get(3) == 65535, what="full light")
    driver.stop()
    assert not sim.logic.safe_state
    feeds = sim.hal.watchdog_feeds
    wait_for(lambda: sim.logic.safe_state, timeout_s=2, what="safe state")
    safe = perceptual_to_duty(BoardConfig.safe_level)
    wait_for(lambda: set(sim.hal.bank_duty.values()) == {safe}, what="dim default light")
    assert sim.hal.watchdog_feeds > feeds  # the loop stayed alive (and kept the watchdog fed)


def _noise_pump(sim: Simulator, stop: threading.Event, seed: int) -> None:
    """Garbage from a second writer into both directions of the pty while the link runs."""
    import random

    rng = random.Random(seed)
    host_side = os.open(sim.port, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        while not stop.is_set():
            junk = rng.randbytes(rng.randrange(1, 40))
            target = host_side if rng.random() < 0.5 else sim.hal.fd
            with contextlib.suppress(OSError, TypeError):  # full buffer, or unplugged (fd None)
                os.write(target, junk)  # type: ignore[arg-type]
            time.sleep(0.005)
    finally:
        os.close(host_side)


def _tap(sim: Simulator, button: int) -> None:
    """Press and release, each held until the board's loop has accepted it: a real board
    samples every millisecond, the simulator's thread only when a loaded CPU lets it."""
    sim.press(button)
    wait_for(lambda: sim.logic.buttons[button].level, what=f"board sees button {button} down")
    sim.release(button)
    wait_for(lambda: not sim.logic.buttons[button].level, what=f"board sees button {button} up")


@pytest.mark.slow
def test_fuzz_noise_both_ways_costs_only_frames(sim, driver) -> None:  # type: ignore[no-untyped-def]
    """Three seconds of random garbage into both directions of the pty: both sides keep
    running, the link stays up, every press arrives once, every command is applied at most
    once and the lights end where the kiosk last asked."""
    assert link_states(driver.events)[-1] == "ready"
    sim.hal.byte_error_rate = 0.004  # ~6 % of frames hit by a bit flip, on top of the garbage
    stop = threading.Event()
    pump = threading.Thread(target=_noise_pump, args=(sim, stop, 42), daemon=True)
    pump.start()
    wanted: dict[int, float] = {}
    presses = 0
    try:
        deadline = time.monotonic() + 3.0
        i = 0
        while time.monotonic() < deadline:
            wanted[i % 4] = (i % 10) / 10
            driver.set_light(1 << (i % 4), wanted[i % 4])
            if i % 5 == 0:
                _tap(sim, 1)
                presses += 1
            time.sleep(0.02)
            i += 1
    finally:
        stop.set()
        pump.join(2)
        sim.hal.byte_error_rate = 0.0
    wait_for(
        lambda: driver.state == "ready" and driver._inflight is None and not driver._pending,
        timeout_s=5,
        what="queue drained after the noise",
    )
    assert sim._thread is not None and sim._thread.is_alive()
    assert driver._thread is not None and driver._thread.is_alive()
    seqs = [seq for seq, _, _ in sim.logic.applied]
    assert len(seqs) == len(set(seqs))
    for bank, brightness in wanted.items():
        assert sim.logic.faders[bank].target == round(brightness * 65535)
    wait_for(lambda: not sim.logic._outbox, what="board outbox drained")
    events = []
    while not driver.events.empty():
        events.append(driver.events.get_nowait())
    downs = [e for e in events if isinstance(e, ButtonEvent) and e.kind == "down"]
    assert not [e for e in events if isinstance(e, LinkState)], "the link dropped"
    print(
        f"{i} commands, {presses} presses, {len(downs)} delivered; frames dropped: board "
        f"{sim.logic.reader.dropped}, host {driver.reader.dropped}; retries "
        f"{driver.stats.commands_retried}"
    )
    assert sim.logic.reader.dropped > 20 and driver.reader.dropped > 20  # the noise hit
    assert len(downs) == presses
    assert driver.stats.commands_retried > 0  # lost commands and ACKs were retried...
    assert len(seqs) == i  # ...and each command applied exactly once


def test_a_new_command_never_reuses_the_last_commands_number(sim, driver) -> None:  # type: ignore[no-untyped-def]
    """After 65536 frames the counter comes round; a new command that landed on the previous
    command's number would be taken for a retry and silently dropped."""
    driver.set_light(0b1, 0.2)
    wait_for(lambda: driver.stats.commands_acked == 1, what="ack")
    last = sim.logic.applied[-1][0]
    driver._seq = (last - 1) & 0xFFFF  # as if 65535 heartbeats had gone by
    driver.set_light(0b1, 0.9)
    wait_for(lambda: driver.stats.commands_acked == 2, what="second ack")
    assert len(sim.logic.applied) == 2
    assert sim.logic.faders[0].target == round(0.9 * 65535)


def test_a_board_that_talks_but_never_acknowledges_is_reconnected(sim, driver) -> None:  # type: ignore[no-untyped-def]
    """Unanswered tries count while the board is heard (its heartbeats arrive), so a stuck
    board is still given up on; a silent one is left to the link timeout."""
    assert link_states(driver.events)[-1] == "ready"
    sim.logic._on_command = lambda *args: None  # alive, heartbeating, deaf to commands
    driver.set_light(0b0001, 0.5)
    event = next_event(driver.events, LinkState)
    assert (event.state, event.detail) == ("absent", "the board did not acknowledge a command")

"""Garbage never crashes either side (hypothesis), and a full-speed flood over the pty."""

from __future__ import annotations

import contextlib
import os
import random
import select
import threading
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge import codec
from firmware_bridge import messages as m
from firmware_bridge.events import ButtonEvent
from firmware_bridge.host import BoardDriver, LinkLost, _Link

from .conftest import next_event, wait_for
from .test_board import Bench

PROPERTY = settings(max_examples=200, derandomize=True, deadline=None)
any_frame = st.tuples(st.integers(0, 255), st.integers(0, 0xFFFF), st.binary(max_size=64))


@PROPERTY
@given(st.lists(st.one_of(any_frame, st.binary(max_size=80)), max_size=20))
def test_board_survives_any_frames_and_bytes(items) -> None:  # type: ignore[no-untyped-def]
    bench = Bench()
    bench.connect()
    for item in items:
        if isinstance(item, tuple):
            bench.send(item[0], item[2], seq=item[1])
        else:
            bench.hal.rx += item
        bench.run(1)
    bench.run(5)
    for _seq, msg_type, _args in bench.board.applied:  # only commands were applied
        assert msg_type in m.COMMANDS
    assert bench.board.hal.watchdog_feeds == bench.hal.now_ms


class _Port:
    def __init__(self) -> None:
        self.written = bytearray()

    def write(self, data: bytes) -> None:
        self.written += data


@PROPERTY
@given(st.lists(any_frame, max_size=20))
def test_host_survives_any_well_framed_message(frames) -> None:  # type: ignore[no-untyped-def]
    """Whatever a board (or a stranger) sends in valid frames, the host either handles it or
    drops the link on purpose (LinkLost); it never raises anything else or blocks."""
    driver = BoardDriver("/dev/null")
    port = _Port()
    link = _Link(driver, port, OSError)
    well_formed_events = 0
    for msg_type, seq, payload in frames:
        try:
            if msg_type == m.BUTTON:
                m.unpack_button(payload)
                well_formed_events += 1
            elif msg_type == m.PRESENCE:
                m.unpack_presence(payload)
                well_formed_events += 1
        except ValueError:
            pass
        with contextlib.suppress(LinkLost):
            link._handle(msg_type, seq, payload)
    delivered = list(driver.events.queue)
    assert len(delivered) <= well_formed_events
    acks = [f for f in codec.FrameReader().feed(bytes(port.written)) if f[0] == m.ACK]
    assert len(acks) == well_formed_events  # every good event is acknowledged, even a repeat


def _flood(path_or_fd: str | int, stop: threading.Event, seed: int, zeros: bool) -> None:
    rng = random.Random(seed)
    fd = path_or_fd if isinstance(path_or_fd, int) else os.open(path_or_fd, os.O_WRONLY)
    os.set_blocking(fd, False)
    try:
        while not stop.is_set():
            chunk = rng.randbytes(4096)
            if not zeros:
                chunk = chunk.replace(b"\x00", b"\x01")  # one endless oversized frame
            select.select([], [fd], [], 0.05)
            with contextlib.suppress(BlockingIOError, OSError):
                os.write(fd, chunk)
    finally:
        if not isinstance(path_or_fd, int):
            os.close(fd)


def test_full_speed_flood_both_ways_then_the_link_works(sim, driver) -> None:  # type: ignore[no-untyped-def]
    driver.set_light(0b1111, 0.5)
    wait_for(lambda: driver.stats.commands_acked == 1, what="ack")
    stop = threading.Event()
    floods = [
        threading.Thread(target=_flood, args=(sim.port, stop, 1, True)),
        threading.Thread(target=_flood, args=(sim.hal.fd, stop, 2, True)),
        threading.Thread(target=_flood, args=(sim.port, stop, 3, False)),
    ]
    for thread in floods:
        thread.start()
    time.sleep(1.0)
    stop.set()
    for thread in floods:
        thread.join(2)
    assert sim.logic.reader.dropped > 100 and sim.logic.reader.oversized > 0
    assert driver._thread is not None and driver._thread.is_alive()
    assert sim._thread is not None and sim._thread.is_alive()
    wait_for(lambda: driver.state == "ready", timeout_s=5, what="link after the flood")
    while not driver.events.empty():
        driver.events.get_nowait()
    sim.press(2)
    assert next_event(driver.events, ButtonEvent, timeout_s=3).kind == "down"
    driver.set_light(0b1111, 0.25)
    wait_for(lambda: sim.logic.faders[3].target == round(0.25 * 65535), what="command after")
    seqs = [seq for seq, _, _ in sim.logic.applied]
    assert len(seqs) == len(set(seqs))
    assert len(sim.logic.reader._buf) <= codec.MAX_ENCODED

"""Fixtures for the bridge: a simulated board on a real pty and a host driver talking to it.

Timings are shortened (host timeout, heartbeats, backoff) so unplug and
safe-state scenarios take a fraction of a second; the logic is the shipped one.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from firmware_bridge.board import BoardConfig
from firmware_bridge.events import BridgeEvent, LinkState
from firmware_bridge.host import BoardDriver
from firmware_bridge.settings import BridgeSettings
from firmware_bridge.simulator import Simulator

FAST_BOARD = {
    "host_timeout_ms": 400,
    "safe_fade_ms": 40,
    "long_press_ms": 300,
    "heartbeat_ms": 50,
    "applied_log_max": 10_000,  # tests check every command ever applied
}
FAST_HOST = BridgeSettings(
    heartbeat_ms=50,
    link_timeout_ms=300,
    handshake_timeout_ms=150,
    ack_timeout_ms=40,
    command_max_tries=5,
    backoff_initial_s=0.02,
    backoff_max_s=0.1,
    events_per_s=200.0,  # the tests press far faster than a person
    event_queue_max=1000,  # and some read the queue only at the end
)


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    """Every driver and simulator a test starts must be stopped by the end of it."""
    yield
    names = {"keepsake-bridge", "board-simulator"}
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        alive = [t.name for t in threading.enumerate() if t.name in names]
        if not alive:
            return
        time.sleep(0.01)
    raise AssertionError(f"threads left running: {alive}")


def wait_for(predicate: Callable[[], object], timeout_s: float = 3.0, what: str = "") -> None:
    """Poll until ``predicate()`` is true; fail the test (never hang) after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what or predicate}")


def next_event(events: queue.Queue[BridgeEvent], kind: type, timeout_s: float = 2.0) -> BridgeEvent:
    """The next event of a type, skipping others (LinkState changes, say)."""
    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = events.get(timeout=left)
        except queue.Empty:
            break
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__} within {timeout_s} s")


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    """A simulated board behind a stable link path (tmp/keepsake-board, like the udev rule)."""
    simulator = Simulator(BoardConfig(**FAST_BOARD), link_path=tmp_path / "keepsake-board")
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def make_driver() -> Iterator[Callable[..., BoardDriver]]:
    """Factory for started drivers; every one is stopped at teardown."""
    drivers: list[BoardDriver] = []

    def make(port: str | None = None, **kwargs: object) -> BoardDriver:
        kwargs.setdefault("settings", FAST_HOST)
        driver = BoardDriver(port, **kwargs)  # type: ignore[arg-type]
        driver.start()
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.stop()


@pytest.fixture
def driver(sim: Simulator, make_driver: Callable[..., BoardDriver]) -> BoardDriver:
    """A driver that has completed its handshake with ``sim``."""
    d = make_driver(str(sim.link_path))
    wait_for(lambda: d.state == "ready", what="handshake")
    return d


def link_states(events: queue.Queue[BridgeEvent]) -> list[str]:
    """Drain the queue, returning the LinkState names seen in order."""
    states = []
    while True:
        try:
            event = events.get_nowait()
        except queue.Empty:
            return states
        if isinstance(event, LinkState):
            states.append(event.state)

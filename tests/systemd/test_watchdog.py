"""The watchdog path is real: READY, then regular WATCHDOG pings, which stop when the loop hangs.

A test socket plays systemd (NOTIFY_SOCKET, WATCHDOG_USEC) for a child process
running a main loop that pings through kiosk.notify — first a plain loop, then
a real Kivy app under Xvfb.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.notify import SystemdNotifier, watchdog_interval_s
from tests.systemd.conftest import NotifyListener

REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).with_name("watchdog_app.py")
WATCHDOG_USEC = 300_000  # pings every 0.15 s


def _start(kind: str, listener: NotifyListener, block: Path, **env: str) -> subprocess.Popen:
    full_env = {
        **os.environ,
        "NOTIFY_SOCKET": str(listener.path),
        "WATCHDOG_USEC": str(WATCHDOG_USEC),
        "PYTHONPATH": str(REPO),
        **env,
    }
    return subprocess.Popen(
        [sys.executable, str(APP), kind, str(block)],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _check_pings_then_silence(
    proc: subprocess.Popen,
    listener: NotifyListener,
    block: Path,
    ready_timeout_s: float,
    watchdog_usec: int = WATCHDOG_USEC,
) -> None:
    """READY, then at least 5 pings with no gap near the timeout; none once the loop hangs."""
    timeout_s = watchdog_usec / 1e6
    try:
        alive = lambda: proc.poll() is None  # noqa: E731
        assert listener.wait_for("READY=1", ready_timeout_s, alive), _stderr(proc)
        window_s = 5 * timeout_s
        pings = [t for t, m in listener.collect(window_s) if m == "WATCHDOG=1"]
        assert len(pings) >= 5, f"only {len(pings)} WATCHDOG pings in {window_s:.1f} s"
        gaps = [b - a for a, b in itertools.pairwise(pings)]
        assert max(gaps) < timeout_s, f"a gap of {max(gaps):.2f} s would trip systemd"
        block.touch()
        listener.collect(timeout_s)  # pings already on their way
        late = [m for _, m in listener.collect(3 * timeout_s) if m == "WATCHDOG=1"]
        assert late == [], "pings went on while the main loop was blocked"
        assert proc.poll() is None, "the frozen app is still running: systemd must restart it"
        print(
            f"\nREADY seen; {len(pings)} pings in {window_s:.1f} s (max gap {max(gaps):.3f} s, "
            f"timeout {timeout_s:.1f} s); none in {3 * timeout_s:.1f} s once the loop blocked"
        )
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _stderr(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        return "(still running, no READY)"
    return proc.stderr.read().decode(errors="replace")[-3000:] if proc.stderr else ""


def test_plain_main_loop(notify_listener: NotifyListener, tmp_path: Path) -> None:
    block = tmp_path / "block"
    proc = _start("plain", notify_listener, block)
    _check_pings_then_silence(proc, notify_listener, block, ready_timeout_s=20)


@pytest.mark.ui
def test_kivy_main_loop(notify_listener: NotifyListener, tmp_path: Path, xvfb_display: str) -> None:
    if importlib.util.find_spec("kivy") is None:  # not imported here: Kivy logs on import
        pytest.skip("Kivy is not installed")
    block = tmp_path / "block"
    proc = _start(
        "kivy",
        notify_listener,
        block,
        DISPLAY=xvfb_display,
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
        KIVY_HOME=str(tmp_path / "kivy"),
    )
    _check_pings_then_silence(proc, notify_listener, block, ready_timeout_s=60)


def test_notifier_is_a_no_op_without_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    notifier = SystemdNotifier()
    assert not notifier.enabled
    assert notifier.ready() is False and notifier.watchdog() is False


def test_abstract_socket_and_status(notify_listener: NotifyListener) -> None:
    import socket

    name = f"keepsake-test-{os.getpid()}"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(b"\0" + name.encode())
    server.settimeout(5)
    try:
        notifier = SystemdNotifier(f"@{name}")
        assert notifier.status("Rendering a portrait")
        assert server.recv(100) == b"STATUS=Rendering a portrait"
        notifier.close()
    finally:
        server.close()


def test_watchdog_interval_is_half_the_timeout() -> None:
    pid = str(os.getpid())
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": pid}) == 15.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_interval_s({}) is None

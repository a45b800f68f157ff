"""Fixtures for the appliance tests: a NOTIFY_SOCKET listener and an Xvfb display."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass
class NotifyListener:
    """Plays systemd's side of sd_notify: a datagram socket that records what arrives."""

    path: Path
    sock: socket.socket
    messages: list[tuple[float, str]] = field(default_factory=list)

    def collect(self, duration_s: float) -> list[tuple[float, str]]:
        """Receive for ``duration_s``; returns the messages that arrived meanwhile."""
        got = []
        end = time.monotonic() + duration_s
        while (left := end - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                break
            for line in data.decode().splitlines():
                got.append((time.monotonic(), line))
        self.messages.extend(got)
        return got

    def wait_for(
        self, message: str, timeout_s: float, alive: Callable[[], bool] = lambda: True
    ) -> bool:
        """True once ``message`` arrives; False after the timeout or once ``alive()`` is False."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end and alive():
            if any(m == message for _, m in self.collect(min(0.2, end - time.monotonic()))):
                return True
        return False


@pytest.fixture
def notify_listener(tmp_path: Path) -> Iterator[NotifyListener]:
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    try:
        yield NotifyListener(path, sock)
    finally:
        sock.close()


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A private X display (Xvfb picks a free number and tells us through -displayfd)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = b""
        while not number.endswith(b"\n"):
            chunk = os.read(read_fd, 16)
            if not chunk:
                pytest.skip("Xvfb did not start")
            number += chunk
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_fd)
        proc.terminate()
        proc.wait(timeout=10)

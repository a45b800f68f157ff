"""Runs the real kiosk in a subprocess on its own Xvfb display and drives it like a finger.

Xvfb is started with ``-displayfd`` so parallel runs never collide on a display
number; there is no window manager. The kiosk listens on a Unix socket
(kiosk.control) for taps, typed keys, screenshots and state queries.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


class Xvfb:
    def __init__(self, width: int = 1280, height: int = 800) -> None:
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                f"{width}x{height}x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class KioskDriver:
    def __init__(self, workdir: Path, config_text: str, display: str) -> None:
        self.workdir = workdir
        self.config = workdir / "keepsake.toml"
        self.config.write_text(config_text)
        self.socket_path = str(workdir / "control.sock")
        self.log_path = workdir / "kiosk.log"
        env = {
            **os.environ,
            "DISPLAY": display,
            "KIVY_NO_ARGS": "1",
            "KIVY_HOME": str(workdir / "kivy-home"),
            "KEEPSAKE_KIOSK_CONTROL": self.socket_path,
            "SDL_AUDIODRIVER": "dummy",
        }
        env.pop("NOTIFY_SOCKET", None)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - open for the process lifetime
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "engine_edge.cli",
                "kiosk",
                "--windowed",
                "--config",
                str(self.config),
            ],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._conn: socket.socket | None = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kiosk exited early:\n{self.log_path.read_text()[-3000:]}")
            if os.path.exists(self.socket_path):
                try:
                    self._connect()
                    if self.request("state").get("ok"):
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"kiosk did not come up:\n{self.log_path.read_text()[-3000:]}")

    def _connect(self) -> None:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(self.socket_path)
        self._conn = conn
        self._stream = conn.makefile("rw")

    def request(self, command: str, **fields: Any) -> dict[str, Any]:
        assert self._conn is not None
        self._stream.write(json.dumps({"command": command, **fields}) + "\n")
        self._stream.flush()
        line = self._stream.readline()
        if not line:
            raise RuntimeError(f"kiosk closed the control socket:\n{self.log_text()[-3000:]}")
        return dict(json.loads(line))

    # -- conveniences --
    def state(self) -> dict[str, Any]:
        return self.request("state")

    def tap(self, action: str, timeout_s: float = 5.0) -> None:
        """Tap a button once the screen has settled and the button is there and enabled."""
        deadline = time.monotonic() + timeout_s
        while True:
            if self.state().get("settled"):
                answer = self.request("tap", action=action)
                if answer.get("ok"):
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"tap {action}: not possible (screen {self.state()})")
            time.sleep(0.05)

    def wait_for(self, screen: str, timeout_s: float = 60.0, **debug: Any) -> dict[str, Any]:
        """Wait until the flow shows ``screen`` (and the screen's debug values match)."""
        deadline = time.monotonic() + timeout_s
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.state()
            if (
                state.get("state") == screen
                and state.get("settled")
                and all(state.get("debug", {}).get(k) == v for k, v in debug.items())
            ):
                return state
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(
            f"waited {timeout_s:.0f}s for {screen} {debug}; last state {state}\n"
            f"{self.log_text()[-3000:]}"
        )

    def wait_until(self, predicate: Any, timeout_s: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.state()
            if predicate(state):
                return state
            time.sleep(0.1)
        raise AssertionError(
            f"condition not met in {timeout_s:.0f}s; last state {state}\n{self.log_text()[-3000:]}"
        )

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        answer = self.request("screenshot", path=str(path))
        assert answer.get("ok"), answer
        return path

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text()

    def stop(self) -> int:
        if self._conn is not None:
            self._conn.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
        return int(self.process.returncode)

"""A test-control hook: drive the real app from another process, as a finger would.

Enabled only when $KEEPSAKE_KIOSK_CONTROL names a Unix socket path (the test
fixture sets it; a box never does). Each request is one JSON line; it runs on
the Kivy thread and the answer is one JSON line. Taps go through Kivy's real
touch dispatch (down and up at the button's centre in window coordinates), so
whatever a guest's finger would hit is what the test hits.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import socket
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.screenmanager import ScreenManager
from kivy.uix.widget import Widget

from kiosk.services import Services
from kiosk.widgets import find_action

log = logging.getLogger("keepsake.kiosk.control")
CONTROL_ENV = "KEEPSAKE_KIOSK_CONTROL"


class Drivable(Protocol):
    """What the hook needs of a running kiosk; it never imports the app itself."""

    services: Services
    manager: ScreenManager
    screens: Mapping[str, Any]
    frame_times_ms: list[float]

    @property
    def state(self) -> str: ...

    @property
    def current_screen(self) -> Any: ...

    @property
    def failsafe_message(self) -> str: ...


def visible_texts(root: Widget) -> list[str]:
    return [
        w.text
        for w in root.walk(restrict=True)
        if isinstance(w, Label) and w.text and w.opacity > 0
    ]


def _touch(x: float, y: float, hold_s: float = 0.0) -> None:
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(x, y)
    touch.touch_down()
    if hold_s > 0:
        Clock.schedule_once(lambda _dt: touch.touch_up(), hold_s)
    else:
        touch.touch_up()


def _raise(_dt: float) -> None:
    raise RuntimeError("fault injected by the test-control hook")


class ControlServer:
    def __init__(self, app: Drivable, path: str) -> None:
        self.app = app
        self.path = path

    def start(self) -> None:
        Path(self.path).unlink(missing_ok=True)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        self._sock.listen(1)
        threading.Thread(target=self._serve, name="keepsake-control", daemon=True).start()

    def _serve(self) -> None:
        while True:
            conn, _ = self._sock.accept()
            with conn, conn.makefile("rw") as stream:
                for line in stream:
                    answer = self._on_kivy_thread(json.loads(line))
                    stream.write(json.dumps(answer) + "\n")
                    stream.flush()

    def _on_kivy_thread(self, request: dict[str, Any]) -> dict[str, Any]:
        done = threading.Event()
        answer: dict[str, Any] = {}

        def run(_dt: float) -> None:
            try:
                answer.update(self.handle(request))
            except Exception as exc:
                log.exception("control request failed")
                answer.update(ok=False, error=repr(exc))
            done.set()

        Clock.schedule_once(run, 0)
        done.wait(30)
        return answer or {"ok": False, "error": "timeout"}

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        app = self.app
        command = request["command"]
        screen = app.current_screen
        if command == "state":
            return {
                "ok": True,
                "state": app.state,
                # Settled: the screen is shown and its fade-in is over (touches reach it).
                "settled": app.manager.current == app.state
                and not app.manager.transition.is_active,
                "texts": visible_texts(screen),
                "actions": [
                    w.action_id
                    for w in screen.walk(restrict=True)
                    if getattr(w, "action_id", "") and not w.disabled
                ],
                "failsafe": app.failsafe_message,
                "worker_pid": app.services.worker.pid,
                "debug": screen.debug_state() if hasattr(screen, "debug_state") else {},
            }
        if command == "tap":
            button = find_action(screen, request["action"])
            if button is None or button.disabled:
                return {
                    "ok": False,
                    "error": f"no enabled {request['action']} on {app.state}",
                }
            x, y = button.to_window(*button.center)
            _touch(x, y)
            return {"ok": True}
        if command == "touch":
            _touch(
                request["x"] * Window.width, request["y"] * Window.height, request.get("hold_s", 0)
            )
            return {"ok": True}
        if command == "key":
            for ch in request["text"]:
                if ch == "\n":
                    Window.dispatch("on_key_down", 13, 36, None, [])
                else:
                    Window.dispatch("on_textinput", ch)
            return {"ok": True}
        if command == "screenshot":
            saved = Window.screenshot(name=request["path"])
            os.replace(saved, request["path"])
            return {"ok": True}
        if command == "fault":
            return self._fault(request["name"])
        if command == "frame_times":
            times = list(app.frame_times_ms)
            if request.get("clear"):
                app.frame_times_ms.clear()
            return {"ok": True, "ms": times}
        if command == "live_stats":
            player = app.screens["attract"].player
            return {
                "ok": True,
                "frames": player.live.frames_drawn,
                "clip_frames": player.clip.frames_shown,
                "update_ms": list(player.live.update_ms),
            }
        raise ValueError(f"unknown command {command}")

    def _fault(self, name: str) -> dict[str, Any]:
        services = self.app.services
        if name == "unplug_camera":
            services.camera.simulate_unplug()
        elif name == "kill_worker":
            services.worker.kill()
        elif name == "disk_full":
            # A real file-size limit on this process: the store's writes fail with EFBIG,
            # which it reports as StorageFull, exactly as on a full disk.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.setrlimit(resource.RLIMIT_FSIZE, (32 * 1024, hard))
        elif name == "disk_ok":
            _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        elif name == "raise":
            Clock.schedule_once(_raise, 0)  # inside the Kivy loop, like any bug in a callback
        else:
            raise ValueError(f"unknown fault {name}")
        return {"ok": True}


def maybe_start(app: Drivable) -> None:
    path = os.environ.get(CONTROL_ENV)
    if path:
        log.warning("test-control hook listening on %s", path)
        ControlServer(app, path).start()

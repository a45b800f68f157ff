"""A stand-in main loop for the watchdog tests: pings from its loop, freezes on request.

``python watchdog_app.py plain BLOCKFILE`` runs a plain loop with Heartbeat;
``python watchdog_app.py kivy BLOCKFILE`` runs a real Kivy App whose Clock
pings via ping_from_clock. Either one stops answering (sleeps inside its main
loop, as a hung UI would) once BLOCKFILE exists.
"""

from __future__ import annotations

import os
import sys
import time

from kiosk.notify import Heartbeat, SystemdNotifier, ping_from_clock


def run_plain(block_file: str) -> None:
    notifier = SystemdNotifier()
    heartbeat = Heartbeat(notifier)
    notifier.ready("plain loop up")
    while True:
        heartbeat.beat()
        if os.path.exists(block_file):
            time.sleep(3600)
        time.sleep(0.01)


def run_kivy(block_file: str) -> None:
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.uix.label import Label

    class WatchdogApp(App):
        def build(self) -> Label:
            notifier = SystemdNotifier()
            Clock.schedule_once(lambda _dt: notifier.ready("kivy up"), 0)
            ping_from_clock(notifier, Clock)
            Clock.schedule_interval(self.maybe_freeze, 0.05)
            return Label(text="watchdog test")

        def maybe_freeze(self, _dt: float) -> None:
            if os.path.exists(block_file):
                time.sleep(3600)

    WatchdogApp().run()


if __name__ == "__main__":
    {"plain": run_plain, "kivy": run_kivy}[sys.argv[1]](sys.argv[2])

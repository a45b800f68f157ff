"""Runs the real `keepsake kiosk --windowed`, plus one test-only way to hang its main loop.

Once the file named by $KEEPSAKE_FREEZE_FILE exists, a callback on the kiosk's
own Kivy Clock sleeps — exactly what a hung UI looks like to systemd: the
process lives, its other threads run, but the main loop no longer turns.
Everything else is the unmodified kiosk.
"""

from __future__ import annotations

import os
import sys
import time

import kiosk.commands as kiosk_commands
from engine_edge.cli import main

_prepare_kivy = kiosk_commands._prepare_kivy


def _prepare_kivy_with_freeze(settings, windowed: bool) -> None:  # type: ignore[no-untyped-def]
    _prepare_kivy(settings, windowed)
    from kivy.clock import Clock

    freeze_file = os.environ["KEEPSAKE_FREEZE_FILE"]

    def maybe_freeze(_dt: float) -> None:
        if os.path.exists(freeze_file):
            time.sleep(3600)

    Clock.schedule_interval(maybe_freeze, 0.05)


kiosk_commands._prepare_kivy = _prepare_kivy_with_freeze

if __name__ == "__main__":
    sys.exit(main(["kiosk", "--windowed", *sys.argv[1:]]))

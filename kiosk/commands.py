"""``keepsake kiosk``: start the touchscreen (full screen, no window chrome).

Only the standard library is imported at module top so ``keepsake --help``
stays fast; Kivy is imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import tempfile
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="configuration file (default: $KEEPSAKE_CONFIG or /etc)")
    parser.add_argument(
        "--windowed", action="store_true", help="run in a window (staff testing), not full screen"
    )
    parser.add_argument(
        "--set-pin",
        action="store_true",
        help="ask for a new staff PIN, store its scrypt hash, exit",
    )


def run(args: argparse.Namespace) -> int:
    from engine_edge.config import load_config
    from engine_edge.undumpable import make_undumpable
    from kiosk.settings import load_settings

    make_undumpable()
    config = load_config(args.config)
    settings = load_settings(config)
    if args.set_pin:
        from kiosk.pin import write_pin_file

        pin = getpass.getpass("New staff PIN (6-12 digits): ")
        if pin != getpass.getpass("Again: "):
            print("The two PINs differ; nothing changed.")
            return 1
        write_pin_file(settings.state_path / "staff_pin", pin)
        print(f"Staff PIN stored in {settings.state_path / 'staff_pin'}.")
        return 0
    # What staff changed on screen (STATE_DIR/settings.toml) goes over the owner's file.
    from kiosk.overrides import layered
    from kiosk.system import apply_volume

    config = layered(config, settings.state_path)
    settings = load_settings(config)
    apply_volume(settings.volume_percent)
    _prepare_kivy(settings, args.windowed)
    from kiosk.app import KioskApp
    from kiosk.control import maybe_start
    from kiosk.services import build_services

    app = KioskApp(settings, build_services(settings, config))
    maybe_start(app)
    # systemd stops the kiosk with SIGTERM: close the app properly (worker, camera, board, store).
    signal.signal(signal.SIGTERM, lambda _sig, _frame: app.stop())
    app.run()
    return app.exit_code


def _prepare_kivy(settings, windowed: bool) -> None:  # type: ignore[no-untyped-def]
    """Kivy reads its configuration at import time: set everything before the first import."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "0")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    if "KIVY_HOME" not in os.environ:
        os.environ["KIVY_HOME"] = str(Path(tempfile.gettempdir()) / "keepsake-kivy")
    from kivy.config import Config

    from kiosk.gl_renderer import window_samples, x11_gl_renderer

    renderer = x11_gl_renderer()  # before Kivy opens its window: it decides multisampling
    fullscreen = settings.fullscreen and not windowed
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("kivy", "log_level", "warning")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("graphics", "width", str(settings.window_width_px))
    Config.set("graphics", "height", str(settings.window_height_px))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "rotation", str(settings.rotation_deg))
    Config.set("graphics", "multisamples", str(window_samples(settings.msaa_samples, renderer)))
    # A mouse is one finger (no red multitouch dots on a right click), and it steps aside while
    # the touchscreen is active, so a touch that SDL also reports as a click never counts twice.
    Config.set("input", "mouse", "mouse,disable_multitouch,disable_on_activity")

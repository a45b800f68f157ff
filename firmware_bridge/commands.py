"""`keepsake bridge simulate` and `keepsake bridge monitor`: the board link for people.

simulate: runs the board's firmware logic on a pseudo-terminal behind a stable
link path, so a kiosk (or `bridge monitor`) can be tried without a Pico; type
commands (press 0, tap 1, hold 2, presence on, unplug, plug, reset, show).
monitor: connects to the board (found by USB id, or --port) and prints link
changes and events as they happen; --light and --status send commands.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from engine_edge.commands.args import input_file, number
from firmware_bridge.messages import STATUS_PATTERNS

DEFAULT_SIM_LINK = "/tmp/keepsake-board-sim"

HELP = """commands: press N | release N | tap N | hold N (1 s) | presence on|off |
          unplug | plug | reset | show | quit"""


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="bridge_command", required=True, metavar="ACTION")
    sim = sub.add_parser("simulate", help="run a simulated board on a pseudo-terminal")
    sim.add_argument(
        "--link",
        type=_link_arg,
        default=DEFAULT_SIM_LINK,
        help="stable path to the simulated port (a new name, or a link it made before)",
    )
    seconds = number(0, 7 * 24 * 3600, unit="seconds")
    sim.add_argument("--seconds", type=seconds, default=0, help="stop after this long (0: never)")
    mon = sub.add_parser("monitor", help="connect to the board and print what happens")
    mon.add_argument("--port", default=None, help="serial port (default: find by USB id)")
    mon.add_argument("--seconds", type=seconds, default=0, help="stop after this long (0: never)")
    mon.add_argument(
        "--light", type=_light_arg, metavar="MASK:BRIGHTNESS", help="e.g. 0b1111:0.8 or 15:0.8"
    )
    mon.add_argument("--status", choices=STATUS_PATTERNS, help="status LED pattern, e.g. ready")
    mon.add_argument(
        "--config", type=input_file, help="configuration file (default: keepsake.toml search)"
    )


def _link_arg(text: str) -> str:
    """The simulator replaces this path with a symlink: only ever a symlink, in a real folder."""
    folder = os.path.dirname(text) or "."
    if not text or os.path.basename(text) in ("", ".", ".."):
        raise argparse.ArgumentTypeError(f"{text!r} is not a file name for the link.")
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"the folder {folder} does not exist; create it first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"the folder {folder} cannot be written to.")
    if os.path.lexists(text) and not os.path.islink(text):
        raise argparse.ArgumentTypeError(
            f"{text} already exists and is not a link; the simulator will not replace it. "
            "Choose a new name."
        )
    return text


def _light_arg(text: str) -> tuple[int, float]:
    mask_text, _, brightness_text = text.partition(":")
    try:
        mask, brightness = int(mask_text, 0), float(brightness_text or 1.0)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not MASK:BRIGHTNESS, e.g. 15:0.8") from exc
    if not (0 <= mask <= 255 and 0.0 <= brightness <= 1.0):  # NaN fails this too
        raise argparse.ArgumentTypeError("MASK is 0..255 and BRIGHTNESS 0..1")
    return mask, brightness


def run(args: argparse.Namespace) -> int:
    if args.bridge_command == "simulate":
        return _simulate(args)
    return _monitor(args)


def _simulate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from firmware_bridge.simulator import Simulator

    sim = Simulator(link_path=Path(args.link))
    sim.start()
    print(f"simulated board on {sim.port}, linked at {args.link}", flush=True)
    print(f"connect with: keepsake bridge monitor --port {args.link}", flush=True)
    done = threading.Event()
    if sys.stdin.isatty():
        print(HELP, flush=True)
        threading.Thread(target=_read_commands, args=(sim, done), daemon=True).start()
    try:
        _report_outputs(sim, done, args.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


def _read_commands(sim, done: threading.Event) -> None:  # type: ignore[no-untyped-def]
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if not _apply_command(sim, words):
                break
        except (ValueError, IndexError):
            print(HELP, flush=True)
    done.set()


def _apply_command(sim, words: list[str]) -> bool:  # type: ignore[no-untyped-def]
    verb = words[0]
    if verb == "quit":
        return False
    if verb in ("press", "release", "tap", "hold"):
        button = int(words[1])
        if verb == "release":
            sim.release(button)
        else:
            sim.press(button)
        if verb in ("tap", "hold"):
            time.sleep(0.08 if verb == "tap" else 1.0)
            sim.release(button)
    elif verb == "presence":
        sim.set_presence(words[1] == "on")
    elif verb in ("unplug", "plug", "reset"):
        getattr(sim, verb)()
        print(f"{verb}: port now {sim.port or '(none)'}", flush=True)
    elif verb == "show":
        print(_describe(sim), flush=True)
    else:
        raise ValueError(verb)
    return True


def _describe(sim) -> str:  # type: ignore[no-untyped-def]
    from firmware_bridge.messages import LEVEL_MAX

    lights = " ".join(
        f"bank{bank}={100 * fader.target / LEVEL_MAX:.0f}%"
        for bank, fader in enumerate(sim.logic.faders)
    )
    safe = " (safe state: host silent)" if sim.logic.safe_state else ""
    return f"lights {lights}; status {sim.logic.status_pattern}{safe}"


def _report_outputs(sim, done: threading.Event, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Print the board's outputs whenever their targets change, and once more on the way
    out: a change in the last 50 ms before Ctrl-C would otherwise never be shown."""
    deadline = time.monotonic() + seconds if seconds > 0 else float("inf")
    last = ""
    try:
        while not done.is_set() and time.monotonic() < deadline:
            last = _report_change(sim, last)
            done.wait(0.05)
    finally:
        _report_change(sim, last)


def _report_change(sim, last: str) -> str:  # type: ignore[no-untyped-def]
    """Print the outputs if they differ from ``last``; returns what is now shown."""
    targets = str(
        (tuple(f.target for f in sim.logic.faders), sim.logic.status_pattern, sim.logic.safe_state)
    )
    if targets != last:
        print(_describe(sim), flush=True)
    return targets


def _monitor(args: argparse.Namespace) -> int:
    import queue

    from engine_edge.config import load_config
    from firmware_bridge.events import ButtonEvent, LinkState
    from firmware_bridge.host import BoardDriver
    from firmware_bridge.settings import load_settings

    driver = BoardDriver(args.port, load_settings(load_config(args.config)))
    if args.light:
        driver.set_light(*args.light)
    if args.status:
        driver.set_status(args.status)
    driver.start()
    deadline = time.monotonic() + args.seconds if args.seconds > 0 else float("inf")
    try:
        while time.monotonic() < deadline:
            try:
                event = driver.events.get(timeout=min(0.2, max(deadline - time.monotonic(), 0)))
            except queue.Empty:
                continue
            if isinstance(event, LinkState):
                continue  # the driver logs link changes itself
            if isinstance(event, ButtonEvent):
                print(f"button {event.name} {event.kind} (held {event.held_ms} ms)", flush=True)
            else:
                print(f"presence {'yes' if event.present else 'no'}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        driver.stop()
    s = driver.stats
    print(
        f"connects {s.connects}, events {s.events_delivered}, commands acked {s.commands_acked}"
        f" (retried {s.commands_retried}), bad frames {driver.reader.dropped}",
        flush=True,
    )
    return 0

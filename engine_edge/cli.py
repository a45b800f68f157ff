"""The `keepsake` command: one entry point, sub-commands imported lazily.

Each sub-command lives in its own module with ``configure(parser)`` and
``run(args) -> int``. Modules outside the engine (kiosk, bridge, store) are
only imported when their command runs, so the engine works without Kivy,
serial or systemd installed.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from engine_edge import __version__
from engine_edge.errors import KeepsakeError
from engine_edge.logs import configure_logging, printable

# name -> (module, one-line help). The one place where commands are declared.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("engine_edge.commands.demo", "render the bundled sample portrait to a folder"),
    "analyse": ("engine_edge.commands.analyse", "find faces, 478 landmarks, pose and person mask"),
    "animate": ("engine_edge.commands.animate", "turn one photo into a living-portrait MP4"),
    "sheet": ("engine_edge.commands.sheet", "contact sheet (PNG) of a clip's frames, for review"),
    "check": ("engine_edge.commands.check", "self-check a clip: blinks, mouth, shape, loop"),
    "montage": ("engine_edge.commands.montage", "tribute film: portraits, captions, music, loop"),
    "verify": ("engine_edge.commands.verify", "show and check a clip's signed provenance (C2PA)"),
    "credentials": ("engine_edge.commands.credentials", "make this box's provenance signing key"),
    "scan": ("engine_edge.commands.scan", "camera view of a printed photo -> flat, restored photo"),
    "store": ("kiosk.store.commands", "add, list, export or check stored portraits (staff)"),
    "wipe": ("kiosk.store.wipe_command", "destroy expired portraits (or --all, or --item ID)"),
    "bridge": ("firmware_bridge.commands", "simulate the button-and-light board, or monitor it"),
    "share": ("kiosk.share.command", "one-time hotspot link to a portrait's clip (off by default)"),
    "doctor": ("engine_edge.commands.doctor", "is this box ready? what to fix (--json too)"),
    "kiosk": ("kiosk.commands", "start the touchscreen kiosk (full screen; --windowed to test)"),
}

log = logging.getLogger("keepsake")


class _Parser(argparse.ArgumentParser):
    """argparse whose refusals echo the user's words escaped (a pasted escape code stays text)."""

    def error(self, message: str):  # type: ignore[no-untyped-def]
        super().error(printable(message))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every sub-command with its arguments; with ``only``, that one's arguments alone.

    Configuring a sub-command imports its module (the doctor's checks, the kiosk's
    settings...): a command that runs needs only its own, 55 ms less CPU at each start.
    """
    parser = _Parser(prog="keepsake", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"keepsake {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module_name)
        if only is None or name == only:
            _load(module_name).configure(p)
    return parser


def _named_command(argv: list[str] | None) -> str | None:
    """The sub-command named on the command line: its first word that is not an option
    (the top level's options take no value)."""
    words = sys.argv[1:] if argv is None else argv
    return next((word for word in words if not word.startswith("-")), None)


def _load(module_name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(module_name)


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status: 0 done, 2 refused (one sentence on stderr), 130 Ctrl-C."""
    try:
        args = build_parser(_named_command(argv)).parse_args(argv)
    except SystemExit as exc:  # --help and --version (0), or a refused argument (2)
        return exc.code if isinstance(exc.code, int) else 2
    configure_logging(args.verbose)
    try:
        code = int(_load(args._module).run(args) or 0)
        sys.stdout.flush()  # here, so a closed pipe is caught below and not at exit
        return code
    except KeepsakeError as exc:
        print(f"keepsake {args.command}: {printable(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"keepsake {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `keepsake store list | head -1`: the reader has all it wanted
        _discard_stdout()
        return 0


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a test or an embedding
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())

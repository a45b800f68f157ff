"""Logging to stdout, which systemd hands to journald."""

import logging
import sys

_FORMAT = "%(levelname)s %(name)s: %(message)s"


def configure_logging(verbose: bool = False) -> None:
    """Send log records to stdout once; the CLI writes its progress and results explicitly."""
    root = logging.getLogger()
    if any(getattr(h, "_keepsake", False) for h in root.handlers):
        root.setLevel(logging.DEBUG if verbose else logging.INFO)
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._keepsake = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)

"""Logging to stderr (which systemd hands to journald), with untrusted text made harmless.

stdout carries only results (``ID=$(keepsake store add ...)`` captures the ID, not
a log line). File names, board messages and error texts come from outside: their
control characters (escape sequences, newlines) are shown escaped, so they can
neither repaint a staff member's terminal nor forge extra lines in the journal.
"""

from __future__ import annotations

import logging
import sys

_FORMAT = "%(levelname)s %(name)s: %(message)s"


def printable(text: str) -> str:
    r"""``text`` with every non-printable character escaped (``\x1b``, ``\n``, ``\u202e``)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


class _EscapingFormatter(logging.Formatter):
    """One record, one line: the message is escaped; a traceback (ours) is kept as it is."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = printable(record.message)
        return super().formatMessage(record)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (tests and daemons replace it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(verbose: bool = False) -> None:
    """Send log records to stderr once; the CLI writes its results to stdout explicitly."""
    root = logging.getLogger()
    if not any(getattr(h, "_keepsake", False) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(_EscapingFormatter(_FORMAT))
        handler._keepsake = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)

"""Argument types for the sub-commands: every value checked when the command line is parsed.

argparse turns an ``ArgumentTypeError`` into "argument --seconds: <our sentence>"
and exit status 2, before a model is loaded or a frame rendered. Standard library
only, like the command modules (``keepsake --help`` builds every parser).
"""

from __future__ import annotations

import argparse
import math
import os
import stat
from collections.abc import Callable


def number(
    low: float, high: float, *, whole: bool = False, above_low: bool = False, unit: str = ""
) -> Callable[[str], float]:
    """A number from ``low`` to ``high`` (``above_low``: strictly above ``low``)."""
    kind = "a whole number" if whole else "a number"
    lower = f"above {_plain(low)}" if above_low else f"from {_plain(low)}"
    unit_text = f" {unit}" if unit else ""
    rule = f"must be {kind} {lower} to {_plain(high)}{unit_text}"

    def parse(text: str) -> float:
        try:
            value = int(text, 10) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {kind}; it {rule}.") from None
        too_low = value <= low if above_low else value < low
        if not math.isfinite(value) or too_low or value > high:
            raise argparse.ArgumentTypeError(f"{rule}, not {text}.")
        return value

    parse.__name__ = "integer" if whole else "number"
    return parse


def _plain(value: float) -> str:
    """4294967295, not 4.29497e+09; 0.5 as 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def words(max_chars: int) -> Callable[[str], str]:
    """Text that is not empty or only spaces, and at most ``max_chars`` long."""

    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError("is empty; give the words to use.")
        if len(text) > max_chars:
            raise argparse.ArgumentTypeError(
                f"is {len(text)} characters long; at most {max_chars} are allowed."
            )
        if not text.isprintable():
            raise argparse.ArgumentTypeError("contains control characters; type plain text.")
        return text

    parse.__name__ = "text"
    return parse


def input_file(text: str) -> str:
    """A file to read: it must exist, be an ordinary file (not a folder or device) and readable."""
    if not text:
        raise argparse.ArgumentTypeError("the file name is empty.")
    try:
        st = os.stat(text)
    except FileNotFoundError:
        raise argparse.ArgumentTypeError(f"{text} does not exist; check the path.") from None
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"{text} cannot be used ({exc.strerror}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file inside it.")
    if not stat.S_ISREG(st.st_mode):
        raise argparse.ArgumentTypeError(f"{text} is a device, pipe or socket, not a file.")
    if not os.access(text, os.R_OK):
        raise argparse.ArgumentTypeError(f"{text} cannot be read (permission denied).")
    return text


input_file.__name__ = "file"

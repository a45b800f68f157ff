"""Select from a universal lock the pins one kind of box needs: `lock_for.py LOCK ARCH PYTHON`.

The locks (requirements/*.lock, `make lock`) cover Python 3.10-3.13 on every Linux machine,
with environment markers. pip evaluates markers on the machine it runs on, so a wheelhouse
built here for another box (aarch64, Python 3.10) needs the markers evaluated for that box
first; this prints the lock's entries that apply there, hashes kept, markers dropped.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

from packaging.markers import Marker


def target_environment(arch: str, python: str) -> dict[str, str]:
    """The marker variables of a CPython ``python`` (e.g. "3.10") on Linux/``arch``."""
    return {
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_machine": arch,
        "platform_system": "Linux",
        "sys_platform": "linux",
        "os_name": "posix",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "platform_release": platform.release(),
        "platform_version": "",
        "implementation_version": f"{python}.0",
    }


def entries(lock_text: str) -> list[str]:
    """The lock's requirement entries, each with its continuation lines joined."""
    out: list[str] = []
    current = ""
    for line in lock_text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        current += " " + stripped.rstrip("\\").strip()
        if not stripped.endswith("\\"):
            out.append(current.strip())
            current = ""
    return out


def select(lock_text: str, arch: str, python: str) -> list[str]:
    env = target_environment(arch, python)
    chosen = []
    for entry in entries(lock_text):
        requirement, _, hashes = entry.partition(" --hash=")
        pin, _, marker = requirement.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate(env):
            continue
        chosen.append(f"{pin.strip()} --hash={hashes}" if hashes else pin.strip())
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("arch", help="x86_64 or aarch64")
    parser.add_argument("python", help="the box's Python, e.g. 3.10")
    args = parser.parse_args()
    print("\n".join(select(args.lock.read_text(), args.arch, args.python)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

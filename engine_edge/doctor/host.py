"""Where the doctor looks: the system's folders and its service manager.

Every check reads the box through a :class:`Host`, so a test can point one at a
folder laid out like a box that has the hardware this machine lacks (a camera, an
RTC, a sound card), while the real checks read /proc, /sys and /dev.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Host:
    root: Path = Path("/")
    # None: use the running system's systemctl when there is one.
    systemctl: str | None = shutil.which("systemctl")

    def path(self, absolute: str) -> Path:
        return self.root / absolute.lstrip("/")

    def read(self, absolute: str) -> str:
        """The file's text, or "" when it is absent or unreadable."""
        try:
            return self.path(absolute).read_text(errors="replace")
        except OSError:
            return ""

    def systemd_running(self) -> bool:
        return self.systemctl is not None and self.path("/run/systemd/system").is_dir()

    def unit_properties(self, unit: str, *names: str) -> dict[str, str]:
        """``systemctl show`` properties of a unit; {} without a running systemd."""
        if not self.systemd_running():
            return {}
        try:
            out = subprocess.run(
                [str(self.systemctl), "show", unit, "--property", ",".join(names)],
                capture_output=True,
                text=True,
                timeout=10,
            )
        except (OSError, subprocess.TimeoutExpired):
            return {}
        return dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)

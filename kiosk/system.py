"""What staff change about the box itself: clock, time zone, volume, power.

Each action runs the system's own tool (timedatectl, amixer, systemctl)
through one small ``Runner``, so the staff screen never needs root: the tools
ask systemd's services over D-Bus and polkit decides (systemd/50-keepsake.rules
allows the ``keepsake`` user exactly these). Tests pass their own runner, or run
the real tools where this machine has them. Any refusal becomes
:class:`SystemRefused` with a sentence staff can act on.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import time
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine_edge.errors import KeepsakeError

log = logging.getLogger("keepsake.kiosk.system")

Runner = Callable[[Sequence[str]], str]

# Time-zone regions offered on screen (zoneinfo also holds legacy names such as "US/Eastern").
REGIONS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
# Mixer controls tried in order: the first one the sound card has is "the volume".
MIXER_CONTROLS = ("Master", "PCM", "Speaker", "Headphone", "Digital")


class SystemRefused(KeepsakeError):
    """A system tool is missing or refused the change (no permission, clock set by network)."""


def run_tool(argv: Sequence[str], timeout_s: float = 15.0) -> str:
    """Run a system tool and return its output; a missing tool or a failure is SystemRefused."""
    if shutil.which(argv[0]) is None:
        raise SystemRefused(f"This box has no {argv[0]}, so this cannot be changed here.")
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SystemRefused(f"{argv[0]} did not answer in {timeout_s:.0f} seconds.") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise SystemRefused(f"{argv[0]} refused: {reason}")
    return done.stdout


@dataclass(frozen=True)
class ClockState:
    """The box's clock as timedatectl reports it."""

    timezone: str
    ntp: bool  # the clock is set from the network: set-time is refused while this is on


def time_zones(region: str) -> list[str]:
    """Every time zone of one region, sorted ("Europe/Berlin", ...)."""
    return sorted(z for z in zoneinfo.available_timezones() if z.startswith(region + "/"))


def parse_properties(text: str) -> dict[str, str]:
    """``Key=Value`` lines, as ``timedatectl show`` prints them."""
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def parse_volume_percent(amixer_output: str) -> int | None:
    """The first ``[NN%]`` of ``amixer sget``, or None when the control has no volume."""
    match = re.search(r"\[(\d{1,3})%\]", amixer_output)
    return int(match.group(1)) if match else None


class System:
    """The box's clock, sound and power, each through its system tool."""

    def __init__(self, run: Runner = run_tool) -> None:
        self.run = run

    # -- clock --
    def clock(self) -> ClockState:
        props = parse_properties(self.run(["timedatectl", "show", "-p", "Timezone", "-p", "NTP"]))
        return ClockState(timezone=props.get("Timezone", ""), ntp=props.get("NTP") == "yes")

    def set_time(self, when: datetime) -> None:
        """Set the local date and time; refused while the network sets the clock."""
        if self.clock().ntp:
            raise SystemRefused(
                "The clock is set automatically from the network, so it cannot be changed here."
            )
        self.run(["timedatectl", "set-time", when.strftime("%Y-%m-%d %H:%M:%S")])

    def set_timezone(self, name: str) -> None:
        if name not in zoneinfo.available_timezones():
            raise SystemRefused(f"{name!r} is not a time zone this box knows.")
        self.run(["timedatectl", "set-timezone", name])
        time.tzset()  # this process's local time follows at once

    # -- sound --
    def _mixer_control(self) -> str:
        controls = self.run(["amixer", "scontrols"])
        for name in MIXER_CONTROLS:
            if f"'{name}'" in controls:
                return name
        raise SystemRefused("The sound card has no volume control.")

    def volume_percent(self) -> int | None:
        return parse_volume_percent(self.run(["amixer", "sget", self._mixer_control()]))

    def set_volume_percent(self, percent: int) -> int:
        percent = max(0, min(100, int(percent)))
        self.run(["amixer", "-q", "sset", self._mixer_control(), f"{percent}%", "unmute"])
        return percent

    # -- power --
    def power_off(self) -> None:
        self.run(["systemctl", "poweroff"])


def apply_volume(percent: int, system: System | None = None) -> None:
    """Set the saved volume at start-up (-1: leave the mixer alone); a refusal is only logged."""
    if percent < 0:
        return
    try:
        (system or System()).set_volume_percent(percent)
    except SystemRefused as exc:
        log.warning("could not set the volume to %d %%: %s", percent, exc)

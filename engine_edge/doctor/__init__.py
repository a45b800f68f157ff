"""`keepsake doctor`: is this box ready to serve guests, and if not, what to fix.

:func:`run_checks` is a pure function of the configuration (and the box it runs
on): the CLI prints its :class:`Report`, the kiosk's Diagnostics tab shows it.
Nothing here imports Kivy or opens a device, so it runs beside a running kiosk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from engine_edge.doctor import devices, software, system
from engine_edge.doctor.host import Host
from engine_edge.doctor.report import FAIL, OK, WARN, Check, Report, format_text

__all__ = ["CHECKS", "FAIL", "OK", "WARN", "Check", "Host", "Report", "format_text", "run_checks"]

# name -> check, in the order support reads them. `keepsake doctor --only` takes these names.
CHECKS: dict[str, Callable[[dict[str, Any], Host], Check]] = {
    "versions": lambda config, host: software.versions(),
    "models": lambda config, host: software.models(),
    "backends": lambda config, host: software.backends(config),
    "camera": devices.camera,
    "board": devices.board,
    "audio": lambda config, host: devices.audio(host),
    "disk": system.disk,
    "clock": lambda config, host: system.clock(host, config=config),
    "units": lambda config, host: system.units(host),
    "store": lambda config, host: system.store(config, host),
    "last wipe": system.last_wipe,
}


def run_checks(
    config: dict[str, Any], only: tuple[str, ...] = (), host: Host | None = None
) -> Report:
    """Run every check (or those named in ``only``); a check that crashes is reported as failed."""
    host = host or Host()
    checks = []
    for name, check in CHECKS.items():
        if only and name not in only:
            continue
        try:
            checks.append(check(config, host))
        except Exception as exc:  # one broken check must not hide the others' findings
            checks.append(
                Check(name, FAIL, f"the check itself failed: {type(exc).__name__}: {exc}")
            )
    now = dt.datetime.now(dt.timezone.utc)
    return Report(
        checks=tuple(checks),
        checked_at_local=now.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
        checked_at_utc=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )

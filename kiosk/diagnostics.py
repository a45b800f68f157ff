"""What only the running kiosk tells staff under Diagnostics (the rest is `keepsake doctor`'s
report, engine_edge.doctor, so the tab and the command never disagree)."""

from __future__ import annotations

import time


def clock_text(now_s: float | None = None) -> str:
    """The box's local date and time with its zone ("2026-12-04 14:05 CET, UTC+01:00").

    Staff read it to see whether the clock is right: the retention wipe and the audit log
    run on it. ISO order, so it reads the same in every language.
    """
    local = time.localtime(now_s)
    offset = time.strftime("%z", local)
    return time.strftime("%Y-%m-%d %H:%M %Z", local) + f", UTC{offset[:3]}:{offset[3:]}"

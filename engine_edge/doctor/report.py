"""What `keepsake doctor` finds, as plain frozen data: the CLI prints it, the kiosk's
Diagnostics tab shows it, CI reads its JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    """One thing looked at.

    ``status`` is ok, warn (works, but staff should know) or fail (the box is not ready);
    ``fix`` says what to do about a warn or fail, in words staff or support can act on;
    ``details`` are (label, value) pairs to show as they are (versions, hashes, devices).
    """

    name: str
    status: str
    summary: str
    fix: str = ""
    details: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "fix": self.fix,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Report:
    """Every check, in order, and when they ran (local time with its zone, and UTC)."""

    checks: tuple[Check, ...]
    checked_at_local: str
    checked_at_utc: str

    @property
    def ready(self) -> bool:
        """Nothing failed: the box can serve guests."""
        return all(c.status != FAIL for c in self.checks)

    @property
    def to_fix(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == FAIL)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ready": self.ready,
            "checked_at_local": self.checked_at_local,
            "checked_at_utc": self.checked_at_utc,
            "checks": [c.to_dict() for c in self.checks],
            "to_fix": [f"{c.name}: {c.fix or c.summary}" for c in self.to_fix],
        }


def format_text(report: Report) -> str:
    """The report as support reads it in a terminal: one line per check, details indented."""
    mark = {OK: " ok ", WARN: "warn", FAIL: "FAIL"}
    lines = [f"keepsake doctor, {report.checked_at_local} ({report.checked_at_utc})"]
    for c in report.checks:
        lines.append(f"[{mark.get(c.status, c.status)}] {c.name}: {c.summary}")
        lines.extend(f"         {label}: {value}" for label, value in c.details)
        if c.fix and c.status != OK:
            lines.append(f"         fix: {c.fix}")
    if report.ready:
        lines.append("Ready.")
    else:
        lines.append(f"Not ready: {len(report.to_fix)} thing(s) to fix:")
        lines.extend(f"  - {c.name}: {c.fix or c.summary}" for c in report.to_fix)
    return "\n".join(lines)

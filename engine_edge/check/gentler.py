"""What a failed self-check turns down for the second, gentler render."""

from __future__ import annotations

import dataclasses

from engine_edge.check.report import CheckReport

# check -> (channel to scale or "intensity", factor, what the guest's clip loses)
_REMEDY: dict[str, tuple[str, float, str]] = {
    "blinks": ("blink", 0.0, "blinks off (the eyes did not close cleanly)"),
    "mouth": ("smile", 0.4, "smile softened (the mouth moved in silence)"),
    "shape": ("intensity", 0.6, "less motion (the face's shape drifted)"),
    "jitter": ("intensity", 0.6, "less motion (the face jittered)"),
    "tracking": ("intensity", 0.6, "less motion (the face was lost in some frames)"),
}


def gentler_options(options, report: CheckReport):  # type: ignore[no-untyped-def]
    """The same options, turned down where the report failed, and what was turned down;
    None when no failed check has a gentler remedy (lip sync and a loop's seam are not
    made better by less motion: they are recorded, not rendered again)."""
    if not any(check in _REMEDY for check in report.failed):
        return None
    overrides = dict(options.overrides)
    intensity = options.intensity
    turned: list[str] = []
    calmer = False  # one remedy for shape, jitter and tracking
    for check in report.failed:
        if check not in _REMEDY:
            continue
        channel, factor, note = _REMEDY[check]
        if channel == "intensity":
            if not calmer:
                calmer = True
                intensity *= factor
                turned.append(note)
        else:
            overrides[channel] = overrides.get(channel, 1.0) * factor
            turned.append(note)
    softer = dataclasses.replace(options, intensity=intensity, overrides=overrides)
    return softer, tuple(turned)

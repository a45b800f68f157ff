"""The Mood screen's "gentler / livelier" control as render options.

Built on the same small vocabulary as ``keepsake animate --direct``
(engine_edge.direction): a step of -2..2 is a direction in words ("gentler",
"livelier, warm smile"), so the kiosk never moves a face in a way the command
line cannot describe.
"""

from __future__ import annotations

from typing import Any

from engine_edge.direction import STEPS, step_direction

LOWEST_STEP, HIGHEST_STEP = min(STEPS), max(STEPS)


def clamp_step(step: int) -> int:
    return max(LOWEST_STEP, min(HIGHEST_STEP, step))


def motion_step(step: int) -> dict[str, Any]:
    """AnimateOptions fields for a step: ``intensity`` and channel ``overrides``."""
    direction = step_direction(clamp_step(step))
    return {"intensity": direction.intensity, "overrides": dict(direction.overrides)}

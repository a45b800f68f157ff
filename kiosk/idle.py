"""When a quiet screen asks "Are you still there?" and when it gives up: plain arithmetic.

A screen that holds a guest's unsaved work never times out silently: once it
has been quiet for its idle timeout, it asks for ``ask_s`` more seconds with a
visible countdown, and only then gives up. Other screens give up at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class IdleState:
    asking: bool  # show the "Are you still there?" overlay
    expired: bool  # time is up: back to the tribute loop
    left_s: float  # seconds of the countdown still to run (0 when not asking)

    @property
    def left_whole_s(self) -> int:
        """What the countdown shows: 20, 19, … 1 (never 0 while still asking)."""
        return max(1, math.ceil(self.left_s))


ACTIVE = IdleState(asking=False, expired=False, left_s=0.0)


def idle_state(quiet_s: float, timeout_s: float | None, ask_s: float) -> IdleState:
    """Where a screen quiet for ``quiet_s`` stands; ``timeout_s`` None never times out."""
    if timeout_s is None or quiet_s < timeout_s:
        return ACTIVE
    left_s = timeout_s + max(0.0, ask_s) - quiet_s
    if left_s <= 0:
        return IdleState(asking=False, expired=True, left_s=0.0)
    return IdleState(asking=True, expired=False, left_s=left_s)

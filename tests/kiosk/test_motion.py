"""The Mood screen's gentler / livelier control reaches the performance as measurable motion."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.perform import perform
from kiosk.motion import HIGHEST_STEP, LOWEST_STEP, clamp_step, motion_step


def _motion(step: int) -> tuple[float, float]:
    """Head-turn amplitude (peak-to-peak yaw, degrees) and smile peak of a memorial clip."""
    options = motion_step(step)
    performance = perform(
        1,
        preset="memorial",
        frame_count=180,
        fps=30.0,
        seed=3,
        intensity=options["intensity"],
        overrides=options["overrides"],
    )
    face = performance.faces[0]
    return float(np.ptp(face.yaw_deg)), float(np.max(face.smile))


@pytest.mark.parametrize("low,high", [(-2, 0), (-1, 1), (0, 2)])
def test_two_steps_apart_move_measurably_differently(low: int, high: int) -> None:
    head_low, smile_low = _motion(low)
    head_high, smile_high = _motion(high)
    assert head_high > 1.15 * head_low  # the head turns visibly further
    assert smile_high >= smile_low


def test_steps_stop_at_the_ends_and_the_middle_is_the_mood_itself() -> None:
    assert (
        clamp_step(LOWEST_STEP - 3) == LOWEST_STEP and clamp_step(HIGHEST_STEP + 3) == HIGHEST_STEP
    )
    assert motion_step(0) == {"intensity": 1.0, "overrides": {}}
    assert motion_step(-1)["intensity"] < 1.0

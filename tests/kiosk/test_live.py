"""The live portrait's timeline: it moves, gently, never visibly repeats, and never jumps."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.live.portrait import Timeline
from kiosk.live.source import build_live_portrait


@pytest.fixture(scope="module")
def portrait(astronaut):  # type: ignore[no-untyped-def]
    from engine_edge.analysis import analyse, load_models

    return build_live_portrait(astronaut, analyse(astronaut, load_models()))


def test_timeline_moves_gently_without_jumps_or_repeats(portrait) -> None:  # type: ignore[no-untyped-def]
    fps, cycle_s = 25.0, 2.0
    per_cycle = int(cycle_s * fps)
    rest = portrait.rig.vertices
    size_px = max(portrait.size_px)
    worst_seam, worst_inside = 0.0, 0.0
    for seed in range(6):
        timeline = Timeline(portrait, "birthday", fps, cycle_s, seed=seed)
        frames = np.stack([timeline.positions(i / fps) for i in range(3 * per_cycle)])
        offset = np.linalg.norm(frames - rest, axis=2)
        assert offset.max() > 0.5  # it moves ...
        assert offset.max() < 0.05 * size_px  # ... with restraint
        steps = np.linalg.norm(np.diff(frames, axis=0), axis=2).max(axis=1)
        seams = [per_cycle - 1, 2 * per_cycle - 1]  # the steps into frames 50 and 100
        worst_seam = max(worst_seam, float(steps[seams].max()))
        worst_inside = max(worst_inside, float(np.delete(steps, seams).max()))
        # A fresh performance every cycle: the second cycle is not the first one again.
        first, second = frames[:per_cycle], frames[per_cycle : 2 * per_cycle]
        assert np.abs(first - second).max() > 0.5
    # Where one performance hands over to the next, nothing moves more than it does anyway.
    assert worst_seam <= worst_inside, (worst_seam, worst_inside)

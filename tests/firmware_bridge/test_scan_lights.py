"""The driver as scan's LightControl: a light burst over the simulated board."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_bridge.board import perceptual_to_duty

from .conftest import wait_for

lighting = pytest.importorskip("engine_edge.scan.lighting")


def test_each_burst_frame_is_taken_under_its_own_light_pattern(sim, driver) -> None:  # type: ignore[no-untyped-def]
    lights: lighting.LightControl = driver  # structural: no import of scan in firmware_bridge
    seen: list[dict[int, int]] = []

    def grab() -> np.ndarray:
        seen.append(dict(sim.hal.bank_duty))
        return np.zeros((4, 4, 3), np.uint8)

    frames = lighting.frames_under_lights(grab, lights, settle_s=0.08)
    assert len(frames) == len(lighting.DEFAULT_PATTERNS)
    full = perceptual_to_duty(65535)
    for pattern, duties in zip(lighting.DEFAULT_PATTERNS, seen[1::2], strict=True):
        expected = {b: full if pattern.bank_mask & (1 << b) else 0 for b in range(4)}
        assert duties == expected
    # Afterwards every bank is back on, for the preview.
    wait_for(lambda: [sim.hal.bank_duty[b] for b in range(4)] == [full] * 4, what="all on")

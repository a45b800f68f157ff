"""A lamp's fall-off across the view: the print comes out as if it lay in the view's best light."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine_edge.scan.capture import capture_print
from engine_edge.scan.synthetic import SceneSpec, render_print_scene

# A print a fifth of the view wide in its middle, seen sharp and clean: only the light differs.
SMALL_IN_THE_MIDDLE = SceneSpec(
    frame_size=(1280, 960), table="wood", print_share=0.06, roll_deg=3.0, seed=5
)


def _flat(photo: np.ndarray, spec: SceneSpec) -> np.ndarray:
    scene = render_print_scene(photo, spec)
    return capture_print([scene.frame], scene.corners)


@pytest.mark.parametrize("name", ["coffee", "chelsea"])
def test_a_print_where_the_lamp_has_fallen_off_is_as_bright_as_in_even_light(photos, name):
    # 40 % less light at the view's far edge leaves the middle at about 0.8 of the light:
    # lifted only to its own brighter side, the print stayed 15-20 % dim all over.
    even = _flat(photos[name], SMALL_IN_THE_MIDDLE)
    lamp = _flat(photos[name], replace(SMALL_IN_THE_MIDDLE, light_gradient=0.4))
    assert even.shape == lamp.shape
    assert 0.93 < lamp.mean() / even.mean() < 1.1


def test_a_bright_print_in_a_well_exposed_view_is_not_lifted_into_white(photos):
    spec = replace(SMALL_IN_THE_MIDDLE, exposure=1.08)
    even = _flat(photos["astronaut"], spec)
    lamp = _flat(photos["astronaut"], replace(spec, light_gradient=0.4))
    clipped = float((lamp.max(axis=2) >= 255).mean())
    assert clipped <= float((even.max(axis=2) >= 255).mean()) + 0.005

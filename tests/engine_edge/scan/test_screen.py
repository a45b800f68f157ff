"""Screens are told from prints by their pixel grid, never by dark edges."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.scan.scene_set import darken
from engine_edge.scan.screen import screen_evidence
from engine_edge.scan.synthetic import SceneSpec, render_print_scene, screen_image

DARK_PRINTS = [
    # (photo, border_px, border colour, table, JPEG quality)
    ("astronaut", 40, (8, 8, 10), "dark", 75),
    ("coffee", 30, (20, 18, 18), "wood", 90),
    ("camera", 0, (0, 0, 0), "dark", 60),
    ("chelsea", 25, (5, 5, 5), "cloth", 0),
]


@pytest.mark.parametrize(("name", "border", "rgb", "table", "quality"), DARK_PRINTS)
def test_dark_prints_and_black_borders_are_not_screens(photos, name, border, rgb, table, quality):
    picture = darken(photos[name], np.random.default_rng(border))  # near-black background
    spec = SceneSpec(
        table=table, border_px=border, border_rgb=rgb, jpeg_quality=quality, noise_sigma=2, seed=3
    )
    scene = render_print_scene(picture, spec)
    assert not screen_evidence(scene.frame, scene.corners).is_screen()


@pytest.mark.parametrize(
    ("pixel_px", "bezel_px", "gap"), [(3, 40, 1.0), (2, 0, 0.8), (4, 6, 0.8), (3, 25, 0.9)]
)
def test_screens_show_their_pixel_grid(photos, pixel_px, bezel_px, gap):
    shown = screen_image(photos["coffee"], pixel_px=pixel_px, bezel_px=bezel_px, gap=gap)
    scene = render_print_scene(shown, SceneSpec(table="wood", jpeg_quality=85, seed=pixel_px))
    assert screen_evidence(scene.frame, scene.corners).is_screen()


def test_a_print_too_small_to_tell_is_not_called_a_screen(photos):
    shown = screen_image(photos["coffee"])
    scene = render_print_scene(shown, SceneSpec(print_share=0.004, seed=1))
    assert not screen_evidence(scene.frame, scene.corners).is_screen()

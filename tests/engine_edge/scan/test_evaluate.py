"""The scan benchmark's yardstick: when a found outline counts as right."""

from __future__ import annotations

import numpy as np

from engine_edge.scan.evaluate import outline_tolerance
from engine_edge.scan.scene_set import sample_scene


def _diagonal_px(labelled) -> float:
    corners = labelled.scene.corners
    return float(np.linalg.norm(corners[2] - corners[0]))


def test_a_print_without_a_border_must_be_outlined_within_a_few_pixels(photos):
    # Seed 3700004's kind of error: a borderless print outlined 0.0054 of its diagonal out
    # (4.3 px) showed a wedge of table along one edge, and counted as right under the old
    # 0.012 (10 px at this size). Without a border nothing is cut off after the outline,
    # so its error is what the guest sees.
    labelled = sample_scene(photos["astronaut"], "plain", 7)
    tolerance_px = outline_tolerance(labelled) * _diagonal_px(labelled)
    assert 2.0 <= tolerance_px <= max(2.0, 0.005 * _diagonal_px(labelled)) + 1e-9


def test_a_bordered_print_keeps_the_looser_tolerance(photos):
    # The print's own border is cut off after the outline is found: an outline a few pixels
    # into or outside the border leaves nothing on the photo, and the SSIM ratio judges it.
    bare = sample_scene(photos["coffee"], "plain", 11)
    bordered = sample_scene(photos["coffee"], "black_border", 11)
    assert outline_tolerance(bordered) >= 0.012
    assert outline_tolerance(bordered) > 2 * outline_tolerance(bare)


def test_a_small_print_is_allowed_the_pixels_its_soft_edge_is_found_to(photos):
    # 0.005 of a small print's diagonal is under a pixel and a half: the floor is 2 px.
    labelled = sample_scene(photos["chelsea"], "small", 7)
    diagonal = _diagonal_px(labelled)
    assert diagonal < 400
    assert outline_tolerance(labelled) * diagonal >= 2.0 - 1e-9

"""A shut lash line stays dark into the eye's corners while it thins.

A closed eye's lash line is the lid's margin: it thins towards the corners but is as dark
there as in its middle. Up to round 18 the painted line faded with its thinning, so on
sadtalker_art_3 (large painted eyes, a fine liner) it kept only 0.56 and 0.67 of its
middle's darkness a twentieth of an eye inside the inner corners (now 0.88): grey, soft
ends.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.render.features import EyeFeature

from .conftest import staged_renderer

INSIDE = 0.05  # where the ends are measured: this share of the eye inside each corner
# the line's darkness there over its middle's: 0.56-0.87 on round 18, 0.88-1.09 now
MIN_SHARE = 0.8


def _darkness(lum: np.ndarray, eye: EyeFeature, at: float) -> float:
    """How much darker (L) than the shut lid above it the lash line is, ``at`` of the way
    along the eye: the lid's median a fifth to three tenths of an eye over the line, less
    the darkest sample from an eighth of an eye over it to a sixteenth under it."""
    length = eye.length
    u = np.full(41, at * length)
    line_v = np.interp(u, eye.u_grid, eye.shut_line)
    across = eye.frame.sample(lum, u[None], (line_v + np.linspace(-0.12, 0.06, 41) * length)[None])
    lid = eye.frame.sample(lum, u[None], (line_v + np.linspace(-0.3, -0.2, 41) * length)[None])
    return float(np.median(lid) - across.min())


def test_the_shut_lash_line_is_as_dark_at_its_ends(shared_data, models) -> None:  # type: ignore[no-untyped-def]
    renderer = staged_renderer(shared_data / "photos" / "sadtalker_art_3.png", models)
    shut = renderer.render(FrameParams((FaceParams(lid_left=1.0, lid_right=1.0),), CameraParams()))
    lum = cv2.cvtColor(shut, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    for eye in renderer.parts[0].eyes:
        middle = _darkness(lum, eye, 0.5)
        assert middle > 100.0  # a dark line on the lid (173 and 183)
        for at in (INSIDE, 1.0 - INSIDE):
            assert _darkness(lum, eye, at) >= MIN_SHARE * middle

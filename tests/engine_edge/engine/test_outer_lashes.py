"""Lashes that flare up past the outer corner go down with a closing lid.

Heavy mascara and winged liner reach beyond the eye's outer corner. Left where the
photo has them, they float above a shut eye like a second, open lash line (seen on
full_body_1, happy and s1 of the shared photos). The astronaut, enlarged as a guest's
print gives her, gets such lashes drawn by the test.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine_edge.analysis import analyse
from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.render import Renderer
from engine_edge.rig import build_rig

LASH_RGB = (24, 18, 16)


@pytest.fixture(scope="module")
def flared(astronaut, models):  # type: ignore[no-untyped-def]
    """The enlarged astronaut with four lashes fanning up past each outer corner, rendered
    open and shut, and each eye's outline (for the region the lashes were drawn in)."""
    image = cv2.resize(astronaut, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    rig = build_rig(analyse(image, models))
    eyes = Renderer(image, rig, None).parts[0].eyes
    for eye in eyes:
        thick = max(1, round(0.03 * eye.length))
        for i in range(4):  # (u, v) in eye lengths from the outer corner, v up < 0
            ends = [
                eye.frame.to_xy(np.array(u * eye.length), np.array(v * eye.length))
                for u, v in ((-0.03 - 0.04 * i, -0.03), (-0.12 - 0.05 * i, -0.24 + 0.02 * i))
            ]
            a, b = (tuple(int(np.rint(c)) for c in p) for p in ends)
            cv2.line(image, a, b, LASH_RGB, thick, cv2.LINE_AA)
    analysis = analyse(image, models)
    rig = build_rig(analysis)
    renderer = Renderer(image, rig, analysis.person_mask)

    def frame(closure: float) -> np.ndarray:
        face = FaceParams(lid_left=closure, lid_right=closure)
        return renderer.render(FrameParams((face,), CameraParams()))

    return frame(0.0), frame(1.0), renderer.parts[0].eyes


def _dark_above_corner(image: np.ndarray, eye) -> int:  # type: ignore[no-untyped-def]
    """Lash-dark pixels past the outer corner and well above its line."""
    h, w = image.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    u, v = eye.frame.to_uv(np.stack([xs, ys], axis=-1).astype(np.float64))
    length = eye.length
    region = (u > -0.35 * length) & (u < -0.02 * length) & (v > -0.35 * length)
    region &= v < -0.1 * length
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return int(np.count_nonzero(region & (grey < 70)))


def test_lashes_past_the_outer_corner_go_down_with_the_lid(flared) -> None:
    open_frame, shut_frame, eyes = flared
    for eye in eyes:
        drawn = _dark_above_corner(open_frame, eye)
        assert drawn > 10, drawn  # the lashes are there in the open eye
        # left where they were, every one of them stays (1.0 of the open eye's)
        assert _dark_above_corner(shut_frame, eye) <= 0.4 * drawn


def test_the_skin_past_the_corner_moves_without_folding(flared) -> None:
    """Sampled up a column past the outer corner, a shut eye's map never turns back (a fold
    would show a strip of skin twice, mirrored)."""
    *_, eyes = flared
    for eye in eyes:
        length = eye.length
        for u in (-0.3, -0.15, -0.02, 0.1):
            v = np.linspace(-1.5 * eye.skin_up, 0.0, 400)
            column = eye.frame.to_xy(np.full_like(v, u * length), v)
            src, _ = eye.backward(column, 1.0, 0.0, (0.0, 0.0))
            _, v_src = eye.frame.to_uv(src)
            assert np.all(np.diff(v_src) > 0), u

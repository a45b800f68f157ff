"""The shut eye of a painting: one lash line on skin, no drawn ring, no fleck of white.

On liveportrait_s4 (a painting) each eye is drawn with a dark fold round its upper lid
that wraps round the eye's outer end, and the painted white of the eye goes on below the
face mesh's lower lid near the outer corner. The shut lid covered the fold only up to its
soft top edge and not at all past the corner (a ring stood round the shut lid), and the
rising lower lid took its skin from the white (a light fleck under the lash line). Round
11's renderer left 188 and 135 line pixels above the shut lids (the open eyes have 163 and
127), and under the right eye's shut lash line a light band 87 levels over a dark one.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine_edge.analysis import analyse
from engine_edge.deliver import plan_framing
from engine_edge.image_io import load_image
from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.pipeline import reframe
from engine_edge.render import Renderer
from engine_edge.render.features import EyeFeature, eye_features
from engine_edge.rig import build_rig


@pytest.fixture(scope="module")
def painting(shared_data, models):  # type: ignore[no-untyped-def]
    """s4 as the pipeline stages it, shut, and its eyes as the face mesh puts them."""
    image = load_image(shared_data / "photos" / "liveportrait_s4.jpg")
    analysis = analyse(image, models)
    faces = [f.box for f in analysis.faces if not f.too_small]
    photo, local = reframe(image, analysis, plan_framing(analysis.image_size, faces, "original"))
    rig = build_rig(local, "largest")
    renderer = Renderer(photo, rig, local.person_mask)
    shut = renderer.render(FrameParams((FaceParams(lid_left=1.0, lid_right=1.0),), CameraParams()))
    return photo, shut, eye_features(rig.faces[0])


def _lightness(image: np.ndarray, eye: EyeFeature, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """L* on the eye's own (u, v) grid, in eye lengths (rows: v, columns: u)."""
    uu, vv = np.meshgrid(u * eye.length, v * eye.length)
    lum = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    return eye.frame.sample(lum, uu, vv)


def _fold_lines(image: np.ndarray, eye: EyeFeature) -> int:
    """Pixels of thin dark lines over the upper lid, from round the outer end to the inner
    corner: more than 15 levels darker than the median of their neighbourhood."""
    u, v = np.arange(-0.3, 1.0, 0.02), np.arange(-0.7, -0.1, 0.02)
    lum = _lightness(image, eye, u, v)
    around = cv2.medianBlur(np.clip(lum, 0, 255).astype(np.uint8), 15).astype(np.float32)
    up = np.interp(u * eye.length, eye.u_grid, eye.upper, left=0.0, right=0.0) / eye.length
    top = np.interp(u * eye.length, eye.u_grid, eye.lid_top) / eye.length
    lid = (v[:, None] < up[None, :] - 0.15) & (v[:, None] > top[None, :] - 0.1)
    return int(np.count_nonzero((around - lum > 15.0) & lid))


def test_the_fold_round_the_lid_flattens_when_shut(painting) -> None:
    photo, shut, eyes = painting
    for eye in eyes:
        drawn = _fold_lines(photo, eye)
        assert drawn > 100, drawn  # the painting's fold is there, open
        # 54 and 45 of 163 and 127
        assert _fold_lines(shut, eye) <= 0.5 * drawn, (_fold_lines(shut, eye), drawn)


def test_no_white_under_the_shut_lash_line_at_the_outer_corner(painting) -> None:
    """Down each column from the shut lash line near the outer corner, the lower lid gets
    lighter towards the cheek: never a light band over a dark one (the painted white over
    the painting's own lower lid line)."""
    _, shut, eyes = painting
    eye = eyes[0]  # the right eye; the left one's painted white ends at the mesh's corner
    v = np.arange(0.0, 0.35, 0.01)
    under = _lightness(shut, eye, np.arange(-0.05, 0.15, 0.01), v)
    # from the lash line (the darkest row near the corner's line) down
    line = np.argmin(under[v <= 0.15], axis=0)
    under = np.where(np.arange(v.size)[:, None] >= line[None, :], under, 0.0)
    # the most any column falls back below the lightest it has been higher up
    fall = float(np.max(np.maximum.accumulate(under, axis=0) - under))
    # 87 levels when the lower lid took its skin from the painted white (now 13)
    assert fall <= 25.0, fall

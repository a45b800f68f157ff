"""A shut eye's lower lid lies in the shade of the lashes hanging over it.

Shut, the lower lid's skin right under the lash line is what the rising lower lid brings
up from the photo. Up to round 24 it kept its full light up to the line (but for the thin
fringe of the lashes pointing down): a dark line with lit skin on both sides, which an
independent landmark model (dlib) reads as a narrow open eye. Now the lower lid's skin
from the line down about two widths of the line is darkened (``LOWER_SHADE``), most at
the line. Measured on sadtalker_art_1 and sadtalker_art_9 (both read open by dlib) against
what the lower lid shows unshaded: the photo's own pixels that the lid's map samples there.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.render.features import EyeFeature

from .conftest import staged_renderer

# The shut frame's lightness over the photo's, from 0.08 to 0.14 of an eye under the meeting
# line: 0.95-1.00 before round 25 (the lashes' thin fringe), now 0.84-0.93.
MAX_SHADED = 0.95


def _shaded(shut: np.ndarray, photo: np.ndarray, eye: EyeFeature) -> float:
    """The median lightness of ``shut`` over the photo's own at the places its lower lid
    is sampled from, 0.08-0.14 of an eye under the meeting line, over the middle half."""
    u = np.linspace(0.25, 0.75, 21) * eye.length
    under = np.interp(u, eye.u_grid, eye.shut_line)[:, None]
    v = under + np.linspace(0.08, 0.14, 7)[None, :] * eye.length
    uu = np.repeat(u[:, None], v.shape[1], axis=1)
    source, _ = eye.backward(eye.frame.to_xy(uu, v), 1.0, 0.0, (0.0, 0.0))
    lum_shut = cv2.cvtColor(shut, cv2.COLOR_RGB2GRAY).astype(np.float32)
    lum_photo = cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY).astype(np.float32)
    xy = source.astype(np.float32)
    unshaded = cv2.remap(lum_photo, xy[..., 0], xy[..., 1], cv2.INTER_LINEAR)
    return float(np.median(eye.frame.sample(lum_shut, uu, v)) / np.median(unshaded))


@pytest.mark.parametrize("name", ["sadtalker_art_1.png", "sadtalker_art_9.png"])
def test_the_shut_lower_lid_lies_in_the_lashes_shade(shared_data, models, name: str) -> None:  # type: ignore[no-untyped-def]
    renderer = staged_renderer(shared_data / "photos" / name, models)
    shut = renderer.render(FrameParams((FaceParams(lid_left=1.0, lid_right=1.0),), CameraParams()))
    found = [_shaded(shut, renderer.photo, eye) for eye in renderer.parts[0].eyes]
    assert max(found) <= MAX_SHADED, found

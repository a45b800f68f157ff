"""A shut lid darkens into its lash line: its margin lies in shade, as a closed lid's does.

A closed upper lid curves down and away from the light into its lashes. Up to round 21 the
painted lid kept nearly its full tone down to the line (its margin shade was 0.12 of it), and
on sadtalker_art_1 (deep-set eyes under a heavy painted brow, its lid lifted light) the right
eye's lid just above the shut line was as light as the lid a fifth of an eye higher (0.5 L*
levels darker on a 0-255 scale): a flat pale band over the line, where an independent landmark
model put its upper eye points, well above the line. Now 5.8 (right) and 46 (left) levels.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.render.features import EyeFeature

from .conftest import staged_renderer

# how much darker (L*, 0-255) the lid just above the shut line must be than the lid a fifth
# of an eye up: -0.5 and 39 on round 21's art_1, 5.8 and 46 now
MIN_DARKER = 3.0
SAMPLES = 9  # samples across each band, at each of 21 places along the eye's middle half


def _lid_band(lum: np.ndarray, eye: EyeFeature, near: float, far: float) -> float:
    """The median lightness of the shut lid from ``near`` to ``far`` eye lengths above the
    shut line's top edge, over the middle half of the eye."""
    length = eye.length
    u = np.linspace(0.25, 0.75, 21) * length
    top = np.interp(u, eye.u_grid, eye.shut_line) - 0.5 * (eye.shut_line_px or eye.rule_line_px())
    v = top[:, None] - np.linspace(near, far, SAMPLES)[None] * length
    return float(np.median(eye.frame.sample(lum, np.repeat(u[:, None], SAMPLES, 1), v)))


def test_the_shut_lid_darkens_into_its_lash_line(shared_data, models) -> None:  # type: ignore[no-untyped-def]
    renderer = staged_renderer(shared_data / "photos" / "sadtalker_art_1.png", models)
    shut = renderer.render(FrameParams((FaceParams(lid_left=1.0, lid_right=1.0),), CameraParams()))
    lum = cv2.cvtColor(shut, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    for eye in renderer.parts[0].eyes:
        darker = _lid_band(lum, eye, 0.15, 0.25) - _lid_band(lum, eye, 0.02, 0.06)
        assert darker >= MIN_DARKER

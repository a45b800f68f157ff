"""A shut lid is as colourful as the skin it covers: no greyish dome over coloured skin.

The closed lid was painted one hue per place along the eye, taken where the lid starts
and mixed towards the cheek's. On sadtalker_art_3 (peach skin, orange eye shadow towards
the nose) and sadtalker_art_19 (warm, shaded skin) it was a greyish, pinkish dome over the
shut eye whose outline was plain to see: a pasted-in look. The test reads the colourfulness
(CIELAB chroma) of the shut lid against the open frame's skin at the same place.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.render.features import EyeFeature

from .conftest import staged_renderer

# How much less colourful (chroma, a* b* on OpenCV's 8-bit scale) the shut lid may be than
# the skin it covers, median over the eye's middle, right / left eye: art_3 1.55 / 1.43 and
# art_19 2.38 / 1.41 with one hue per place along the eye; -0.30 / -1.14 and 0.23 / 0.15 now
MAX_GREYER = 0.75
# Down from the closed lid's top (0) to the open eye's lid line (1): the skin read, the
# open lid's skin above its lash line
FROM, TO = 0.5, 0.9


def _greyer(shut: np.ndarray, opened: np.ndarray, eye: EyeFeature) -> float:
    """How much less colourful the shut frame is than the open one over the lid (median
    a*b* per place along the middle 70 % of the eye, median over those places)."""
    u = np.linspace(0.15, 0.85, 15) * eye.length
    up = np.interp(u, eye.u_grid, eye.upper)
    top = np.interp(u, eye.u_grid, eye.lid_top)
    t = np.linspace(FROM, TO, 12)[:, None]
    v = top[None] + t * (up - top)[None]
    uu = np.broadcast_to(u[None], v.shape).astype(np.float64)
    ab = [
        np.stack(
            [eye.frame.sample(lab[..., c], uu, v) for c in (1, 2)],
            axis=-1,
        )
        for lab in (cv2.cvtColor(f, cv2.COLOR_RGB2LAB).astype(np.float32) for f in (shut, opened))
    ]
    chroma = [np.linalg.norm(np.median(x, axis=0) - 128.0, axis=-1) for x in ab]
    return float(np.median(chroma[1] - chroma[0]))


@pytest.mark.parametrize("name", ["sadtalker_art_3.png", "sadtalker_art_19.png"])
def test_the_shut_lid_is_as_colourful_as_the_skin_it_covers(shared_data, models, name) -> None:  # type: ignore[no-untyped-def]
    renderer = staged_renderer(shared_data / "photos" / name, models)

    def frame(closure: float) -> np.ndarray:
        lids = FaceParams(lid_left=closure, lid_right=closure)
        return renderer.render(FrameParams((lids,), CameraParams()))

    shut, opened = frame(1.0), frame(0.0)
    greyer = [_greyer(shut, opened, eye) for eye in renderer.parts[0].eyes]
    assert max(greyer) <= MAX_GREYER, greyer

"""A shut lid on a dark socket is stretched up under the brow: no band of shade stands over it.

sadtalker_art_5 is a painting with a dark, made-up socket round each eye. Its closed lid,
painted in the lit tone of lid skin, covered three quarters of the way from the lid line to
the brow; the socket's shade above it stayed as a dark band, and the band's edge against the
lit lid read as an open eye's upper lid (the independent landmark model put its upper eye
points on it), in colour, grey and sepia alike. Made black-and-white, as most prints guests
bring are, the test reads the band's height in the shut frame.
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

# Down from the brow's lower edge (0) to the shut lash line (1): the lid's own tone is read
# from here to here, and the band is looked for above the end of that.
LID_FROM, LID_TO = 0.6, 0.85


def _socket_band(frame: np.ndarray, eye: EyeFeature) -> float:
    """Share of the way from the brow down to the lid's tone (``LID_TO``) that the shut
    frame leaves darker than three quarters of the lid's tone, over the middle of the eye."""
    u = np.linspace(0.3, 0.7, 9) * eye.length
    shut = np.interp(u, eye.u_grid, eye.shut_line)
    assert eye.brow is not None
    brow = np.interp(u, eye.u_grid, eye.brow)
    t = np.linspace(0.0, 1.0, 60)[:, None]
    v = brow[None, :] + t * (shut - brow)[None, :]
    lum = cv2.cvtColor(frame, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    down = eye.frame.sample(lum, np.broadcast_to(u[None, :], v.shape).astype(np.float64), v)
    tone = np.median(down[(t[:, 0] > LID_FROM) & (t[:, 0] < LID_TO)], axis=0)
    above = t[:, 0] < LID_TO
    return float(np.mean(down[above] < 0.75 * tone[None, :]))


@pytest.fixture(scope="module")
def grey_art_5(shared_data, models):  # type: ignore[no-untyped-def]
    """art_5 made black-and-white and staged as the pipeline does: its shut frame and eyes."""
    image = load_image(shared_data / "photos" / "sadtalker_art_5.png")
    image = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    analysis = analyse(image, models)
    faces = [f.box for f in analysis.faces if not f.too_small]
    photo, local = reframe(image, analysis, plan_framing(analysis.image_size, faces, "original"))
    rig = build_rig(local, "largest")
    shut = Renderer(photo, rig, None).render(
        FrameParams((FaceParams(lid_left=1.0, lid_right=1.0),), CameraParams())
    )
    return shut, eye_features(rig.faces[0])


def test_the_shut_lid_leaves_no_dark_band_under_the_brow(grey_art_5) -> None:
    shut, eyes = grey_art_5
    for eye in eyes:
        # covering three quarters of the way to the brow left 0.46 and 0.48 of it dark;
        # up to 0.95 of the way, 0.37 and 0.38
        assert _socket_band(shut, eye) <= 0.42, _socket_band(shut, eye)

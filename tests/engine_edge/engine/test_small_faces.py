"""A small face in a print still blinks: down to about 30 px between the eyes.

The astronaut, shrunk into the corner of a print that is then rendered at a clip's 1080 px
(as a group photo or a full-length portrait brings its faces): at 43 px across (about 30 px
between the eyes in the clip) her eyes close, with a simpler set of motions; smaller still,
she only breathes, as a face too small to read any lid on.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine_edge.analysis import analyse
from engine_edge.check.inspect import eye_openness
from engine_edge.check.report import DEFAULT_LIMITS
from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.render import Renderer
from engine_edge.rig import build_rig


def _small_print(astronaut: np.ndarray, share: float) -> np.ndarray:
    """The photo at ``share`` of its size in the top left of a print, rendered at 1080 px."""
    small = cv2.resize(astronaut, None, fx=share, fy=share, interpolation=cv2.INTER_AREA)
    pad = astronaut.shape[0] - small.shape[0]
    canvas = cv2.copyMakeBorder(small, 0, pad, 0, pad, cv2.BORDER_REPLICATE)
    return cv2.resize(canvas, (1080, 1080), interpolation=cv2.INTER_CUBIC)


def test_a_face_43_px_across_blinks(astronaut, models) -> None:  # type: ignore[no-untyped-def]
    image = _small_print(astronaut, 0.22)
    analysis = analyse(image, models)
    rig = build_rig(analysis)
    face = rig.faces[0]
    assert 40 <= face.width_px < 48, face.width_px
    assert {"blink", "breath", "head"} <= face.abilities
    assert not {"speech", "smile", "gaze"} & face.abilities  # too few pixels to read
    assert "blinks, breathes and turns a little" in rig.warnings[0]

    renderer = Renderer(image, rig, analysis.person_mask)
    opening = [
        float(
            np.mean(
                eye_openness(
                    analyse(
                        renderer.render(
                            FrameParams((FaceParams(lid_left=lid, lid_right=lid),), CameraParams())
                        ),
                        models,
                    )
                    .faces[0]
                    .landmarks
                )
            )
        )
        for lid in (0.0, 1.0)
    ]
    # Shut as the self-check counts a blink shut (0.27 of open); 48 px was the limit before.
    assert opening[1] < DEFAULT_LIMITS.blink_closed_ratio * opening[0], opening


def test_a_smaller_face_only_breathes(astronaut, models) -> None:  # type: ignore[no-untyped-def]
    rig = build_rig(analyse(_small_print(astronaut, 0.18), models))
    assert rig.faces[0].width_px < 40, rig.faces[0].width_px
    assert rig.faces[0].abilities == {"breath", "camera"}
    assert "only breathes" in rig.warnings[0]

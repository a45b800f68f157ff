"""A black-and-white print is rendered and coded as one grey plane, with the same pixels.

Its frames used to be made three-channel (GRAY2RGB) and converted back to luma for the
encoder; they now stay one plane from the renderer to the encoder's frame. These tests
compare the one-plane path with the three-channel path on real photos (scikit-image's).
"""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest

import engine_edge.render as render_module
from engine_edge.analysis import analyse
from engine_edge.deliver import Label, LabelSettings, _video_frame
from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo
from engine_edge.render import Renderer, as_rgb
from engine_edge.rig import build_rig


@pytest.fixture(scope="module")
def grey_print(astronaut) -> np.ndarray:  # type: ignore[no-untyped-def]
    grey = cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)


@pytest.fixture(scope="module")
def grey_analysis(grey_print, models):  # type: ignore[no-untyped-def]
    return analyse(grey_print, models)


def test_a_grey_print_renders_one_plane_with_the_pixels_of_three(
    grey_print, grey_analysis, monkeypatch
) -> None:
    rig = build_rig(grey_analysis)
    one = Renderer(grey_print, rig, grey_analysis.person_mask)
    with monkeypatch.context() as patch:  # the three-channel path, as a colour photo takes
        patch.setattr(render_module, "_is_grey", lambda rgb: False)
        three = Renderer(grey_print, rig, grey_analysis.person_mask)
    assert one.grey and not three.grey
    frames = [
        (FaceParams(), CameraParams()),
        (FaceParams(yaw_deg=1.2, lid_left=0.6, lid_right=1.0, jaw_open=0.5), CameraParams()),
        (
            FaceParams(pitch_deg=-1.0, lid_left=1.0, lid_right=1.0, smile=0.5, jaw_open=0.3),
            CameraParams(zoom=1.03, pan_x=0.01),
        ),
    ]
    for face, camera in frames:
        params = FrameParams((face,), camera)
        plane = one.render_grey_or_rgb(params)
        assert plane.ndim == 2  # painted lids and mouth stay grey on a grey print
        np.testing.assert_array_equal(
            cv2.cvtColor(plane, cv2.COLOR_GRAY2RGB), three.render_grey_or_rgb(params)
        )
        np.testing.assert_array_equal(one.render(params), three.render(params))


def test_a_grey_plane_is_coded_and_labelled_as_its_rgb_frame() -> None:
    from skimage import data

    plane = np.ascontiguousarray(data.camera()[:, :510])  # sides not a multiple of 32
    rgb = cv2.cvtColor(plane, cv2.COLOR_GRAY2RGB)
    np.testing.assert_array_equal(
        _video_frame(av, plane).to_ndarray(), _video_frame(av, rgb).to_ndarray()
    )
    label = Label((510, 512), LabelSettings())
    np.testing.assert_array_equal(label.apply(plane.copy()), label.apply(rgb.copy())[..., 0])


@pytest.mark.slow
@pytest.mark.parametrize("short_side_px", [240, 600])  # rendered at its size / scaled up
def test_a_grey_prints_clip_is_coded_from_the_frames_of_its_rgb_render(
    grey_print, grey_analysis, models, monkeypatch, short_side_px
) -> None:
    """Placed on its fill, labelled and captioned (and scaled up): the encoder gets the
    same yuv420p frames as from the three-channel render."""
    coded: list[np.ndarray] = []
    handed: list[int] = []  # 2: a grey plane, 3: RGB

    def keep(av_module, frame):  # type: ignore[no-untyped-def]
        video = _video_frame(av_module, frame)
        coded.append(video.to_ndarray())
        handed.append(frame.ndim)
        return video

    monkeypatch.setattr("engine_edge.deliver._video_frame", keep)
    options = AnimateOptions(
        seconds=1.0,
        format="landscape",
        caption="Ruth Miller, 1931-2024",
        self_check=False,
        engine=EngineSettings(max_short_side_px=short_side_px),
    )
    grey = animate_photo(grey_print, options, models, analysis=grey_analysis)
    one_plane, coded[:] = list(coded), []
    # Scaled up (in RGB) the frames are three-channel; at its size a grey plane until the
    # caption fades in.
    assert (2 in handed) == (short_side_px == 240), handed
    one_plane_render = Renderer.render_grey_or_rgb
    monkeypatch.setattr(
        Renderer, "render_grey_or_rgb", lambda self, params: as_rgb(one_plane_render(self, params))
    )
    monkeypatch.setattr(render_module, "grey_plane", lambda image: image)
    rgb = animate_photo(grey_print, options, models, analysis=grey_analysis)
    assert grey.frame_count == rgb.frame_count == len(coded) == len(one_plane)
    for a, b in zip(one_plane, coded, strict=True):
        np.testing.assert_array_equal(a, b)

"""The rig: a mesh over the whole photo that never folds, anchored where things must stay."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine_edge.face import Analysis, HeadPose
from engine_edge.perform import CameraParams, FaceParams, FrameParams, perform
from engine_edge.rig import build_rig, deform, signed_areas, smooth_displacement

EXTREMES = [
    FaceParams(lid_left=1.0, lid_right=1.0, smile=1.0, yaw_deg=4.0, pitch_deg=-4.0, roll_deg=3.0),
    FaceParams(jaw_open=1.0, teeth_show=1.0, lip_width=1.0, breath=1.0, breath_px_per_face_h=0.02),
    FaceParams(jaw_open=0.7, lip_round=1.0, upper_lip_raise=1.0, brows=1.0, yaw_deg=-4.0),
    FaceParams(lid_left=0.5, lid_right=1.0, gaze_x=0.1, smile=0.6, pitch_deg=4.0, roll_deg=-3.0),
]


def _assert_no_fold(rig, params: FrameParams) -> None:  # type: ignore[no-untyped-def]
    rest = signed_areas(rig.vertices, rig.triangles)
    moved = signed_areas(deform(rig, params), rig.triangles)
    assert np.all(rest > 0)
    # every triangle keeps its orientation (a lid closed to a line may reach zero area, never flip)
    assert np.all(moved > -1e-6), np.sort(moved)[:5]


@pytest.mark.parametrize("face", EXTREMES)
def test_no_triangle_folds_even_at_the_extremes(astronaut_analysis: Analysis, face) -> None:  # type: ignore[no-untyped-def]
    rig = build_rig(astronaut_analysis)
    _assert_no_fold(rig, FrameParams((face,), CameraParams(zoom=1.04, pan_x=0.01, parallax=1.0)))


def test_no_fold_through_whole_performances(astronaut_analysis: Analysis) -> None:
    rig = build_rig(astronaut_analysis)
    for preset in ("memorial", "birthday", "social"):
        p = perform(1, preset=preset, frame_count=180, seed=11)
        for i in range(0, 180, 3):
            _assert_no_fold(rig, p.frame(i))


def test_group_photo_rig_keeps_each_face_its_own(group_analysis: Analysis) -> None:
    rig = build_rig(group_analysis)
    assert len(rig.faces) == len(group_analysis.animatable_faces) >= 3
    turn = [FaceParams() for _ in rig.faces]
    turn[0] = FaceParams(yaw_deg=3.0, pitch_deg=2.0)
    d = smooth_displacement(rig, FrameParams(tuple(turn), CameraParams()))
    n = 478
    first = np.abs(d[:n]).max()
    others = np.abs(d[n : n * len(rig.faces)]).max()
    assert first > 0.5 and others < 1e-9  # turning one head leaves the other faces still
    for face in EXTREMES:
        _assert_no_fold(rig, FrameParams(tuple(face for _ in rig.faces), CameraParams()))


def test_photo_edges_and_background_stay_put(astronaut_analysis: Analysis) -> None:
    rig = build_rig(astronaut_analysis)
    w, h = rig.size
    v = rig.vertices
    border = (v[:, 0] <= 0) | (v[:, 1] <= 0) | (v[:, 0] >= w - 1) | (v[:, 1] >= h - 1)
    assert border.sum() >= 16
    params = FrameParams(EXTREMES[:1], CameraParams())
    d = smooth_displacement(rig, params)
    assert np.abs(d[border]).max() < 1e-6
    background = rig.nearness < 0.01
    assert np.abs(d[background]).max() < 0.05  # px: invisible
    assert np.abs(d[:468]).max() > 1.0  # while the face does move


def test_mesh_for_the_kiosk_covers_the_photo(astronaut_analysis: Analysis) -> None:
    rig = build_rig(astronaut_analysis)
    uv = rig.uv
    assert uv.min() >= -0.01 and uv.max() <= 1.01
    assert rig.triangles.dtype == np.int32 and rig.triangles.max() < rig.vertices.shape[0]
    area = signed_areas(rig.vertices, rig.triangles).sum()
    w, h = rig.size
    assert area == pytest.approx((w + 1) * (h + 1), rel=0.01)  # no holes, no overlaps
    still = deform(rig, FrameParams((FaceParams(),), CameraParams()))
    assert np.allclose(still, rig.vertices, atol=1e-3)


def test_hard_faces_get_a_believable_subset_with_a_warning(astronaut_analysis: Analysis) -> None:
    face = astronaut_analysis.faces[0]
    profile = dataclasses.replace(face, pose=HeadPose(75.0, 0.0, 0.0))
    shifted = face.landmarks.copy()
    shifted[:, 0] -= face.box[0] + 0.3 * face.width_px  # a third of the face off the left edge
    cut = dataclasses.replace(face, landmarks=shifted)
    for odd, missing in ((profile, {"blink", "speech", "smile"}), (cut, {"head"})):
        analysis = dataclasses.replace(astronaut_analysis, faces=(odd,))
        rig = build_rig(analysis)
        assert not (missing & rig.faces[0].abilities)
        assert rig.warnings and "Face 1" in rig.warnings[0]


def test_no_face_means_camera_only_with_a_warning(astronaut_analysis: Analysis) -> None:
    empty = dataclasses.replace(astronaut_analysis, faces=())
    rig = build_rig(empty)
    assert rig.faces == () and "camera" in rig.warnings[0]
    _ = deform(rig, FrameParams((), CameraParams(zoom=1.03)))

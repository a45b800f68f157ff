"""Real inference on real photos: the astronaut portrait and transformed copies of it."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.analysis import analyse
from engine_edge.analysis.topology import MESH_TRIANGLES
from engine_edge.errors import NoFaceFound
from engine_edge.face import LANDMARK_COUNT


def test_astronaut_has_one_face_with_478_landmarks(astronaut_analysis):
    a = astronaut_analysis
    assert a.image_size == (512, 512)
    assert len(a.faces) == 1
    face = a.faces[0]
    assert face.landmarks.shape == (LANDMARK_COUNT, 3)
    assert face.landmarks.dtype == np.float32
    # the face is in the upper middle of the portrait
    x0, y0, x1, y1 = face.box
    assert 150 < x0 < x1 < 300 and 50 < y0 < y1 < 200
    assert not face.too_small


def test_features_are_where_a_face_has_them(astronaut_analysis):
    lm = astronaut_analysis.faces[0].landmarks
    right_eye, left_eye, nose, chin = lm[33], lm[263], lm[1], lm[152]
    mouth = (lm[61] + lm[291]) / 2
    assert right_eye[0] < nose[0] < left_eye[0]  # person's right eye on the image's left
    assert max(right_eye[1], left_eye[1]) < nose[1] < mouth[1] < chin[1]
    # irises sit between their eye corners
    for centre, (a, b) in ((468, (33, 133)), (473, (362, 263))):
        assert lm[a, 0] < lm[centre, 0] < lm[b, 0]


def test_pose_of_a_frontal_portrait_is_small(astronaut_analysis):
    pose = astronaut_analysis.faces[0].pose
    assert abs(pose.yaw_deg) < 5 and abs(pose.roll_deg) < 6 and abs(pose.pitch_deg) < 5


def test_pose_follows_a_turned_head(ov_fp32):
    from skimage import data

    # the photographer in scikit-image's camera() looks through the camera, well to one side
    result = analyse(np.repeat(data.camera()[..., None], 3, axis=2), ov_fp32)
    assert result.faces and abs(result.faces[0].pose.yaw_deg) > 25


def test_person_mask_covers_the_person_not_the_background(astronaut_analysis):
    mask = astronaut_analysis.person_mask
    assert mask.shape == (512, 512) and mask.dtype == np.float32
    face = astronaut_analysis.faces[0]
    cx, cy = (face.box[0] + face.box[2]) / 2, (face.box[1] + face.box[3]) / 2
    assert mask[int(cy), int(cx)] > 0.9
    assert mask[10:60, 400:500].mean() < 0.2  # the flag and wall behind, top right


@pytest.mark.parametrize("angle_deg", [-45, -30, 30, 45])
def test_rotated_faces_are_found_and_roll_follows(
    astronaut, ov_fp32, astronaut_analysis, angle_deg
):
    import cv2

    m = cv2.getRotationMatrix2D((224, 125), angle_deg, 1.0)
    rotated = cv2.warpAffine(astronaut, m, (512, 512), borderMode=cv2.BORDER_REFLECT)
    result = analyse(rotated, ov_fp32)
    assert result.faces, f"no face at {angle_deg} degrees"
    face = result.faces[0]
    base = astronaut_analysis.faces[0]
    expected = np.c_[base.landmarks[:468, :2], np.ones(468)] @ m.T
    err = np.linalg.norm(face.landmarks[:468, :2] - expected, axis=1).mean()
    assert err / base.interocular_px < 0.05
    # cv2 rotates counter-clockwise on screen for positive angles
    assert abs(face.pose.roll_deg - (base.pose.roll_deg + angle_deg)) < 6


def test_blank_image_has_no_face_and_says_what_was_tried(ov_fp32):
    blank = np.full((300, 400, 3), 200, np.uint8)
    assert analyse(blank, ov_fp32).faces == ()
    with pytest.raises(NoFaceFound, match="Searched: whole image"):
        analyse(blank, ov_fp32, require_face=True)


def test_mesh_triangles_cover_the_468_points():
    assert MESH_TRIANGLES.shape == (852, 3)
    assert set(np.unique(MESH_TRIANGLES)) == set(range(468))


def test_pose_of_synthetic_rotations_is_recovered():
    """Rotate the canonical basis by known angles; the fit must read them back."""
    from scipy.spatial.transform import Rotation

    from engine_edge.analysis import pose

    for yaw, pitch, roll in ((20, 0, 0), (0, 15, 0), (0, 0, -25), (30, -10, 12)):
        # R = Rz(roll) · Ry(yaw) · Rx(pitch_down) in the y-up frame; pitch_deg > 0 is chin up
        r = Rotation.from_euler("ZYX", [roll, yaw, -pitch], degrees=True).as_matrix()
        canon = pose.CANONICAL_POINTS @ r.T * 20 + np.array([300.0, -200.0, 0.0])
        landmarks = np.zeros((478, 3))
        landmarks[pose.BASIS_IDS] = canon * np.array([1.0, -1.0, -1.0 / pose.DEPTH_SCALE])
        got = pose.head_pose(landmarks)
        assert got.yaw_deg == pytest.approx(yaw, abs=0.01)
        assert got.pitch_deg == pytest.approx(pitch, abs=0.01)
        assert got.roll_deg == pytest.approx(roll, abs=0.01)

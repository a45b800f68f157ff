"""Group photos: every face down to ~30 px is found; smaller ones are reported, not dropped."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.analysis import analyse
from engine_edge.errors import NoFaceFound

# (x, y, scale) of astronaut head crops on a 1600x1000 canvas; the last is ~20 px wide
SPOTS = [
    (100, 150, 0.5),
    (450, 120, 0.45),
    (800, 180, 0.55),
    (1150, 140, 0.5),
    (250, 600, 0.42),
    (650, 620, 0.6),
    (1050, 600, 0.48),
    (1400, 700, 0.2),
]


def group_photo(astronaut: np.ndarray) -> np.ndarray:
    import cv2

    head = astronaut[40:240, 130:320]
    canvas = np.empty((1000, 1600, 3), np.uint8)
    canvas[:] = np.linspace(90, 160, 1600, dtype=np.uint8)[None, :, None]
    for x, y, s in SPOTS:
        small = cv2.resize(head, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        canvas[y : y + small.shape[0], x : x + small.shape[1]] = small
    return canvas


@pytest.fixture(scope="module")
def group_analysis(astronaut, ov_fp32):
    return analyse(group_photo(astronaut), ov_fp32)


def test_every_face_in_a_group_is_found(group_analysis):
    faces = group_analysis.faces
    assert len(faces) == len(SPOTS)
    for x, y, s in SPOTS:
        # the face sits at about (95, 85) of the crop, scaled
        cx, cy = x + 95 * s, y + 85 * s
        assert any(f.box[0] <= cx <= f.box[2] and f.box[1] <= cy <= f.box[3] for f in faces)


def test_faces_under_30px_are_reported_too_small(group_analysis):
    small = [f for f in group_analysis.faces if f.too_small]
    assert len(small) == 1 and small[0].width_px < 30
    assert len(group_analysis.animatable_faces) == len(SPOTS) - 1
    assert all(f.width_px >= 30 for f in group_analysis.animatable_faces)


def test_only_tiny_faces_raise_no_face_with_sizes(astronaut, ov_fp32):
    import cv2

    canvas = np.full((900, 1200, 3), 128, np.uint8)
    head = cv2.resize(
        astronaut[40:240, 130:320], None, fx=0.2, fy=0.2, interpolation=cv2.INTER_AREA
    )
    canvas[400 : 400 + head.shape[0], 500 : 500 + head.shape[1]] = head
    with pytest.raises(NoFaceFound, match=r"too small to animate.*tiles"):
        analyse(canvas, ov_fp32, require_face=True)


def test_group_photos_from_shared_data(shared_data, ov_fp32):
    from engine_edge.image_io import load_image

    result = analyse(load_image(shared_data / "photos" / "dlib_2007_007763.jpg"), ov_fp32)
    # a family of seven at a table; MediaPipe's own pipeline finds none of them
    assert len(result.faces) >= 7
    no_face = analyse(load_image(shared_data / "photos" / "pet_dog_no_human_face.jpg"), ov_fp32)
    assert no_face.faces == ()


def test_mid_size_faces_in_a_large_photo(astronaut, ov_fp32):
    """Faces of 90-150 px in a 2400 px photo: too small for the whole-image pass at 192 px."""
    import cv2

    head = astronaut[40:240, 130:320]
    canvas = np.empty((1600, 2400, 3), np.uint8)
    canvas[:] = np.linspace(80, 170, 2400, dtype=np.uint8)[None, :, None]
    spots = [
        (100, 100, 1.3),
        (700, 150, 1.1),
        (1300, 120, 1.5),
        (1900, 200, 1.2),
        (300, 900, 1.4),
        (1000, 950, 1.0),
        (1700, 900, 1.6),
    ]
    for x, y, s in spots:
        small = cv2.resize(head, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        canvas[y : y + small.shape[0], x : x + small.shape[1]] = small
    faces = analyse(canvas, ov_fp32).faces
    assert len(faces) == len(spots)
    assert all(85 < f.width_px < 160 and not f.too_small for f in faces)

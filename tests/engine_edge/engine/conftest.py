"""Fixtures for the engine's tests: the real analysis models and real photos, analysed once."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.face import Analysis


@pytest.fixture(scope="session")
def models():  # type: ignore[no-untyped-def]
    from engine_edge.analysis import load_models

    return load_models()


@pytest.fixture(scope="session")
def astronaut_analysis(astronaut: np.ndarray, models) -> Analysis:  # type: ignore[no-untyped-def]
    from engine_edge.analysis import analyse

    return analyse(astronaut, models)


@pytest.fixture(scope="session")
def group_photo(shared_data) -> np.ndarray:  # type: ignore[no-untyped-def]
    from engine_edge.image_io import load_image

    return load_image(shared_data / "photos" / "dlib_2008_001322.jpg")


@pytest.fixture(scope="session")
def group_analysis(group_photo: np.ndarray, models) -> Analysis:  # type: ignore[no-untyped-def]
    from engine_edge.analysis import analyse

    return analyse(group_photo, models)


def eye_opening(landmarks: np.ndarray) -> float:
    """Mean lid gap of both eyes over their widths (the usual eye aspect ratio)."""
    from engine_edge.analysis import topology as topo

    total = 0.0
    for upper, lower, a, b in (
        (topo.RIGHT_EYE_UPPER_LID, topo.RIGHT_EYE_LOWER_LID, 33, 133),
        (topo.LEFT_EYE_UPPER_LID, topo.LEFT_EYE_LOWER_LID, 263, 362),
    ):
        gap = np.linalg.norm(
            landmarks[list(upper[2:-2]), :2] - landmarks[list(lower[2:-2]), :2], axis=1
        )
        total += float(np.mean(gap)) / float(np.linalg.norm(landmarks[a, :2] - landmarks[b, :2]))
    return total / 2.0


def lip_gap(landmarks: np.ndarray) -> float:
    """Inner-lip opening over mouth width."""
    from engine_edge.analysis import topology as topo

    gap = np.linalg.norm(
        landmarks[list(topo.LIPS_INNER_UPPER[3:-3]), :2]
        - landmarks[list(topo.LIPS_INNER_LOWER[3:-3]), :2],
        axis=1,
    )
    width = np.linalg.norm(landmarks[61, :2] - landmarks[291, :2])
    return float(np.mean(gap) / width)


def rig_of(face):  # type: ignore[no-untyped-def]
    """What eye_features reads of a face's rig: its landmarks (and a cache key)."""

    class _Face:
        landmarks = face.landmarks
        index = 0

    return _Face()


def staged_renderer(path, models):  # type: ignore[no-untyped-def]
    """The renderer for the photo at ``path`` as the pipeline stages it (original framing,
    its largest face animated): what the tests of one photo's lids render."""
    from engine_edge.analysis import analyse
    from engine_edge.deliver import plan_framing
    from engine_edge.image_io import load_image
    from engine_edge.pipeline import reframe
    from engine_edge.render import Renderer
    from engine_edge.rig import build_rig

    image = load_image(path)
    analysis = analyse(image, models)
    faces = [f.box for f in analysis.faces if not f.too_small]
    photo, local = reframe(image, analysis, plan_framing(analysis.image_size, faces, "original"))
    return Renderer(photo, build_rig(local, "largest"), local.person_mask)


@pytest.fixture(scope="session")
def shared_eyes(shared_data, models) -> list:  # type: ignore[no-untyped-def, type-arg]
    """(photo name, photo, the face mesh's eye) for each eye of every face large enough to
    animate on the shared photos (analysed once for the tests that look at them all)."""
    from engine_edge.analysis import analyse
    from engine_edge.image_io import load_image
    from engine_edge.render.features import eye_features

    found = []
    for path in sorted((shared_data / "photos").iterdir()):
        image = load_image(path)
        for face in analyse(image, models).faces:
            if not face.too_small:
                found += [(path.stem, image, eye) for eye in eye_features(rig_of(face))]
    return found

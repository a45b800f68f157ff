"""A border as alike the table as paper can be, its outer edge found along one side only:
the outline on the paper's edge there and on the picture's along the three others is
pulled in to the photo alone (seeds 4500002 and 4500100, a white border on a light table
and a black one on a dark cloth: 0.72 and 0.57 of the ideal's SSIM before)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine_edge.scan.border_side import lone_border_side, picture_outline
from engine_edge.scan.detect import DEFAULT_SETTINGS
from engine_edge.scan.edge_fit import Fit, refine_once
from engine_edge.scan.paper_table import TableView
from engine_edge.scan.synthetic import Scene, SceneSpec, render_print_scene

BORDER_PX = 22
BORDERS = {"light": (248, 247, 244), "dark": (23, 25, 23)}


def _scene(photo: np.ndarray, table: str) -> Scene:
    spec = SceneSpec(
        table=table,
        border_px=BORDER_PX,
        border_rgb=BORDERS[table],
        roll_deg=20,
        frame_size=(1600, 1200),
        seed=3,
    )
    return render_print_scene(photo, spec)


def _in_frame(scene: Scene, print_points: list[list[float]]) -> np.ndarray:
    """Points of the print (its own pixels) where the frame shows them."""
    ph, pw = scene.print_image.shape[:2]
    paper = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    to_frame = cv2.getPerspectiveTransform(paper, scene.corners.astype(np.float32))
    points = np.array(print_points, np.float32)[None]
    return cv2.perspectiveTransform(points, to_frame)[0].astype(np.float64)


def _photo_and_mixed(scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """The photo's corners inside the border, and the outline with its top on the paper's
    edge and its other three sides on the photo's."""
    ph, pw = scene.print_image.shape[:2]
    b = BORDER_PX
    photo = _in_frame(scene, [[b, b], [pw - b, b], [pw - b, ph - b], [b, ph - b]])
    mixed = _in_frame(scene, [[b, 0], [pw - b, 0], [pw - b, ph - b], [b, ph - b]])
    return photo, mixed


def _view(frame: np.ndarray) -> tuple[TableView, float]:
    h, w = frame.shape[:2]
    scale = min(1.0, DEFAULT_SETTINGS.work_px / max(w, h))
    small = cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    return TableView(cv2.cvtColor(small, cv2.COLOR_RGB2Lab)), scale


def _fit(frame: np.ndarray, corners: np.ndarray) -> Fit:
    fit = refine_once(frame, corners, 6.0)
    assert fit is not None
    return fit


@pytest.mark.parametrize("name", ["astronaut", "coffee"])
@pytest.mark.parametrize("table", ["light", "dark"])
def test_one_side_on_the_papers_edge_moves_in_to_the_photo(photos, name, table):
    scene = _scene(photos[name], table)
    photo, mixed = _photo_and_mixed(scene)
    fit = _fit(scene.frame, mixed)
    # The mixed outline holds on its own: every side on an edge, a border's width off.
    assert fit.support >= DEFAULT_SETTINGS.min_support
    assert np.linalg.norm(fit.corners - photo, axis=1).max() > 30
    view, scale = _view(scene.frame)
    assert lone_border_side(view, fit.corners * scale) == 0
    pulled = picture_outline(scene.frame, view, fit, scale, DEFAULT_SETTINGS)
    assert pulled is not None
    assert np.linalg.norm(pulled.corners - photo, axis=1).max() < 1.5


@pytest.mark.parametrize("table", ["light", "dark"])
def test_outlines_all_on_one_edge_are_left_alone(photos, table):
    scene = _scene(photos["astronaut"], table)
    photo, _ = _photo_and_mixed(scene)
    view, scale = _view(scene.frame)
    for corners in (scene.corners, photo):
        fit = _fit(scene.frame, corners)
        assert lone_border_side(view, fit.corners * scale) is None
        assert picture_outline(scene.frame, view, fit, scale, DEFAULT_SETTINGS) is None


@pytest.mark.parametrize(
    ("photo", "kind", "seed"),
    [
        ("dlib_2009_004587.jpg", "light_border", 4500002),
        ("liveportrait_s5.jpg", "black_border", 4500100),
    ],
)
def test_a_border_found_along_one_side_is_not_cropped_along_it(shared_data, photo, kind, seed):
    """The two scenes: the photo alone, or refused (4500100's black border on a dark cloth
    has an edge contrast of 5, under which "unclear" is a true hint); never the outline
    with a strip of border along its top."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene
    from engine_edge.scan.session import ScanSettings

    labelled = sample_scene(load_image(shared_data / "photos" / photo), kind, seed)
    outcome = judge(labelled, ScanSettings())
    assert outcome.verdict in ("ok", "refused_true"), outcome

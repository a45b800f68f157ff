"""A print's side fitted onto a line through its picture (a fold of drapery, a dark band's
edge) while the other three lie on the print's edge: the weak side goes back to the edge
(seed 4200045, a painting's bottom side on a fold of the white dress, 90 px of the picture
cut off at one corner)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from engine_edge.scan.detect import DEFAULT_SETTINGS, detect_print_quad
from engine_edge.scan.edge_fit import fine_reach_px, refine_once
from engine_edge.scan.synthetic import SceneSpec, render_print_scene
from engine_edge.scan.weak_side import faint_side_squared, square_outline, weak_side_outline

if TYPE_CHECKING:
    from pathlib import Path

    from engine_edge.scan.evaluate import Outcome
    from engine_edge.scan.scene_set import LabelledScene

SPEC = SceneSpec(table="wood", roll_deg=12, tilt_x_deg=10, tilt_y_deg=-6, seed=21)


def _folded(picture: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``picture`` darkened below a slanted line across its lower part over half its width
    (a fold's shadow, fading out), and that line's two ends at the picture's sides (x, y)."""
    h, w = picture.shape[:2]
    ends = np.array([[0.0, 0.8 * h], [w - 1.0, 0.94 * h]])
    ys, xs = np.mgrid[0:h, 0:w]
    below = (ys > ends[0, 1] + (ends[1, 1] - ends[0, 1]) * xs / (w - 1.0)) & (xs < 0.55 * w)
    folded = picture.copy()
    folded[below] = (folded[below] * 0.45).astype(np.uint8)
    return folded, ends


def _fold_outline(scene_corners: np.ndarray, size: tuple[int, int], ends: np.ndarray) -> np.ndarray:
    """The outline with its bottom side on the fold: the print's top two corners and the
    fold's ends, through the print's own homography."""
    w, h = size
    square = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    to_frame = cv2.getPerspectiveTransform(square, scene_corners.astype(np.float32))
    fold = cv2.perspectiveTransform(ends[None].astype(np.float32), to_frame)[0]
    return np.array([scene_corners[0], scene_corners[1], fold[1], fold[0]], np.float64)


def _judged(shared_data: Path, name: str, kind: str, seed: int) -> tuple[LabelledScene, Outcome]:
    """Scene ``seed`` of the shared photo ``name``, and how its scan went."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), kind, seed)
    return labelled, judge(labelled)


def _worst_corner(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.linalg.norm(found - truth, axis=1).max())


def test_a_side_on_a_fold_through_the_picture_moves_to_the_prints_edge(photos):
    picture, ends = _folded(photos["astronaut"])
    scene = render_print_scene(picture, SPEC)
    size = (picture.shape[1], picture.shape[0])
    on_fold = refine_once(scene.frame, _fold_outline(scene.corners, size, ends), 6.0)
    assert on_fold is not None
    assert on_fold.side_supports[2] < 0.75
    # The fold holds the outline on its own: its side is on an edge, the cut corners far off.
    assert _worst_corner(on_fold.corners, scene.corners) > 40
    moved = weak_side_outline(scene.frame, on_fold, DEFAULT_SETTINGS)
    assert moved is not None
    assert _worst_corner(moved.corners, scene.corners) < 3.0
    assert min(moved.side_supports) > 0.9


def test_an_outline_on_the_prints_edge_is_left_alone(photos):
    picture, _ = _folded(photos["astronaut"])
    scene = render_print_scene(picture, SPEC)
    found = detect_print_quad(scene.frame)
    assert found.corners is not None
    assert _worst_corner(found.corners, scene.corners) < 3.0
    fit = refine_once(scene.frame, found.corners, fine_reach_px(scene.frame))
    assert fit is not None
    assert weak_side_outline(scene.frame, fit, DEFAULT_SETTINGS) is None


def test_a_side_on_a_pictures_line_off_square_goes_back_to_the_prints_edge(shared_data):
    # Seed 4200027: the dog picture's pale band along its top thins to nothing at one
    # corner; its lower edge (a dark band below it) held the top side, 20 px inside the
    # print's gravel edge at the far corner, more of it on a step (0.85) than the paper's
    # edge (0.81). Only the lens says it was wrong: the outline 2.0° off square.
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge, outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    dog = load_image(shared_data / "photos" / "pet_dog_no_human_face.jpg")
    labelled = sample_scene(dog, "plain", 4200027)
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome
    assert outcome.corner_error is not None
    assert outcome.corner_error <= outline_tolerance(labelled)


def test_a_side_a_few_pixels_off_square_at_one_corner_goes_back_to_the_edge(shared_data):
    # Seed 3700004: a darkened portrait (s3) on a dark table, its left side 4 px out at one
    # corner (0.0054 of the diagonal, a bare print's tolerance 0.005), 1.07° off square;
    # re-placed square on the print's edge it reads 0.54°, as the prints' own outlines do.
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s3.jpg")
    labelled = sample_scene(photo, "dark", 3700004)
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


def test_a_square_outline_is_left_alone(photos):
    scene = render_print_scene(photos["astronaut"], SPEC)
    found = detect_print_quad(scene.frame)
    assert found.corners is not None
    fit = refine_once(scene.frame, found.corners, fine_reach_px(scene.frame))
    assert fit is not None
    assert square_outline(scene.frame, fit, DEFAULT_SETTINGS) is None


def test_a_last_resorts_outline_on_a_fold_goes_square_to_the_edge(shared_data):
    # Seed 4600045: a portrait (s8) on wood, found only by a last resort, its bottom side on
    # a fold of the white dress (0.76 on a step, over the weak-side search's 0.75; the
    # print's edge 0.71), 5.3° off square, 0.479 of the ideal. The square search now looks
    # at last resorts' outlines too, and picks among places that stay square once fitted.
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s8.jpg")
    labelled = sample_scene(photo, "plain", 4600045)
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


def test_a_weak_side_moves_to_the_edge_when_a_neighbour_is_faint_too(shared_data):
    # Seed 4800091: a black border on a dark table at an edge contrast of 4.8, outlined on the
    # picture; its right side on the inner edge of a dark band inside the picture (16 px in
    # at the top, 0.51 on a step), its top only 0.68 along the picture's dark background, so
    # the three-firm-sides rule never looked. Square on the picture's edge the side holds 1.0.
    _, outcome = _judged(shared_data, "sadtalker_art_9.png", "black_border", 4800091)
    assert outcome.verdict == "ok", outcome


def test_a_faint_side_off_square_is_turned_square_about_its_middle(shared_data):
    # Seed 4900097: a phone view of a print whose dark bottom lies on dark brick, 0.43 of
    # that side on a step; it was fitted 7 px in at one corner and 3 px out at the other
    # (0.0065 of the diagonal, a bare print's tolerance 0.005), the outline 0.68° off square.
    from engine_edge.scan.evaluate import outline_tolerance

    labelled, outcome = _judged(shared_data, "dlib_2009_004587.jpg", "phone", 4900097)
    assert outcome.corner_error is not None, outcome
    assert outcome.corner_error <= outline_tolerance(labelled), outcome


def test_an_outline_with_firm_sides_is_not_turned(photos):
    scene = render_print_scene(photos["astronaut"], SPEC)
    fit = refine_once(scene.frame, scene.corners, fine_reach_px(scene.frame))
    assert fit is not None
    assert min(fit.side_supports) > 0.55
    assert faint_side_squared(scene.frame, fit, DEFAULT_SETTINGS) is None

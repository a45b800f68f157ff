"""The evaluation set: real photos placed as prints on tables, seen through a pinhole camera.

Clean cases must be found to within 1 % of the print's diagonal and rectify to the original
(SSIM >= 0.85); hard cases must be either as accurate or refused with a hint, never a silently
wrong crop; bad input must produce the right hint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np
import pytest
from skimage.metrics import structural_similarity

from engine_edge.scan import geometry
from engine_edge.scan.capture import capture_print
from engine_edge.scan.detect import Hint, detect_print_quad
from engine_edge.scan.synthetic import (
    TABLES,
    SceneSpec,
    render_print_scene,
    render_two_prints,
    screen_image,
    table_texture,
)

if TYPE_CHECKING:
    from pathlib import Path

    from engine_edge.scan.scene_set import LabelledScene

CLEAN = [
    ("astronaut", SceneSpec(table="wood", roll_deg=5, tilt_x_deg=10, tilt_y_deg=-6, seed=1)),
    ("coffee", SceneSpec(table="dark", roll_deg=-12, tilt_x_deg=-8, tilt_y_deg=9, seed=2)),
    ("chelsea", SceneSpec(table="cloth", roll_deg=8, tilt_x_deg=14, tilt_y_deg=3, seed=3)),
    ("camera", SceneSpec(table="brick", roll_deg=-3, tilt_x_deg=6, tilt_y_deg=-12, seed=4)),
    ("rocket", SceneSpec(table="gravel", roll_deg=15, tilt_x_deg=-12, tilt_y_deg=-4, seed=5)),
    ("astronaut", SceneSpec(table="grass", roll_deg=-20, tilt_x_deg=5, tilt_y_deg=8, seed=6)),
    ("coffee", SceneSpec(table="wood", roll_deg=2, tilt_x_deg=18, print_share=0.25, seed=7)),
    ("chelsea", SceneSpec(table="dark", roll_deg=-6, tilt_y_deg=15, noise_sigma=2, seed=8)),
    ("camera", SceneSpec(table="cloth", roll_deg=30, tilt_x_deg=-5, jpeg_quality=90, seed=9)),
    ("coffee", SceneSpec(table="light", border_px=0, roll_deg=-4, tilt_x_deg=8, seed=10)),
    # A white-bordered print in a 640x480 preview (what the soak benchmark scans).
    ("astronaut", SceneSpec(frame_size=(640, 480), print_share=0.5, border_px=12, seed=0)),
    ("chelsea", SceneSpec(table="light", border_px=20, roll_deg=6, tilt_x_deg=-9, seed=11)),
]

HARD = [
    ("astronaut", SceneSpec(table="wood", light_gradient=0.45, seed=11)),
    ("coffee", SceneSpec(table="gravel", glare_spots=2, seed=12)),
    ("chelsea", SceneSpec(table="brick", noise_sigma=7, jpeg_quality=55, seed=13)),
    ("camera", SceneSpec(table="wood", blur_sigma_px=2.0, seed=14)),
    ("rocket", SceneSpec(table="dark", light_gradient=0.3, noise_sigma=4, seed=15)),
    ("astronaut", SceneSpec(table="light", border_px=24, seed=16)),
    ("coffee", SceneSpec(table="cloth", border_px=16, tilt_x_deg=20, seed=17)),
    ("chelsea", SceneSpec(table="grass", jpeg_quality=40, noise_sigma=5, seed=18)),
]


def corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """Worst corner error as a share of the print's diagonal."""
    diag = float(np.linalg.norm(truth[2] - truth[0]))
    return float(np.linalg.norm(found - truth, axis=1).max()) / diag


def shared_scene(shared_data: Path, name: str, kind: str, seed: int) -> LabelledScene:
    """Scene ``seed`` of the scene sets made from the shared photo ``name``."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    return sample_scene(load_image(shared_data / "photos" / name), kind, seed)


def assert_outlined(labelled: LabelledScene) -> None:
    """The print of ``labelled`` is found, usable, within the yardstick's tolerance."""
    from engine_edge.scan.evaluate import outline_tolerance

    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def paper_or_picture_error(found: np.ndarray, labelled: LabelledScene) -> float:
    """:func:`corner_error` against the paper's outline or the picture's inside its border,
    whichever is nearer (an outline round the picture alone is right too: the border is
    cropped off in any case)."""
    from engine_edge.scan.evaluate import _photo_corners

    return min(
        corner_error(found, outline)
        for outline in (labelled.scene.corners, _photo_corners(labelled))
    )


@pytest.mark.parametrize(("name", "spec"), CLEAN, ids=[f"{n}-{s.table}-{s.seed}" for n, s in CLEAN])
def test_clean_prints_are_found_and_rectified_faithfully(photos, name, spec):
    scene = render_print_scene(photos[name], spec)
    detection = detect_print_quad(scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, scene.corners) <= 0.01
    flat = capture_print([scene.frame], detection.corners)
    ph, pw = scene.print_image.shape[:2]
    assert abs(flat.shape[1] / flat.shape[0] / (pw / ph) - 1) < 0.02  # true aspect ratio
    same = cv2.resize(flat, (pw, ph), interpolation=cv2.INTER_AREA)
    assert structural_similarity(same, scene.print_image, channel_axis=2) >= 0.85


@pytest.mark.parametrize(("name", "spec"), HARD, ids=[f"{n}-{s.table}-{s.seed}" for n, s in HARD])
def test_hard_cases_are_accurate_or_refused_with_a_hint(photos, name, spec):
    scene = render_print_scene(photos[name], spec)
    detection = detect_print_quad(scene.frame)
    if detection.usable:
        assert corner_error(detection.corners, scene.corners) <= 0.01, detection.hints
    else:
        assert detection.hints and detection.message


def test_glare_is_reported_but_does_not_block(photos):
    scene = render_print_scene(photos["coffee"], SceneSpec(table="wood", glare_spots=3, seed=3))
    detection = detect_print_quad(scene.frame)
    assert Hint.GLARE in detection.hints
    assert detection.usable


@pytest.mark.parametrize("table", TABLES)
def test_empty_table_says_place_a_photo(table):
    """No outline on any table alone: the last resorts (the dark-side one puts a weak side
    square with three others) must find none in a table's own texture. A dark table alone
    is too dark to look for one."""
    frame = table_texture(table, (1280, 960), np.random.default_rng(0))
    detection = detect_print_quad(frame)
    assert detection.corners is None or not detection.usable
    assert detection.hints[0] in (Hint.NONE, Hint.UNCLEAR, Hint.CUT_OFF, Hint.TOO_DARK)


def test_black_frame_is_too_dark():
    detection = detect_print_quad(np.zeros((480, 640, 3), np.uint8))
    assert detection.hints == (Hint.TOO_DARK,)
    assert not detection.usable


@pytest.mark.parametrize("table", ["dark", "wood"])
def test_two_prints_are_refused(photos, table):
    spec = SceneSpec(table=table, print_share=0.14, offset=(-0.24, 0.02), tilt_x_deg=4, seed=1)
    scene = render_two_prints(photos["coffee"], photos["chelsea"], spec)
    detection = detect_print_quad(scene.frame)
    assert Hint.TWO_PRINTS in detection.hints
    assert not detection.usable


@pytest.mark.parametrize(
    ("table", "share", "offset"),
    [
        ("dark", 0.14, 0.2),
        ("wood", 0.14, 0.2),
        ("brick", 0.14, 0.2),
        ("brick", 0.14, 0.17),
        ("light", 0.2, 0.2),
    ],
)
def test_two_prints_laid_down_touching_are_two_prints(photos, table, share, offset):
    """Two prints side by side, one over the other's edge, make one region unlike the table
    whose hull no outline holds: the guest heard "place one printed photo" with two on the
    table (on brick, 0.17 of the frame apart, an outline held across both: a crop of half of
    each). Cut between the notches where their outlines meet, each part is outlined as a
    print: one photo at a time."""
    spec = SceneSpec(table=table, print_share=share, offset=(-offset, 0.0), seed=1)
    scene = render_two_prints(photos["coffee"], photos["chelsea"], spec)
    detection = detect_print_quad(scene.frame)
    assert detection.hints == (Hint.TWO_PRINTS,)
    assert not detection.usable


# A print whose black border is bitten deep by its deckle, on brick (the spec of seed
# 4800093), on three photos and four seeds: the picture inside its border is outlined, and
# the border's ring round it read as a second print ("one photo at a time") on 11 of the 12.
# Two of them are outlined on the picture along three sides and on the paper along the
# fourth (the border stands 33-34 from the brick there, and lies 0.11 of the print's size
# deep on chelsea's): that side moves in to the picture's edge.
def test_a_deckled_black_borders_ring_is_not_a_second_print(photos):
    scanned = 0
    for name in ("astronaut", "coffee", "chelsea"):
        for seed in range(4):
            spec = SceneSpec(
                table="brick", print_share=0.31, roll_deg=-12.9, tilt_x_deg=6.8,
                tilt_y_deg=-6.1, offset=(0.006, -0.074), border_px=57,
                border_rgb=(36, 34, 34), deckle_px=14.9, light_gradient=0.26,
                exposure=1.03, noise_sigma=1.8, blur_sigma_px=0.15, seed=seed,
            )  # fmt: skip
            scene = render_print_scene(photos[name], spec)
            detection = detect_print_quad(scene.frame)
            if not detection.usable:
                assert detection.hints == (Hint.TWO_PRINTS,), (name, seed)
                continue
            scanned += 1
            ph, pw = scene.print_image.shape[:2]
            paper = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
            b = spec.border_px
            inner = np.array([[b, b], [pw - b, b], [pw - b, ph - b], [b, ph - b]], np.float32)
            to_frame = cv2.getPerspectiveTransform(paper, scene.corners.astype(np.float32))
            picture = cv2.perspectiveTransform(inner[None], to_frame)[0]
            error = min(
                corner_error(detection.corners, outline) for outline in (scene.corners, picture)
            )
            assert error < 0.012 + spec.deckle_px / float(np.hypot(pw, ph)), (name, seed)
    assert scanned == 12


def test_print_partly_outside_the_view_is_cut_off(photos):
    scene = render_print_scene(
        photos["astronaut"], SceneSpec(table="dark", print_share=0.4, offset=(0.42, 0.0), seed=2)
    )
    detection = detect_print_quad(scene.frame)
    assert not detection.usable
    assert Hint.CUT_OFF in detection.hints or Hint.NONE in detection.hints


def test_small_print_is_too_small(photos):
    scene = render_print_scene(photos["coffee"], SceneSpec(table="dark", print_share=0.01, seed=3))
    detection = detect_print_quad(scene.frame)
    assert not detection.usable
    assert Hint.TOO_SMALL in detection.hints or Hint.NONE in detection.hints


def test_strongly_tilted_print_is_tilted(photos):
    scene = render_print_scene(
        photos["coffee"],
        SceneSpec(table="dark", tilt_x_deg=50, focal_px=700, print_share=0.25, seed=4),
    )
    detection = detect_print_quad(scene.frame)
    assert Hint.TILTED in detection.hints
    assert not detection.usable


def test_blurred_view_is_blurry(photos):
    scene = render_print_scene(photos["coffee"], SceneSpec(table="dark", blur_sigma_px=8.0, seed=5))
    detection = detect_print_quad(scene.frame)
    assert Hint.BLURRY in detection.hints or Hint.NONE in detection.hints
    assert not detection.usable


@pytest.mark.parametrize("name", ["astronaut", "coffee", "camera"])
def test_photo_of_a_screen_is_refused(photos, name):
    scene = render_print_scene(screen_image(photos[name]), SceneSpec(table="wood", seed=1))
    detection = detect_print_quad(scene.frame)
    assert Hint.SCREEN in detection.hints
    assert not detection.usable


def test_shared_photos_as_prints(shared_data):
    """The team's real portraits, placed as prints, are found accurately too."""
    from engine_edge.image_io import load_image

    files = sorted((shared_data / "photos").glob("*.jpg"))[:4]
    assert files
    for i, path in enumerate(files):
        photo = load_image(path)
        scale = 600 / max(photo.shape[:2])
        photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        scene = render_print_scene(
            photo, SceneSpec(table=("wood", "dark", "cloth", "gravel")[i], seed=20 + i)
        )
        detection = detect_print_quad(scene.frame)
        assert detection.usable, (path.name, detection.hints)
        assert corner_error(detection.corners, scene.corners) <= 0.01, path.name


def test_a_deckled_print_on_gravel_is_not_outlined_on_a_line_of_stones(photos):
    # The deckled top edge gives no one straight line; a row of stones 25 px outside it
    # did, with gravel just outside it like a table's: the outline took it (4.8 % of the
    # diagonal off). An outline's side must now have paper, not more gravel, just inside.
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(photos["astronaut"], "deckled", 75)
    assert labelled.spec.table == "gravel" and labelled.spec.deckle_px > 0
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_a_white_bar_beside_the_subject_is_picture_not_glare(photos, seed):
    # A portrait padded with white bars (as phones save them) clips to white at the
    # picture's edge; it was taken for a reflection (glare share 0.03, "tilt the photo").
    # A reflection is a blob over the middle or swells where it reaches in; this does not.
    picture = photos["astronaut"].copy()
    picture[:, -64:] = 255
    spec = SceneSpec(
        table="gravel",
        border_px=24,
        border_rgb=(234, 228, 219),
        exposure=1.07,
        light_gradient=0.1,
        roll_deg=6 + seed,
        tilt_x_deg=-8 + 3 * seed,
        seed=seed,
    )
    detection = detect_print_quad(render_print_scene(picture, spec).frame)
    assert Hint.GLARE not in detection.hints and Hint.GLARE_TILT not in detection.hints
    assert detection.glare_share == 0.0


@pytest.mark.parametrize("roll_deg", [-20, 5, 21])
def test_a_pale_corner_of_the_picture_does_not_pull_the_outline_inside(shared_data, roll_deg):
    # The dog's photo has a pale grey ceiling above a dark door frame that runs slantwise
    # into its top edge. On a light table the paper's edge there is a faint step and the
    # door frame the stronger line: the top side took it (3 % of the diagonal off, a wrong
    # crop). The region that differs from the table reaches the paper's edge.
    from engine_edge.image_io import load_image

    photo = load_image(shared_data / "photos" / "pet_dog_no_human_face.jpg")
    scale = 700 / max(photo.shape[:2])
    photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    spec = SceneSpec(
        frame_size=(1600, 1200),
        table="light",
        print_share=0.28,
        roll_deg=roll_deg,
        tilt_x_deg=-11,
        tilt_y_deg=-3,
        light_gradient=0.2,
        noise_sigma=3,
        blur_sigma_px=0.5,
        jpeg_quality=90,
        seed=1,
    )
    scene = render_print_scene(photo, spec)
    detection = detect_print_quad(scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, scene.corners) < 0.005


@pytest.mark.parametrize(
    ("name", "seed", "tolerance"),
    [("coffee", 520013, 0.01), ("coffee", 520021, 0.01), ("astronaut", 520020, 0.012)],
)
def test_a_cream_deckled_print_on_a_light_table_is_outlined_at_its_paper(
    photos, name, seed, tolerance
):
    # Cream paper on a light table: the outline took the paper's edge on some sides and
    # the picture's edge inside the border on the others (2-4 % of the diagonal off at a
    # corner). Plain paper just inside the other sides shows where the border is. With
    # bites of 22 px (520020), only 40 % of a side lies on its tips' line: it was 5.7 % off.
    from dataclasses import replace

    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(photos[name], "deckled", seed)
    assert min(labelled.spec.border_rgb) > 200 and labelled.spec.deckle_px > 0
    spec = replace(labelled.spec, table="light", border_px=0)
    scene = render_print_scene(labelled.scene.print_image, spec)
    detection = detect_print_quad(scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, scene.corners) < tolerance


@pytest.mark.parametrize("tilt_deg", [0.0, 12.0, 30.0, 55.0])
def test_a_rectangles_tilt_is_read_back_from_its_outline(tilt_deg):
    """A 3:2 card turned ``tilt_deg`` about a slanted axis, off the frame's centre, seen by
    a pinhole camera: its outline alone gives the turn back."""
    focal, size = 1500.0, (1920, 1080)
    card = np.array(
        [[-150.0, -100.0, 0.0], [150.0, -100.0, 0.0], [150.0, 100.0, 0.0], [-150.0, 100.0, 0.0]]
    )
    axis = np.array([np.cos(0.6), np.sin(0.6), 0.0])
    turn, _ = cv2.Rodrigues(axis * np.radians(tilt_deg))
    world = card @ turn.T + np.array([220.0, -90.0, 1400.0])
    corners = focal * world[:, :2] / world[:, 2:] + np.array(size) / 2.0
    view = world.mean(0) / np.linalg.norm(world.mean(0))
    expected = np.degrees(np.arccos(abs(float((turn @ [0.0, 0.0, 1.0]) @ view))))
    assert geometry.plane_tilt_deg(corners, size, focal) == pytest.approx(expected, abs=0.2)
    # A lens a fifth longer than assumed reads a turn up to about a quarter steeper (the
    # detector's 45° limit against 23° at most for the scene sets' prints leaves room for it).
    assert (
        abs(geometry.plane_tilt_deg(corners, size, 1.2 * focal) - expected) < 0.3 * expected + 1.0
    )


def test_an_outline_cut_through_dark_hair_on_dark_brick_is_not_a_crop(shared_data):
    """Seed 200033: a small portrait (art_3) with dark hair along its top, on dark brick. An
    outline was found whose top side ran through the hair, 4 % of the diagonal off at a
    corner, and the print was cropped there (SSIM 0.38 of the ideal). No print lying on the
    table projects to that quadrilateral: it reads 67° turned away where the scene sets'
    prints read at most 23°. Such an outline is not taken."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_art_3.png")
    labelled = sample_scene(photo, "small", 200033)
    frame = labelled.scene.frame
    size = (frame.shape[1], frame.shape[0])
    assert geometry.plane_tilt_deg(labelled.scene.corners, size, size[0]) < 10.0
    detection = detect_print_quad(frame)
    if detection.corners is not None:
        truth = labelled.scene.corners
        error = np.linalg.norm(detection.corners - truth, axis=1).max()
        assert error < 0.012 * np.hypot(*size), (detection.hints, error)


def test_a_black_deckled_print_on_gravel_is_outlined_at_its_paper(shared_data):
    """Seed 500102: a portrait (s8) in a black deckled border on gravel. Three sides were
    found on the paper's edge and the fourth on the picture's edge inside the border, whose
    black paper passed for the gravel's dark gaps just outside it: 2.5 % of the diagonal off
    at a corner, SSIM 0.41 of the ideal. Plain black paper just inside the other three sides
    shows where the border is, as plain white paper does for a white border."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s8.jpg")
    labelled = sample_scene(photo, "deckled", 500102)
    assert max(labelled.spec.border_rgb) < 60 and labelled.spec.table == "gravel"
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < 0.01


def test_a_white_border_on_a_light_table_under_a_slanting_lamp_is_outlined_at_its_paper(
    shared_data,
):
    # A white border on a light table, lit from one side: lightness runs from one end of a
    # side to the other, paper and table alike. The paper's edge was found but read as
    # textured as gravel (a spread of 8 levels along the side, all of it the lamp's slope)
    # and refused; the deckle fallback then laid the outline half-way across the border
    # (2.1 % of the diagonal off, a scan at 0.65 of the ideal's SSIM).
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s8.jpg")
    labelled = sample_scene(photo, "light_border", 300083)
    assert labelled.spec.table == "light" and labelled.spec.light_gradient > 0.3
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < 0.002
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


@pytest.mark.parametrize(
    ("name", "seed", "tolerance"),
    [("pet_dog_no_human_face.jpg", 600027, 0.005), ("liveportrait_s8.jpg", 1000045, 0.002)],
)
def test_a_print_on_wavy_wood_is_outlined_at_its_paper(shared_data, name, seed, tolerance):
    """Seed 600027: the dog's photo on wavy wood. Its pale ceiling strip along the top
    passed for the busy table, and the top side was laid on the door frame's line inside
    the picture, 6.3 % of the diagonal off (a wrong crop). At full size the paper's own
    edge further out is the better-supported line (0.93 against 0.56).

    Seed 1000045: a portrait on a dark brown backdrop (s8), blur 2.2 px. No candidate lay
    near it; its faint region's hull, straightened on the mask's wavy outline, drifted
    onto a wave and held at full size nowhere, so it was refused "none" (untrue: edge
    contrast 24). The hull's own quad, 0.5 % of the diagonal off, holds."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), "plain", seed)
    assert labelled.spec.table == "wood"
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < tolerance


def test_a_light_deckled_print_on_a_light_table_is_not_cut_at_its_door_frame(shared_data):
    """Seed 600084: the dog's photo in a light deckled border on a light table. The
    photo's pale top strip is as light as the border, so the top side took the door
    frame's line inside the picture and the deckle step then pushed each side out by its
    own amount: 3.1 % of the diagonal off the photo and 6.4 % off the paper. The photo's
    own edge just outside the door frame is the better-supported line at full size, and
    from there the border's paper is found all round."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "pet_dog_no_human_face.jpg")
    labelled = sample_scene(photo, "deckled", 600084)
    assert labelled.spec.table == "light" and min(labelled.spec.border_rgb) > 200
    outcome = judge(labelled, burst=False)
    assert outcome.verdict == "ok", outcome


def test_a_deckled_border_is_not_crossed_slantwise_by_a_weak_outer_outline(shared_data):
    """Seed 1100066: a portrait (art_0) in a light deckled border on a dark table. The
    picture's outline inside the border was found first; looking outwards for the paper, a
    weakly supported outline (0.5) with its right side slanting across the border (on the
    paper's edge at the top, a border's width inside it at the bottom) had table outside
    that side's middle on the small copy and was taken: 3.4 % of the diagonal off, 0.65 of
    the ideal's SSIM. At full size that side does not part paper from table."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_art_0.png")
    labelled = sample_scene(photo, "deckled", 1100066)
    assert labelled.spec.table == "dark" and min(labelled.spec.border_rgb) > 200
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < 0.008


def test_a_white_border_on_a_light_table_in_even_light_is_not_outlined_half_and_half(
    shared_data,
):
    """Seed 300083 re-rendered at exposure 1 without the lamp's slope: the region that
    differs from the table took in the top border only, and its outline had its top side
    on the paper's edge and the other three on the picture's (2.2 % of the diagonal off).
    Those three sides have the paper's edge a border's width further out too."""
    from dataclasses import replace

    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s8.jpg")
    labelled = sample_scene(photo, "light_border", 300083)
    spec = replace(labelled.spec, exposure=1.0, light_gradient=0.0, border_px=0)
    scene = render_print_scene(labelled.scene.print_image, spec)
    detection = detect_print_quad(scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, scene.corners) < 0.005


@pytest.mark.parametrize(
    ("name", "seed"), [("sadtalker_art_1.png", 400048), ("liveportrait_s1.jpg", 400003)]
)
def test_a_light_deckled_print_on_a_dark_table_is_outlined_at_its_paper(shared_data, name, seed):
    """White deckled borders on a dark table, which stand out plainly.

    400048 (art_1, a thin border) was refused "none": on the small copy the paper's edge
    and the picture's lie a pixel or two apart and no side found either whole (0.50
    supported); at full size the paper's edge is (0.72) and every side parts paper from
    table. 400003 (s1, a white wall beside the subject): an outline with one side on the
    wall's edge inside the picture (1.0 supported) outranked the paper's deckled edge
    (0.72); with picture outside that side, the deckle step pushed the sides out onto the
    table, 2.5 % of the diagonal off, and only a glare hint (the wall, read as a
    reflection) kept it from a wrong crop. The outline found round it on the paper's edge
    is the print.
    """
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), "deckled", seed)
    assert labelled.spec.table == "dark" and min(labelled.spec.border_rgb) > 200
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < 0.006


@pytest.mark.parametrize(
    ("name", "seed", "table"),
    [
        ("sadtalker_art_0.png", 500009, "gravel"),
        ("pet_dog_no_human_face.jpg", 500027, "wood"),
        ("sadtalker_happy.png", 1000036, "brick"),
    ],
)
def test_a_print_as_plain_as_its_table_is_outlined_from_its_faint_region(
    shared_data, name, seed, table
):
    """Prints whose colour and smoothness are close to the table's were refused "none":
    500009 (a portrait on a plain grey-brown backdrop, on gravel) and 500027 (a sepia dog on
    brown wavy wood). The region mask's floor hid them, no candidate lay near them, yet at
    full size their outlines are 0.85-0.9 supported. The region that differs from the table
    however faintly is outlined and agrees with its region (intersection over union 0.97).

    1000036 (a portrait on brick): the quad straightened on the region's mask was refined
    onto a line of mortar beside the right side (2.5 % of the diagonal off, a wrong crop);
    the hull's own quad gives the print's outline, which agrees better with the region."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), "plain", seed)
    assert labelled.spec.table == table and labelled.edge_contrast < 15
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < 0.002


def test_only_a_level_or_upright_side_on_a_colour_block_boundary_is_on_the_blocks():
    from engine_edge.scan.edge_fit import on_colour_blocks

    def quad(top_left_y: float, top_right_y: float, left_x: float = 100.0) -> np.ndarray:
        return np.array(
            [[left_x, top_left_y], [700.0, top_right_y], [700.0, 600.0], [left_x, 600.0]]
        )

    # Pixel centres at whole numbers: the boundary between rows 143 and 144 is at 143.5.
    assert on_colour_blocks(quad(143.7, 143.5), 0)
    assert not on_colour_blocks(quad(137.0, 151.7), 0)  # the paper's slanting edge
    assert not on_colour_blocks(quad(140.0, 140.0), 0)  # level, between boundaries
    assert on_colour_blocks(quad(140.0, 140.0, left_x=95.5), 3)  # upright: x = 96 - 0.5
    assert not on_colour_blocks(quad(140.0, 140.0, left_x=95.5), 1)  # x = 700


def test_a_side_on_the_jpegs_colour_blocks_alone_is_refused_not_cropped(shared_data):
    """Seed 4100091: a black border (28, 33, 30) on a dark table of the same grey, JPEG
    quality 60. The compression put the paper's faint, slanting top edge onto a level
    boundary of its 16 px colour blocks; that line, 0.96 on a step, held the top side above
    the picture's edge on the other three: a crop with a wedge of border along its top, 0.03
    of the diagonal off both the paper and the picture. In lightness that side holds a third
    of a step: the guest is asked for a plainer table instead."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import hint_is_true
    from engine_edge.scan.scene_set import sample_scene
    from engine_edge.scan.session import ScanSettings

    photo = load_image(shared_data / "photos" / "sadtalker_art_9.png")
    labelled = sample_scene(photo, "black_border", 4100091)
    assert labelled.spec.jpeg_quality == 60 and labelled.edge_contrast < 12
    detection = detect_print_quad(labelled.scene.frame)
    assert not detection.usable
    assert detection.hints[0] is Hint.UNCLEAR
    assert hint_is_true(detection.hints[0], labelled, ScanSettings())


def test_of_a_faint_regions_outlines_the_one_whose_sides_step_most_is_taken(shared_data):
    """Seed 4400106, a phone view of a portrait on gravel: the faint region gave two outlines
    with every side parting paper from table, the one straightened on the region's mask with
    its left side 8 px out on the stones (0.0087 of the diagonal off, a colour step of 6 across
    that side) and the hull's on the print's edge (0.0015 off, 18). The straightened one was
    taken on the tie: a sliver of gravel along the guest's scan."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_art_18.png")
    labelled = sample_scene(photo, "phone", 4400106)
    assert labelled.spec.table == "gravel" and labelled.spec.border_px == 0
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    error = corner_error(detection.corners, labelled.scene.corners)
    assert error < 0.5 * outline_tolerance(labelled)


def test_a_faint_regions_outline_with_a_side_on_bare_table_is_not_taken(shared_data):
    """Seed 6000016: a phone view of a dark painting on a dark table, shaken 5 px. Only the
    faint region's look outlined it, with its right side 27 px out on the table at the top
    (0.021 of the frame's diagonal off, 0.71 supported): the colour stepped 1.0 across that
    side. A wrong crop (0.70 of the ideal) is worse than asking again."""
    from engine_edge.scan.evaluate import outline_tolerance

    labelled = shared_scene(shared_data, "sadtalker_art_9.png", "phone", 6000016)
    assert labelled.spec.table == "dark" and labelled.spec.motion_blur_px > 4
    detection = detect_print_quad(labelled.scene.frame)
    if detection.usable:
        assert detection.corners is not None
        error = corner_error(detection.corners, labelled.scene.corners)
        assert error < outline_tolerance(labelled)


@pytest.mark.parametrize(
    ("name", "kind", "seed", "table", "tolerance"),
    [
        ("sadtalker_art_3.png", "small", 1400033, "brick", 0.002),
        ("pet_dog_no_human_face.jpg", "plain", 3300027, "gravel", 0.004),
        ("liveportrait_s1.jpg", "deckled", 3400003, "brick", 0.01),
        ("pet_dog_no_human_face.jpg", "plain", 3400027, "light", 0.003),
        ("pet_dog_no_human_face.jpg", "plain", 3200027, "light", 0.003),
        ("liveportrait_s8.jpg", "plain", 3500045, "wood", 0.003),
    ],
)
def test_a_print_is_outlined_at_its_paper_past_what_looked_like_its_edge(
    shared_data, name, kind, seed, table, tolerance
):
    """Seed 1400033: a small print (60 x 78 px on the small copy) on brick, found by the
    faint region's look alone and right to 0.0002 of the diagonal. The region mask is
    smoothed and spills about 3 px past the print all round, which on so small a print cut
    the outline's agreement with its region to 0.865 (of 0.9 asked): refused "none". The
    halo is no disagreement: a band either side of the outline is not counted.

    Seed 3300027: the dog's photo on gravel, sharper than 600027. The door frame under the
    pale ceiling strip held 0.85 at full size, the paper's edge 9.5 px further out 0.81: not
    0.1 better, so the top side stayed on the frame (a wrong crop, 0.03 of the diagonal
    off). Just outside the frame's line the strip differs from the table further out by 50,
    outside the paper's edge by 1.5: paper lies beyond that line, and the side moves.

    Seed 3400003: liveportrait_s1 (white pillarbox bars beside the subject) in a white
    deckled border (12 px bites) on brick. The bars' edges cut the paper into parts that
    each outline well: its right part (0.91) and its left part (0.89), each with a bar's
    edge for one side, picture beyond it. Neither reached the other's side by the
    outermost search (81 px away): refused "unclear" at an edge contrast of 73. Each
    part's paper edges, with table outside, make the whole print's outline.

    Seeds 3400027 and 3200027: the dog's photo on a light table, where a pale post down
    its right side matches the table too. Paper lay beyond the door frame's line, but the
    outline at the paper's edge held only 0.67-0.68 at full size (the right side loses its
    profiles along the post), short of 0.7: the top side stayed on the frame, 0.035 of the
    diagonal off. With paper beyond the old side, an outline 0.15 short is kept where
    every side parts paper from table.

    Seed 3500045: a painting (s8) on brown wavy wood, found by its faint region alone, its
    bottom side on a fold of the dress 20 px inside the paper's low-contrast hem (a step of
    12 against the wood), 0.027 of the diagonal off. That side had no paper inside it;
    fitted again outermost, every side parts paper from table, and that outline wins."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), kind, seed)
    assert labelled.spec.table == table
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < tolerance


def test_a_deckled_print_found_only_by_a_later_candidate_is_not_refused_as_tilted(shared_data):
    """Seed 600102: a portrait (s8) in a cream deckled border (8 px bites) on gravel. The
    paper's outline is proposed but its bites hold 0.54 at full size; the picture's edge
    inside the border was only the fifth candidate, which got no wider search, and the
    one outline left was a steep one through the picture: "tilted", untrue. Searched wider,
    the fifth holds (1.0 at full size), and the border's paper is found round it."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s8.jpg")
    labelled = sample_scene(photo, "deckled", 600102)
    assert labelled.spec.table == "gravel" and labelled.spec.deckle_px > 8
    outcome = judge(labelled, burst=False)
    assert outcome.verdict == "ok", outcome


@pytest.mark.parametrize(
    ("name", "kind", "seed"),
    [
        ("dlib_2008_001322.jpg", "black_border", 1000001),
        ("sadtalker_art_3.png", "small", 200033),
        ("dlib_2007_007763.jpg", "glare", 200095),
        ("dlib_2009_004587.jpg", "phone", 3200097),
    ],
)
def test_an_outline_run_through_the_picture_is_no_evidence_of_a_tilt(shared_data, name, kind, seed):
    """Prints lying within 7° of flat whose only outline found was a steep one (62-74°)
    with a side across the picture: inside the photo of a black border on a dark table
    (1000001), through dark hair (200033), round a framed mirror (200095), round a pale
    towel in the corner of a blurred phone view (3200097). They were refused "tilted",
    untrue. Across such a side the picture's colour and texture go on, or a smooth picture,
    not table, lies outside it; a print turned away has paper against table on every side."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), kind, seed)
    frame = labelled.scene.frame
    size = (frame.shape[1], frame.shape[0])
    assert geometry.plane_tilt_deg(labelled.scene.corners, size, size[0]) < 7.0
    detection = detect_print_quad(frame)
    assert Hint.TILTED not in detection.hints


@pytest.mark.parametrize("tilt_deg", [35, 55, 70])
def test_prints_turned_steeply_away_are_tilted(photos, tilt_deg):
    """A print really turned away keeps its "tilted" whatever outline of it is found."""
    scene = render_print_scene(
        photos["coffee"],
        SceneSpec(table="dark", tilt_x_deg=tilt_deg, focal_px=700, print_share=0.25, seed=4),
    )
    assert Hint.TILTED in detect_print_quad(scene.frame).hints


def test_a_deckled_outline_is_not_laid_on_the_plain_paper_of_a_light_border(shared_data):
    """Seed 1200030: a light deckled border on a light table under a lamp's fall-off (edge
    contrast 6.6). The picture's outline was found, then moved out to the tips of the
    region unlike the table, which left most of the border out: the outline lay on the
    border's plain paper, 0.034 of the print's diagonal inside its edge, paper on both
    sides of every side. Such an outline is not the paper's: the print is refused or
    outlined at its paper or its picture."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_art_18.png")
    labelled = sample_scene(photo, "deckled", 1200030)
    assert labelled.spec.table == "light"
    detection = detect_print_quad(labelled.scene.frame)
    if detection.usable:
        assert detection.corners is not None
        error = paper_or_picture_error(detection.corners, labelled)
        assert error < 0.015, error


def test_white_bands_in_the_picture_are_not_taken_for_its_border(shared_data):
    """Seed 1400003: liveportrait_s1, whose picture has white pillarbox bars along its left
    and right, in an ivory deckled border on a light table (edge contrast 3.6). The
    picture's outline was found; the bars just inside its left and right sides passed for
    the border's paper there, so only the top and bottom were moved out to the paper's
    edge: an outline on neither the paper nor the picture (0.03 of the diagonal off both,
    a wrong crop). The bars are far lighter than the border against the table: not one
    paper all round, and the picture's outline is kept."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s1.jpg")
    labelled = sample_scene(photo, "deckled", 1400003)
    assert labelled.spec.table == "light" and labelled.edge_contrast < 5
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert detection.corners is not None
    error = paper_or_picture_error(detection.corners, labelled)
    assert error < 0.006, error


def test_a_border_found_on_two_sides_only_is_not_a_crop(shared_data):
    """Seed 3200019: a black border on a dark table (edge contrast 4.8). The picture was
    outlined, with the border's paper all round it; looking further out, the top and right
    sides moved to the paper's edge while the left and bottom stayed on the picture's, an
    outline 0.06 of the diagonal off both (a wrong crop). The paper's edge all round held
    too weakly to be taken, so the picture's outline is kept (refused as unclear, which is
    true of so faint an edge, or scanned at the picture)."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "dlib_2007_007763.jpg")
    labelled = sample_scene(photo, "black_border", 3200019)
    assert labelled.spec.table == "dark" and labelled.edge_contrast < 12
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.corners is not None
    error = paper_or_picture_error(detection.corners, labelled)
    assert error < 0.012 or not detection.usable, (error, detection.hints)


def test_a_deckled_outline_is_looked_at_beyond_its_bites(shared_data):
    """Seed 1400030: an ivory deckled border with 16 px bites on a dark table. Just inside
    the tips the strip is mostly table in the bites on every side, so the outline at the
    tips (right, within the deckle's depth) was dropped and the print refused as unclear.
    The paper is looked for half the border's width in, beyond the bites."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_art_18.png")
    labelled = sample_scene(photo, "deckled", 1400030)
    assert labelled.spec.deckle_px > 15
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_deckled_outline_with_deep_bites_is_kept(shared_data):
    """Seed 1300093: a white deckled border with 12 px bites on cloth. Its outline at the
    region's tips is right (0.0035 of the diagonal off), though on two sides the strip just
    inside the tips is mostly bites, so only two sides part paper from table there: one
    side doing so is enough to tell the paper's edge from a line on the border's paper."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_happy.png")
    labelled = sample_scene(photo, "deckled", 1300093)
    assert labelled.spec.deckle_px > 10
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < 0.012


def test_a_deckled_outline_on_a_busy_table_ends_at_the_paper(shared_data):
    """Seed 3700102: a portrait (s8) in a white deckled border (5 px bites) on brick, at
    1920 x 1080. The deckle's outline lies at the tips of the print's region on the small
    copy, which is blurred: on brick it reached 7-11 px past the paper, a band of brick
    round the flat view. The border crop then found no border all round and the scan kept
    it, 0.29 of the ideal's SSIM (within the corner tolerance, so "under 0.95", not "wrong
    corners"). Pulled in to where paper shows at full size, no side lies outside it."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.edge_fit import side_shifts
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s8.jpg")
    labelled = sample_scene(photo, "deckled", 3700102)
    assert labelled.spec.table == "brick" and labelled.spec.deckle_px > 4
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    outside = side_shifts(labelled.scene.corners, detection.corners)
    assert outside.max() < 3.0, outside
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


@pytest.mark.parametrize(
    ("name", "seed"), [("dlib_2007_007763.jpg", 3900057), ("pet_dog_no_human_face.jpg", 3800084)]
)
def test_a_border_bitten_half_through_by_its_deckle_is_outlined(shared_data, name, seed):
    """Seeds 3900057 (a family photo on a dark table) and 3800084 (the dog on wood): cream
    borders of 24-27 px bitten 14-15 px deep. A third to two thirds of each side lay on
    the tips' line on the small copy and under half at full size, so no resort took the
    outline, right to 0.006 of the diagonal, and the print was refused ("none"). Every
    side parts paper from table and the border's plain paper lies inside every side: the
    outline is taken."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), "deckled", seed)
    assert labelled.spec.deckle_px > 14 and labelled.edge_contrast > 40
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_thin_light_border_unseen_on_the_small_copy_is_outlined(shared_data):
    """Seed 3400102: a portrait (s8) in a 13 px cream deckled border on brick at 1920 x 1080.
    On the 400 px copy the border is under 3 px, a light line between picture and brick
    with nearly the same lightness either side, which no side counts as a step: both
    candidates held 0.00-0.04 there, and the last resorts asked the small copy for 0.28-0.39.
    At full size its first candidate is 0.74 supported, every side parts paper from brick
    and the outline is 0.003 of the diagonal off: it was refused ("none")."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s8.jpg")
    labelled = sample_scene(photo, "deckled", 3400102)
    width, height = labelled.spec.frame_size
    assert labelled.spec.table == "brick"
    assert labelled.spec.border_px * 400 / max(width, height) < 3
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_deckle_too_ragged_for_the_small_copy_is_looked_at_in_full(shared_data):
    """Seed 5100057: a family photo in a 24 px cream border bitten 12 px deep, on gravel.
    On the 400 px copy the bites scatter the edge over about five pixels, beyond a side's
    one-pixel line, with the stones' own edges as near: the first candidate held 0.08-0.12
    there and the deckled last resort asked for 0.28, so it was refused ("none"). At full
    size it holds 0.61, every side parts paper from gravel and the border's paper lies
    inside every side."""
    from engine_edge.scan.evaluate import outline_tolerance

    labelled = shared_scene(shared_data, "dlib_2007_007763.jpg", "deckled", 5100057)
    assert labelled.spec.table == "gravel" and labelled.spec.deckle_px > 12
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_weak_outline_on_the_picture_of_a_borderless_print_stays_refused(shared_data):
    """Seed 3800060: a small light print on a light table (edge contrast 12). Its only
    outline lies on the picture's own lines, a thin white strip inside the paper's edge
    (0.021 of the diagonal off, 0.33 supported at full size), and every side parts picture
    from table there: without a border's paper inside its sides, a weak outline is not
    taken as a deckle's (round 18 took it: a wrong crop, 0.64 of the ideal)."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s1.jpg")
    labelled = sample_scene(photo, "small", 3800060)
    assert labelled.spec.border_px == 0
    detection = detect_print_quad(labelled.scene.frame)
    if detection.usable:
        assert detection.corners is not None
        assert corner_error(detection.corners, labelled.scene.corners) < 0.012


def test_a_deckled_border_shaded_along_a_side_is_paper_all_round(shared_data):
    """Seed 4400057: a cream deckled border on cloth under a slanting lamp (40 % darker at
    one side). Along the left side the paper darkens from 212 to 181 in lightness; about
    its median that read as unplain as bites, the side counted as the picture's edge and
    the photo inside the border was refused as unclear. About the side's own trend the
    paper is plain, and the outline at the deckle's tips is kept."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "dlib_2007_007763.jpg")
    labelled = sample_scene(photo, "deckled", 4400057)
    assert labelled.spec.light_gradient > 0.3
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_faint_paper_edge_round_a_sharp_picture_is_not_called_blurry(shared_data):
    """Seed 4400100: a black border on a dark cloth (edge contrast 6). The paper's faint
    edge reads 7.1-7.7 px wide, as wide as a shake makes an edge, and the still print was
    refused with "hold still"; the picture's edge inside the border is 3.1-3.6 px."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s5.jpg")
    labelled = sample_scene(photo, "black_border", 4400100)
    assert labelled.blur_px < 2.0  # far from what "blurry" is true of (4 px)
    detection = detect_print_quad(labelled.scene.frame)
    assert Hint.BLURRY not in detection.hints
    assert detection.usable
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_shaken_bordered_print_is_still_called_blurry(photos):
    """A shake smears the picture's edge inside the border as much as the paper's."""
    spec = SceneSpec(
        table="light",
        border_px=40,
        motion_blur_px=18.0,
        frame_size=(1920, 1080),
        seed=5,
    )
    detection = detect_print_quad(render_print_scene(photos["coffee"], spec).frame)
    assert Hint.BLURRY in detection.hints


@pytest.mark.parametrize(
    ("name", "seed"), [("dlib_2008_001322.jpg", 4000096), ("sadtalker_art_18.png", 3400087)]
)
def test_a_borderless_print_with_dark_picture_along_one_side_is_outlined(shared_data, name, seed):
    """Seeds 4000096 and 3400087: small borderless prints on a dark table, the shade under
    trees along one's top and a dark jacket along the other's bottom, as dark as the table.
    That side holds 0.67-0.74 on the print's edge; 4000096's fit ran through the picture
    (0.067 of the diagonal off, 3.3 degrees from square) and 3400087's held 0.67, under
    ``min_support``: both were refused ("none"). Put square with the other three sides, the
    weak side lies on the print's edge, every side parting paper from table."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), "small", seed)
    assert labelled.spec.table == "dark"
    assert labelled.spec.border_px == 0
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_dark_side_outline_through_the_picture_stays_refused(shared_data):
    """Seed 3700095: a borderless group photo on a dark table whose right side is dark picture
    (a step of 3 against the table there, so that side does not part paper from table).
    Put square with the others, it moves 0.027 of the diagonal off onto a line in the
    picture, 0.52 supported: the dark-side resort must not take that."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "dlib_2007_007763.jpg")
    labelled = sample_scene(photo, "glare", 3700095)
    assert labelled.spec.border_px == 0
    detection = detect_print_quad(labelled.scene.frame)
    if detection.corners is not None:
        assert corner_error(detection.corners, labelled.scene.corners) < 0.012


def test_of_two_fits_of_one_edge_the_better_supported_is_taken(shared_data):
    """Seed 4000031: a dark painting (art_19) on a dark table, outlined only by the last
    resort for deckled prints, which found it twice: 4.5 px apart at one corner, the larger
    0.48 supported and 0.008 of the diagonal off (a bare print's tolerance is 0.005), the
    other 0.50 and 0.004 off. The larger won as if it were the paper round a picture."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_art_19.png")
    labelled = sample_scene(photo, "dark", 4000031)
    assert labelled.spec.border_px == 0
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


def test_a_last_resorts_outline_half_on_the_picture_moves_out_to_the_paper(shared_data):
    """Seed 2900019: a family photo (dlib_2007) in a black border on a dark table, outlined
    only by the faint region's last resort, from the paper's corner at one end of its top
    and right sides to the picture's corners at the other three: 0.027 of the diagonal off
    both. The border's paper just inside two of its sides and not the other two says so;
    the outline moves out to the paper's edge there, as a first outline does."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "dlib_2007_007763.jpg")
    labelled = sample_scene(photo, "black_border", 2900019)
    assert labelled.spec.table == "dark"
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


def test_a_small_print_with_a_dark_side_is_outlined_not_refused(shared_data):
    """Seed 4400087: a small borderless portrait (art_18, 130 px) on a dark table, a dark
    jacket along its bottom. The dark-side resort judged each fit upright on the small copy,
    where the weak side, a few pixels off at one end of a 52 px print, read 48° turned away
    (9.5° at full size): the print was refused "none" instead of "too small", the hint
    that is true of it."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_art_18.png")
    labelled = sample_scene(photo, "small", 4400087)
    assert labelled.spec.table == "dark" and labelled.spec.border_px == 0
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.hints == (Hint.TOO_SMALL,)
    assert detection.corners is not None
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_picture_kept_inside_a_deckled_border_found_round_it_is_not_unclear(shared_data):
    """Seed 5000030: a painting (art_18) in a deckled white border on a dark table. The
    paper's outline was found (held all round, table all round it), but the bites along one
    side left no plain paper just inside it, so the picture inside was kept: outlined 0.1 px
    off, and refused "unclear" because the border, not table, lay just outside it."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import judge
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "sadtalker_art_18.png")
    labelled = sample_scene(photo, "deckled", 5000030)
    assert labelled.spec.table == "dark" and labelled.spec.deckle_px > 10
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


def test_a_dark_side_is_not_squared_inwards_off_the_prints_edge(shared_data):
    """Seed 5000033: a small borderless painting (art_3) on a dark table, dark hair along its
    top. The dark-side resort fitted the print's edge all round (0.06 degrees from square),
    then put the top square with the others: it slid inwards onto the hair's line, 7 px off
    at one end, and was taken because it held 0.67 to the edge's 0.62 (SSIM 0.65 of the
    ideal scan's). Dark picture pulls a fit inwards, never out: the edge stays."""
    labelled = shared_scene(shared_data, "sadtalker_art_3.png", "small", 5000033)
    assert labelled.spec.table == "dark" and labelled.spec.border_px == 0
    assert_outlined(labelled)


def test_an_outline_round_part_of_the_picture_gives_way_to_the_print_round_it(shared_data):
    """Seed 4400061: a painting (s3) on brick whose dark edges barely part from the bricks,
    outlined only round a small painted frame in its top-left corner. The rest of the print
    then read as a second print ("two prints", "too small"). The region unlike the brick
    encloses that outline; its own outline, table all round, is the print's."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    photo = load_image(shared_data / "photos" / "liveportrait_s3.jpg")
    labelled = sample_scene(photo, "phone", 4400061)
    assert labelled.spec.table == "brick"
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


@pytest.mark.parametrize(
    ("name", "seed", "kind"),
    [("liveportrait_s8.jpg", 3900102, "deckled"), ("dlib_2008_001322.jpg", 4000039, "deckled")],
)
def test_a_deckled_border_thin_or_bitten_on_a_side_is_outlined(shared_data, name, seed, kind):
    """Seed 3900102: a 14 px cream border bitten 7.6 px deep on a dark table at 1920 x 1080,
    2.9 px on the small copy, where the strip read for the border's paper inside the left
    side lay mostly on the picture. Seed 4000039: an 18 px black border bitten 6 px deep on
    brick, whose bottom side the full-size search moved 19 px in onto the picture's edge.
    Both outlines were right to 0.002 of the diagonal on the small copy; both were refused
    ("none")."""
    from engine_edge.image_io import load_image
    from engine_edge.scan.evaluate import outline_tolerance
    from engine_edge.scan.scene_set import sample_scene

    labelled = sample_scene(load_image(shared_data / "photos" / name), kind, seed)
    assert labelled.spec.deckle_px > 5
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


def test_a_print_whose_candidates_slid_onto_its_picture_is_outlined_at_the_sharp_hull(
    shared_data,
):
    """Seed 4900045: a painting (s8) on wavy wood, its dark background as brown as the
    wood. No candidate lay near it (the waves' lines); the hull of the sharp places lay on
    its cut edge within 4 px, but the search from the hull reached 15 small-copy pixels and
    moved the bottom side onto a fold of the dress, 37 px in at one end (0.66 supported at
    full size): refused "none". Searched within 2 px of the hull, every side holds 0.93-1.0
    on the paper's edge."""
    labelled = shared_scene(shared_data, "liveportrait_s8.jpg", "plain", 4900045)
    assert labelled.spec.table == "wood"
    assert_outlined(labelled)


def test_a_borderless_print_with_dark_picture_along_two_sides_is_outlined(shared_data):
    """Seed 4900000: a family photo (dlib_2007) on a dark table, a dark doorway along its
    right side and a dark chair and frame along its left, under noise 2.9 and JPEG 60. On the
    true corners those two sides hold 0.67 and 0.65 at full size (0.96 and 0.75 on the small
    copy), the others 0.93 and 0.89, every side parting paper from table, 0.16 degrees from
    square: the dark-side resort took one short side only, and the print was refused
    "none"."""
    labelled = shared_scene(shared_data, "dlib_2007_007763.jpg", "plain", 4900000)
    assert labelled.spec.table == "dark" and labelled.spec.border_px == 0
    assert_outlined(labelled)


def test_a_line_on_the_table_just_off_a_side_does_not_take_the_side(shared_data):
    """Seed 5200051: a small borderless portrait (art_2) on brick, a pale mortar joint
    running 17 px out from its right side and parallel to it. Just outside the side the
    brick stood 44 from the joint, so the joint read as the table's edge with paper
    between, and the side moved out onto it: 18 px off, 0.61 of the ideal's SSIM. What
    lay between was brick, as beyond the joint: the side stays on the print's edge."""
    labelled = shared_scene(shared_data, "sadtalker_art_2.png", "small", 5200051)
    assert labelled.spec.table == "brick" and labelled.spec.border_px == 0
    assert_outlined(labelled)


@pytest.mark.parametrize(
    ("name", "kind", "seed"),
    [
        ("dlib_2007_007763.jpg", "curled_border", 6100088),
        ("dlib_2008_001322.jpg", "rounded_curled", 6000019),
    ],
)
def test_a_still_curled_print_is_not_called_blurry_for_its_bowed_sides(
    shared_data, name, kind, seed
):
    """A curled print found by its sides held as curves had its blur read across the
    straight chords of its bowed sides, where the bowed edge spreads along the chord: seed
    6100088's bowed sides read 17.8 and 13.1 px (its straight ones 2.9 and 3.0), 6000019's
    one bowed side 7.3 px with no step in lightness to judge it by, and the still prints
    (blur under half a pixel) were refused "hold still". The widths the detection reports
    are read across the curves too: a still print's, every side under a shake's width."""
    from engine_edge.scan.detect_settings import DetectSettings
    from engine_edge.scan.evaluate import outline_tolerance

    labelled = shared_scene(shared_data, name, kind, seed)
    assert labelled.blur_px < 1.0  # far from what "blurry" is true of (4 px)
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.curled
    assert Hint.BLURRY not in detection.hints
    assert detection.widest_edge_px < DetectSettings().max_shake_px
    assert detection.usable, detection.hints
    assert corner_error(detection.corners, labelled.scene.corners) < outline_tolerance(labelled)


@pytest.mark.parametrize(
    "across_width", [True, False], ids=["across_straight_sides", "across_bowed_sides"]
)
def test_a_shaken_curled_print_is_still_called_blurry(photos, across_width):
    """A shake smears a curled print's sides as a flat print's, read across their curves:
    "hold still" (a print bent across its width, its left and right sides straight, or
    across its height, its left and right sides bowed, shaken 10 px sideways; the narrower
    pair of sides said the first was still, and the straight pair's width given to the
    bowed sides the second)."""
    spec = SceneSpec(
        table="light",
        curl=0.05,
        curl_across_width=across_width,
        motion_blur_px=10.0,
        motion_angle_deg=0.0,
        frame_size=(1600, 1200),
        seed=7,
    )
    detection = detect_print_quad(render_print_scene(photos["coffee"], spec).frame)
    assert detection.curled
    assert Hint.BLURRY in detection.hints

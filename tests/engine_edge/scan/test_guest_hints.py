"""What a guest is told: small prints accepted when big enough to animate, glare shown."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine_edge.scan.detect import DetectSettings, Hint, detect_print_quad, glare_rectangles
from engine_edge.scan.evaluate import judge
from engine_edge.scan.scene_set import sample_scene
from engine_edge.scan.session import PrintNotFound, ScanSettings, scan_still
from engine_edge.scan.synthetic import SceneSpec, render_print_scene


def _tall(photo: np.ndarray) -> np.ndarray:
    h, w = photo.shape[:2]
    new_w = int(h * 0.62)
    return photo[:, (w - new_w) // 2 : (w - new_w) // 2 + new_w]


def test_a_small_centred_print_big_enough_to_animate_is_scanned(photos):
    # A tall, narrow print about a fifth of the frame's width (~250 px), in the middle.
    picture = _tall(photos["astronaut"])
    scene = render_print_scene(
        picture, SceneSpec(table="wood", print_share=0.07, offset=(0, 0), seed=2)
    )
    sides = np.linalg.norm(np.roll(scene.corners, -1, axis=0) - scene.corners, axis=1)
    assert 200 < sides.min() < 0.25 * 1280
    result = scan_still(scene.frame, ScanSettings(restore="off"))
    error = np.linalg.norm(result.detection.corners - scene.corners, axis=1).max()
    assert error < 0.01 * np.linalg.norm(scene.corners[2] - scene.corners[0])


def test_a_truly_small_print_is_told_how_close_to_hold_it(photos):
    picture = _tall(photos["astronaut"])
    scene = render_print_scene(
        picture, SceneSpec(table="dark", print_share=0.015, offset=(0, 0), seed=4)
    )
    detection = detect_print_quad(scene.frame)
    assert detection.hints[:1] == (Hint.TOO_SMALL,)
    assert "hold it" in detection.message and "distance" in detection.message
    assert detection.closer < 0.75
    with pytest.raises(PrintNotFound, match="hold it"):
        scan_still(scene.frame)


def test_the_same_print_seen_by_a_sharper_camera_is_big_enough(photos):
    # The preview is small; what counts is the camera's capture resolution.
    from engine_edge.scan.detect import DetectSettings

    picture = _tall(photos["astronaut"])
    scene = render_print_scene(
        picture, SceneSpec(table="dark", print_share=0.015, offset=(0, 0), seed=4)
    )
    detection = detect_print_quad(scene.frame, DetectSettings(camera_px_per_frame_px=3.0))
    assert Hint.TOO_SMALL not in detection.hints


def test_glare_over_the_face_in_one_view_asks_for_a_tilt_and_says_where(photos):
    where = (0.5, 0.32)  # astronaut's face
    scene = render_print_scene(
        photos["astronaut"], SceneSpec(table="wood", glare_at=where, glare_radius=0.07, seed=5)
    )
    with pytest.raises(PrintNotFound, match="tilt") as refused:
        scan_still(scene.frame)
    assert refused.value.hints[0] is Hint.GLARE_TILT
    h, w = scene.frame.shape[:2]
    ys, xs = np.nonzero(scene.glare_mask)
    cx, cy = xs.mean() / w, ys.mean() / h
    assert any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in refused.value.glare_boxes)
    # What the kiosk's Scan screen rings on its preview (640 px wide), in the preview's
    # pixels: round the reflection, not over the whole print, inside the picture.
    preview = (640, round(640 * h / w))
    marks = glare_rectangles(refused.value.glare_boxes, preview)
    ringed = [m for m in marks if m[0] < cx * 640 < m[2] and m[1] < cy * preview[1] < m[3]]
    assert ringed
    x0, y0, x1, y1 = ringed[0]
    assert (x1 - x0) * (y1 - y0) < 0.2 * preview[0] * preview[1]
    assert all(0 <= m[0] < m[2] <= preview[0] and 0 <= m[1] < m[3] <= preview[1] for m in marks)
    assert glare_rectangles((), preview) == []


def test_a_white_shirt_is_not_glare(photos):
    # astronaut's white suit, brightly lit: blown-out white, but no reflection round it.
    scene = render_print_scene(photos["astronaut"], SceneSpec(table="dark", exposure=1.1, seed=6))
    detection = detect_print_quad(scene.frame)
    assert Hint.GLARE not in detection.hints


@pytest.mark.parametrize(
    ("name", "paper_rgb"), [("coffee", (252, 250, 246)), ("rocket", (246, 240, 226))]
)
def test_a_bright_white_or_cream_border_is_not_glare(photos, name, paper_rgb):
    # A wide border, brightly lit, clips to white all round the picture: a long, thin
    # strip along the rim, not a reflection (it was refused with "tilt it" before).
    spec = SceneSpec(
        table="dark", border_px=45, border_rgb=paper_rgb, exposure=1.06, print_share=0.35, seed=3
    )
    scene = render_print_scene(photos[name], spec)
    detection = detect_print_quad(scene.frame)
    assert detection.hints == ()
    assert scan_still(scene.frame).photo.shape[0] > 0
    # The same print with a reflection over the picture is still asked to tilt.
    glossy = render_print_scene(photos[name], replace(spec, glare_at=(0.5, 0.4), glare_radius=0.06))
    with pytest.raises(PrintNotFound) as refused:
        scan_still(glossy.frame)
    assert refused.value.hints == (Hint.GLARE_TILT,)


def test_a_shaken_capture_is_asked_to_hold_steadier(photos):
    # A 10 px camera shake smears the print's sides across it: refused with "hold still"
    # rather than scanned soft; the same print held still is scanned.
    spec = SceneSpec(table="wood", motion_blur_px=10.0, motion_angle_deg=20.0, seed=3)
    shaken = render_print_scene(photos["coffee"], spec)
    with pytest.raises(PrintNotFound, match="Hold still") as refused:
        scan_still(shaken.frame)
    assert refused.value.hints[0] is Hint.BLURRY
    still = render_print_scene(photos["coffee"], SceneSpec(table="wood", seed=3))
    assert Hint.BLURRY not in detect_print_quad(still.frame).hints


def test_a_print_whose_colours_match_a_wavy_wood_table_is_found(photos):
    """A brown tabby on a brown wood table: no region of its own colour, and the waves cross
    its sides so no long straight segment shows. Its cut edge is still a sharp step where the
    table has none; refused as "no print found" before (untrue: the print's rim and the
    table differ by 19 in Lab, a guest sees it at once)."""
    labelled = sample_scene(photos["chelsea"], "plain", 300020)
    assert labelled.spec.table == "wood" and labelled.edge_contrast > 12.0
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


def test_a_picture_line_just_inside_a_wavy_wood_tables_print_is_not_its_outline(shared_data):
    """The tuning set's dog on wavy wood (seed 27): the sharp-edge hull found it, but its top
    side took the picture's own line at the foot of a grey strip along the paper's top edge
    (3 % of the diagonal off at a corner), so the side did not part paper from table and the
    guest heard "no print found" (untrue: rim and table differ by 24 in Lab). Such a side is
    fitted again at the outermost of its nearly best lines: the paper's edge."""
    from engine_edge.image_io import load_image

    photo = load_image(shared_data / "photos" / "pet_dog_no_human_face.jpg")
    labelled = sample_scene(photo, "plain", 27)
    assert labelled.spec.table == "wood" and labelled.edge_contrast > 12.0
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.usable, detection.hints
    truth = labelled.scene.corners
    error = np.linalg.norm(detection.corners - truth, axis=1).max()
    assert error < 0.005 * np.linalg.norm(truth[2] - truth[0])
    # A print on wood whose sides the refit cannot place at the paper stays refused, never
    # a wrong crop (the first version of the last resort found a line 1.7 % off here).
    photo = load_image(shared_data / "photos" / "liveportrait_s3.jpg")
    other = sample_scene(photo, "plain", 300117)
    detection = detect_print_quad(other.scene.frame)
    if detection.usable:
        truth = other.scene.corners
        error = np.linalg.norm(detection.corners - truth, axis=1).max()
        assert error < 0.012 * np.linalg.norm(truth[2] - truth[0])


@pytest.mark.parametrize(("name", "seed"), [("chelsea", 300320), ("astronaut", 300319)])
def test_a_deckled_print_is_found_though_only_its_tips_lie_on_a_line(photos, name, seed):
    """A cream print with deep deckle bites (6-9 px in the frame) on cloth or gravel: the
    small copy outlines it almost whole, but at full size only the bites' tips lie on each
    side's line (a third of the profiles); that was "no print found"."""
    labelled = sample_scene(photos[name], "deckled", seed)
    assert labelled.spec.deckle_px > 5.0 and labelled.edge_contrast > 12.0
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


def test_a_deckled_print_with_deep_bites_on_grass_is_found(shared_data):
    """A black-bordered print with 12 px deckle bites on grass (seed 200093): the small copy
    outlines it (0.84 of each side on an edge), but at full size only the bites' tips lie
    on each side's line (0.38), under the floor of the rule above, and it was refused "no
    print found" (untrue: rim and grass differ by 41 in Lab). The full-size outline agrees
    with the small copy's, and every side parts paper from grass at full size."""
    from engine_edge.image_io import load_image

    photo = load_image(shared_data / "photos" / "sadtalker_happy.png")
    labelled = sample_scene(photo, "deckled", 200093)
    assert labelled.spec.deckle_px > 15.0 and labelled.edge_contrast > 12.0
    outcome = judge(labelled)
    assert outcome.verdict == "ok", outcome


def test_a_still_print_on_cloth_is_not_told_to_hold_still(shared_data):
    """A black-bordered deckled print on dark blue cloth (seed 300093: camera blur σ 0.2 px,
    noise, JPEG 60) was refused "hold still": its sides measured 7.1-7.2 px wide, on a copy
    smoothed against the noise and mostly in colour (black on blue), which JPEG keeps at
    half resolution; in the frame's own lightness they are 3.7 px. A shake of the same
    print is still refused."""
    from engine_edge.image_io import load_image

    photo = load_image(shared_data / "photos" / "sadtalker_happy.png")
    labelled = sample_scene(photo, "deckled", 300093)
    assert labelled.blur_px < 1.0 and labelled.spec.jpeg_quality == 60
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.hints == (), detection
    truth = labelled.scene.corners
    error = np.linalg.norm(detection.corners - truth, axis=1).max()
    assert error < 0.012 * np.linalg.norm(truth[2] - truth[0])
    spec = replace(labelled.spec, border_px=0, motion_blur_px=10.0, motion_angle_deg=20.0)
    shaken = render_print_scene(labelled.scene.print_image, spec)
    assert Hint.BLURRY in detect_print_quad(shaken.frame).hints


@pytest.mark.parametrize(
    ("name", "seed"), [("sadtalker_art_5.png", 34), ("dlib_2009_004587.jpg", 97)]
)
def test_a_shaken_phone_view_is_still_told_to_hold_still(shared_data, name, seed):
    """Hand-held views with 7.9 and 6.7 px of blur, mostly the shake (tuning seeds 34 and
    97): their sides measure over 7 px in colour, as the still print on cloth above did,
    and in lightness 6.2 and 6.5 px (that print: 3.7)."""
    from engine_edge.image_io import load_image

    labelled = sample_scene(load_image(shared_data / "photos" / name), "phone", seed)
    assert labelled.blur_px > 6.0
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.hints[:1] == (Hint.BLURRY,), detection


def test_a_still_small_print_with_one_softer_side_is_not_told_to_hold_still(shared_data):
    """A small print on a light table (tuning seed 51: camera blur 1.9 px, no shake) was
    refused "hold still": its bottom side read 7.1 px on the copy smoothed against noise and
    5.5 px in lightness, over both limits, while the side opposite read 4.5 px. A shake
    smears opposite sides alike (the shaken views above: 6.3 / 5.7 and 6.3 / 6.2 px)."""
    from engine_edge.image_io import load_image

    labelled = sample_scene(load_image(shared_data / "photos" / "sadtalker_art_2.png"), "small", 51)
    assert labelled.blur_px < 4.0
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.hints == (), detection
    assert detection.widest_edge_px > DetectSettings().max_shake_px  # wide, but not a shake
    truth = labelled.scene.corners
    error = np.linalg.norm(detection.corners - truth, axis=1).max()
    assert error < 0.005 * np.linalg.norm(truth[2] - truth[0])


@pytest.mark.parametrize(
    ("name", "seed", "hints"),
    [("liveportrait_s1.jpg", 300060, (Hint.TOO_SMALL,)), ("sadtalker_art_1.png", 300105, ())],
)
def test_a_small_print_on_gravel_is_outlined_at_its_paper(shared_data, name, seed, hints):
    """Small prints on gravel were refused "no print found" (untrue: rim and table differ by
    39 and 15 in Lab). 300060: the narrow search on the small copy took a line of stones
    19 px off the print's top, which failed at full size (support 0.64); the wider search
    from the same candidate finds the paper (0.95). 300105 (noise σ 2.3, JPEG 60): the
    narrow search's outline was right but fell short at full size (0.69 on the smoothed
    copy); the wider one's is supported there (0.73). 300060 is told the truth: too small."""
    from engine_edge.image_io import load_image

    labelled = sample_scene(load_image(shared_data / "photos" / name), "small", seed)
    assert labelled.spec.table == "gravel" and labelled.edge_contrast > 12.0
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.hints == hints, detection
    truth = labelled.scene.corners
    error = np.linalg.norm(detection.corners - truth, axis=1).max()
    assert error < 0.005 * np.linalg.norm(truth[2] - truth[0])


def test_a_clipped_white_wall_reaching_the_rim_is_not_glare(shared_data):
    """A phone's view of a portrait before a white wall (seed 300079): an exposure of 1.08
    clips the wall to white from the print's left side to the hair, a wide patch reaching
    the print's middle; it was refused with "tilt it" though no reflection lies on it (the
    seed itself escaped by a hair once the paper's edge was drawn 0.375 px further out: the
    ring round the wall read 13.6 in texture against 13; a quieter camera or the print
    4 % further down the table still read under it). The wall runs along the rim and ends
    at the dark hair; a reflection fades out all round. The same print with a reflection
    over the picture is still asked to tilt."""
    from engine_edge.image_io import load_image

    photo = load_image(shared_data / "photos" / "liveportrait_s1.jpg")
    labelled = sample_scene(photo, "phone", 300079)
    assert not labelled.has_glare and labelled.spec.exposure > 1.07
    one_view = DetectSettings(glare_blocks=True)
    spec = replace(labelled.spec, border_px=0)
    for view in (
        spec,
        replace(spec, phone_noise=0.0, noise_sigma=1.0),
        replace(spec, offset=(0.0, 0.04)),
    ):
        frame = render_print_scene(labelled.scene.print_image, view).frame
        detection = detect_print_quad(frame, one_view)
        assert detection.hints == (), (view, detection)
    glossy = render_print_scene(
        labelled.scene.print_image, replace(spec, glare_at=(0.45, 0.35), glare_radius=0.08)
    )
    detection = detect_print_quad(glossy.frame, one_view)
    assert detection.hints == (Hint.GLARE_TILT,)
    assert detection.glare_share < 0.1  # the reflection alone, not the wall with it


def test_a_wide_light_border_clipped_in_patches_is_not_glare(shared_data):
    """A cream-bordered print on blue cloth (seed 400101: the border 57 px, a tenth of the
    print's side, wider than the rim the glare check skips). The lamp clips the border's
    brighter end to white in broken patches, each too short to read as a strip along the
    rim; they were taken for reflections (0.7 % of the print: "tilt it"). The border is
    cropped off with whatever lies on it: only the picture inside it is looked at. The
    same print with a reflection over the picture is still asked to tilt."""
    from engine_edge.image_io import load_image

    labelled = sample_scene(
        load_image(shared_data / "photos" / "liveportrait_s7.jpg"), "light_border", 400101
    )
    assert not labelled.has_glare and labelled.spec.border_px > 50
    one_view = DetectSettings(glare_blocks=True)
    detection = detect_print_quad(labelled.scene.frame, one_view)
    assert detection.hints == () and detection.glare_share == 0.0, detection
    spec = replace(labelled.spec, border_px=0, glare_at=(0.55, 0.4), glare_radius=0.05)
    glossy = render_print_scene(labelled.scene.print_image, spec)
    assert detect_print_quad(glossy.frame, one_view).hints == (Hint.GLARE_TILT,)


def test_a_still_print_whose_top_is_as_light_as_the_grass_is_not_told_to_hold_still(
    shared_data,
):
    """A plain print on grass (seed 600072: camera blur σ 1 px, no shake) was refused "hold
    still": its sides read 7.1-7.4 px on the copy smoothed against noise, and its top,
    which steps from the grass in colour alone, has no width in lightness to clear it. The
    side opposite, which a shake would have smeared alike, reads 3.7 px in lightness. A
    shake of the same print is still refused."""
    from engine_edge.image_io import load_image

    labelled = sample_scene(
        load_image(shared_data / "photos" / "sadtalker_art_9.png"), "plain", 600072
    )
    assert labelled.blur_px < 4.0 and labelled.spec.table == "grass"
    detection = detect_print_quad(labelled.scene.frame)
    assert detection.hints == (), detection
    assert detection.widest_edge_px > DetectSettings().max_shake_px  # wide, but not a shake
    spec = replace(labelled.spec, motion_blur_px=10.0, motion_angle_deg=80.0)
    shaken = render_print_scene(labelled.scene.print_image, spec)
    assert Hint.BLURRY in detect_print_quad(shaken.frame).hints

"""Screens are told from prints by their pixel grid or its moiré, never by dark edges."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from engine_edge.image_io import load_image
from engine_edge.scan.detect import Hint, PrintDetection, detect_print_quad
from engine_edge.scan.scene_set import darken, sample_scene
from engine_edge.scan.screen import (
    ScreenEvidence,
    ScreenSettings,
    _out_of_step,
    screen_evidence,
)
from engine_edge.scan.synthetic import (
    Scene,
    SceneSpec,
    frame_px_per_print_px,
    halftone_print,
    render_print_scene,
    screen_image,
)


def _shared_scene(shared_data: Path, name: str, kind: str, seed: int) -> Scene:
    """Scene ``seed`` of ``kind`` made from the shared photo ``name``."""
    return sample_scene(load_image(shared_data / "photos" / name), kind, seed).scene


def _detected(
    shared_data: Path, name: str, kind: str, seed: int
) -> tuple[PrintDetection, ScreenEvidence]:
    """Scene ``seed`` of ``kind`` as the detector sees it: its detection, and the screen
    evidence inside the outline it found."""
    scene = _shared_scene(shared_data, name, kind, seed)
    detection = detect_print_quad(scene.frame)
    assert detection.corners is not None
    return detection, screen_evidence(scene.frame, detection.corners)


DARK_PRINTS = [
    # (photo, border_px, border colour, table, JPEG quality)
    ("astronaut", 40, (8, 8, 10), "dark", 75),
    ("coffee", 30, (20, 18, 18), "wood", 90),
    ("camera", 0, (0, 0, 0), "dark", 60),
    ("chelsea", 25, (5, 5, 5), "cloth", 0),
]


@pytest.mark.parametrize(("name", "border", "rgb", "table", "quality"), DARK_PRINTS)
def test_dark_prints_and_black_borders_are_not_screens(photos, name, border, rgb, table, quality):
    picture = darken(photos[name], np.random.default_rng(border))  # near-black background
    spec = SceneSpec(
        table=table, border_px=border, border_rgb=rgb, jpeg_quality=quality, noise_sigma=2, seed=3
    )
    scene = render_print_scene(picture, spec)
    evidence = screen_evidence(scene.frame, scene.corners)
    assert not evidence.is_screen()
    # Little lightness detail lets noise weigh more in the colour's ratio; short of a screen's.
    assert evidence.colour_beat < ScreenSettings().beat_ratio


@pytest.mark.parametrize(
    ("pixel_px", "bezel_px", "gap"), [(3, 40, 1.0), (2, 0, 0.8), (4, 6, 0.8), (3, 25, 0.9)]
)
def test_screens_show_their_pixel_grid(photos, pixel_px, bezel_px, gap):
    shown = screen_image(photos["coffee"], pixel_px=pixel_px, bezel_px=bezel_px, gap=gap)
    scene = render_print_scene(shown, SceneSpec(table="wood", jpeg_quality=85, seed=pixel_px))
    assert screen_evidence(scene.frame, scene.corners).is_screen()


def test_a_print_too_small_to_tell_is_not_called_a_screen(photos):
    shown = screen_image(photos["coffee"])
    scene = render_print_scene(shown, SceneSpec(print_share=0.004, seed=1))
    assert not screen_evidence(scene.frame, scene.corners).is_screen()


# Screens the camera sees too coarsely to resolve the pixel grid: a small, tilted, slightly
# blurred view. The grid is left only as a drifting moiré, which the one large patch misses.
UNRESOLVED_SCREENS = [("astronaut", 4, 0.8), ("chelsea", 4, 0.8), ("coffee", 3, 0.7)]


@pytest.mark.parametrize(("name", "pixel_px", "gap"), UNRESOLVED_SCREENS)
def test_a_screen_whose_grid_is_unresolved_is_refused_by_its_moire(photos, name, pixel_px, gap):
    shown = screen_image(
        photos[name], pixel_px=pixel_px, bezel_px=25, gain=1.5, cast=(0.9, 0.95, 1.0), gap=gap
    )
    spec = SceneSpec(
        table="wood",
        print_share=0.25 if pixel_px == 4 else 0.2,
        roll_deg=17,
        tilt_x_deg=-14 if pixel_px == 4 else 12,
        tilt_y_deg=8,
        blur_sigma_px=0.8 if pixel_px == 4 else 0.6,
        jpeg_quality=75,
        seed=pixel_px,
    )
    scene = render_print_scene(shown, spec)
    evidence = screen_evidence(scene.frame, scene.corners)
    settings = ScreenSettings()
    grid_seen = evidence.grid_peak >= settings.grid_prominence
    grid_seen |= evidence.lightness_peak >= settings.lightness_prominence
    if name != "coffee":  # the first two show no grid to the one large patch
        assert not grid_seen
    assert evidence.is_screen()
    assert Hint.SCREEN in detect_print_quad(scene.frame).hints


@pytest.mark.parametrize("name", ["astronaut", "coffee", "chelsea"])
def test_an_enlarged_small_photo_and_a_glossy_dark_print_are_not_screens(photos, name):
    # A 256 px JPEG printed large keeps a faint grid of its pixels and blocks: prominent,
    # but carrying almost none of the picture's detail, unlike a screen's moiré.
    photo = photos[name]
    small = cv2.resize(
        photo, (256, 256 * photo.shape[0] // photo.shape[1]), interpolation=cv2.INTER_AREA
    )
    _, buffer = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 40])
    enlarged = cv2.resize(cv2.imdecode(buffer, cv2.IMREAD_UNCHANGED), None, fx=3.3, fy=3.3)
    spec = SceneSpec(table="wood", print_share=0.3, roll_deg=-9, tilt_x_deg=7, sheen=0.4, seed=5)
    scene = render_print_scene(enlarged, spec)
    assert not screen_evidence(scene.frame, scene.corners).is_screen()
    dark = darken(photo, np.random.default_rng(1))
    glossy = SceneSpec(table="dark", border_px=30, border_rgb=(10, 10, 12), sheen=0.4, seed=4)
    scene = render_print_scene(dark, glossy)
    assert not screen_evidence(scene.frame, scene.corners).is_screen()


# Prints whose picture carries a lattice of its own everywhere (a small picture's pixels or
# JPEG blocks, printed large), as prominent and as detailed as a faint screen's moiré: the
# painting sadtalker_art_18 on a cream border (tiled peak 2.02, share 0.039) and deckled
# (2.22, 0.038); the scikit-image rocket, deckled on gravel (share 0.08-0.13). The lattice
# runs along the print's own sides; a moiré does not.
PICTURE_LATTICE_PRINTS = [
    ("sadtalker_art_18.png", "light_border", 200011),
    ("sadtalker_art_18.png", "deckled", 300030),
]


@pytest.mark.parametrize(("name", "kind", "seed"), PICTURE_LATTICE_PRINTS)
def test_a_printed_pictures_own_lattice_is_not_a_screen(shared_data, name, kind, seed):
    scene = _shared_scene(shared_data, name, kind, seed)
    assert Hint.SCREEN not in detect_print_quad(scene.frame).hints
    evidence = screen_evidence(scene.frame, scene.corners)
    settings = ScreenSettings()
    assert evidence.tiled_peak >= settings.tiled_prominence  # the old cue alone fired here
    assert evidence.tiled_share >= settings.tiled_share
    assert evidence.tiled_off_axis_deg < 1.5  # along the print's own rows and columns


@pytest.mark.parametrize("seed", [300300, 300314])
def test_an_enlarged_jpegs_blocks_along_the_print_are_not_a_screen(photos, seed):
    scene = sample_scene(photos["rocket"], "deckled", seed).scene
    evidence = screen_evidence(scene.frame, scene.corners)
    assert evidence.tiled_share >= ScreenSettings().tiled_share
    assert not evidence.is_screen()


# Screens that only the tiled moiré refuses: sadtalker_full_body_1 on a phone whose moiré
# carries barely more than the share threshold (0.041), and sadtalker_art_9 on a dim
# 3 px screen (the median tile's peak 2.17 with 5 % of the detail, 19° off its axes).
FAINT_MOIRE_SCREENS = [("sadtalker_full_body_1.png", 300212), ("sadtalker_art_9.png", 35)]


@pytest.mark.parametrize(("name", "seed"), FAINT_MOIRE_SCREENS)
def test_a_faint_moire_off_the_screens_axes_is_still_a_screen(shared_data, name, seed):
    scene = _shared_scene(shared_data, name, "screen", seed)
    evidence = screen_evidence(scene.frame, scene.corners)
    settings = ScreenSettings()
    assert evidence.grid_peak < settings.grid_prominence  # the large patch sees no grid
    assert evidence.lightness_peak < settings.lightness_prominence
    assert evidence.tiled_off_axis_deg > settings.tiled_off_axis_deg
    assert Hint.SCREEN in detect_print_quad(scene.frame).hints


# A screen turned 17° on the table whose moiré runs along the frame's columns (liveportrait_s3
# on a 2 px screen, seed 400080). The spectrum's axes were left out, for the straight edges
# that spread along them, so it passed as a print. Its peak stands above its neighbours along
# the axis too, as an edge's line does not, and lies 17° off the screen's own axes.
def test_a_moire_along_the_frames_axes_is_a_screen(shared_data):
    detection, evidence = _detected(shared_data, "liveportrait_s3.jpg", "screen", 400080)
    settings = ScreenSettings()
    assert evidence.tiled_share >= settings.tiled_share
    assert evidence.tiled_off_axis_deg >= settings.tiled_off_axis_deg
    assert detection.hints == (Hint.SCREEN,)


# A print of straight lines square to the camera: the mortar of scikit-image's brick wall
# spreads along the spectrum's axes, far above its 2-D neighbourhood (judged by that alone,
# the median tile peaks at 2.9 with 18 % of the detail, and the large patch at 3.0), but not
# above the rest of the line.
def test_a_prints_straight_lines_square_to_the_camera_are_not_a_screen():
    brick = np.repeat(data.brick()[..., None], 3, axis=2)
    spec = SceneSpec(
        roll_deg=0.0, tilt_x_deg=0.0, tilt_y_deg=0.0, print_share=0.4, jpeg_quality=85, seed=2
    )
    scene = render_print_scene(brick, spec)
    assert not screen_evidence(scene.frame, scene.corners).is_screen()


# A screen whose moiré is a little too faint for the tiled cue above (sadtalker_art_9 on a
# tilted screen: the median tile's peak 1.93, under 2.0), so it used to pass as a print. It
# carries a screen's share of the detail, off the screen's axes, and it is coloured.
def test_a_faint_coloured_moire_off_the_axes_is_a_screen(shared_data):
    scene = _shared_scene(shared_data, "sadtalker_art_9.png", "screen", 200035)
    evidence = screen_evidence(scene.frame, scene.corners)
    settings = ScreenSettings()
    assert evidence.grid_peak < settings.grid_prominence
    assert evidence.lightness_peak < settings.lightness_prominence
    assert evidence.tiled_peak < settings.tiled_prominence  # the prominent-moiré cue misses it
    assert evidence.tiled_share > settings.tiled_share
    assert evidence.faint_off_axis_deg > settings.tiled_off_axis_deg
    assert evidence.faint_colour > settings.faint_colour_prominence
    assert evidence.faint_out_of_step > settings.faint_out_of_step  # side-by-side stripes
    assert Hint.SCREEN in detect_print_quad(scene.frame).hints


# A small print of sadtalker_art_19 (seed 3500069, 287 px across, three tiles): the knitted
# collar's yellow-green dots peak in two of its three tiles as a faint moiré would (1.98, 11
# camera pixels, 30° off the print's axes, 16 % of the detail) and they are coloured (1.86). It
# was refused as a screen. Its colours brighten and darken together at that peak.
def test_a_prints_coloured_texture_beating_in_step_is_not_a_screen(shared_data):
    scene = _shared_scene(shared_data, "sadtalker_art_19.png", "small", 3500069)
    evidence = screen_evidence(scene.frame, scene.corners)
    settings = ScreenSettings()
    assert evidence.tiled_peak > settings.faint_prominence
    assert evidence.tiled_share > settings.tiled_share
    assert evidence.faint_off_axis_deg > settings.tiled_off_axis_deg
    assert evidence.faint_colour > settings.faint_colour_prominence
    assert evidence.faint_out_of_step < settings.faint_out_of_step / 2
    assert not evidence.is_screen()
    assert Hint.SCREEN not in detect_print_quad(scene.frame).hints


def _stripes(shift_px: float) -> np.ndarray:
    """A 128 px tile of red, green and blue waves 11 px long, 30° off the rows, each
    ``shift_px`` further along than the one before, on mid grey."""
    yy, xx = np.mgrid[:128, :128].astype(np.float32)
    along = xx * np.cos(np.radians(30)) + yy * np.sin(np.radians(30))
    waves = [np.cos(2 * np.pi * (along - k * shift_px) / 11.0) for k in range(3)]
    return np.clip(128 + 40 * np.stack(waves, axis=2), 0, 255).astype(np.uint8)


# What the cue measures, on waves made to order: one wave in all three colours is in step,
# the same wave shifted a third of its length per colour (sub-pixel stripes) is not.
def test_colours_beating_out_of_step_are_told_from_colours_in_step():
    frequency = 128 / 11.0
    px = round(64 + frequency * np.cos(np.radians(30)))
    py = round(64 + frequency * np.sin(np.radians(30)))
    assert _out_of_step(_stripes(0.0).astype(np.float32) / 255, py, px) < 0.05
    assert _out_of_step(_stripes(11.0 / 3).astype(np.float32) / 255, py, px) > 0.8


# Prints whose texture's peaks carry a screen's share of the detail off their axes, with the
# median tile's peak near the faint cue's threshold: two photos on light borders (1.66 at
# 4.7°, 1.60 at 10°). Their peaks are colourless, and not quite as prominent.
@pytest.mark.parametrize(
    ("name", "seed"), [("dlib_2009_004587.jpg", 200002), ("dlib_2007_007763.jpg", 38)]
)
def test_a_prints_colourless_texture_off_its_axes_is_not_a_screen(shared_data, name, seed):
    scene = _shared_scene(shared_data, name, "light_border", seed)
    settings = ScreenSettings()
    evidence = screen_evidence(scene.frame, scene.corners)
    # Near the faint cue on every count but colour: within 0.25 of its peak, the share, the angle.
    reached = [evidence.tiled_peak + 0.25, evidence.tiled_share, evidence.faint_off_axis_deg]
    needed = [settings.faint_prominence, settings.tiled_share, settings.tiled_off_axis_deg]
    assert all(r > n for r, n in zip(reached, needed, strict=True))
    assert evidence.faint_colour < settings.faint_colour_prominence - 0.4
    assert not evidence.is_screen()
    assert Hint.SCREEN not in detect_print_quad(scene.frame).hints


# A noisy screen seen small (sadtalker_full_body_1 on a 2 px phone, 330 px across): its
# median tile peaks sharply (3.1) but holds 2 % of the tile's fine detail, the noise holding
# the rest, so the share-based cues miss it. It peaks at one frequency, off the screen's
# axes, in 3 of its 4 tiles; a print's texture does not. (Seed 300017, which only this cue
# refused, showed its moiré only while the synthetic 2 px screens were cyan.)
def test_a_moire_repeated_in_the_tiles_of_a_noisy_screen_is_a_screen(shared_data):
    detection, evidence = _detected(shared_data, "sadtalker_full_body_1.png", "screen", 300423)
    settings = ScreenSettings()
    assert evidence.tiled_share < settings.tiled_share  # the share-based cues miss it
    assert evidence.repeated_tiles >= settings.repeated_tiles
    assert evidence.repeated_share >= settings.repeated_share
    assert evidence.repeated_peak >= settings.tiled_prominence
    assert evidence.repeated_colour >= settings.repeated_colour_prominence
    assert detection.hints == (Hint.SCREEN,)


# A 256 px photo printed 3.5x larger carries its own pixel lattice in every tile, finer than
# the camera's pixels here, so it aliases off the print's axes and repeats in all 4 tiles
# (seed 1400055, a black-bordered print on a dark table: refused as a screen before). The
# lattice is grey; a screen's sub-pixel stripes beat in colour as well.
def test_a_small_pictures_own_pixel_lattice_repeated_in_every_tile_is_not_a_screen(
    shared_data,
):
    detection, evidence = _detected(shared_data, "sadtalker_happy.png", "black_border", 1400055)
    settings = ScreenSettings()
    assert evidence.repeated_tiles >= settings.repeated_tiles
    assert evidence.repeated_share >= settings.repeated_share
    assert evidence.repeated_peak >= settings.tiled_prominence
    assert evidence.repeated_colour < settings.repeated_colour_prominence
    assert Hint.SCREEN not in detection.hints


# The same 256 px photo printed large on brick (seed 1900036, no border): its pixel lattice,
# aliased at 1.87 camera pixels 39° off the print's axes, stands out in lightness alone over
# the whole patch (2.42, over the prints' 2.23 elsewhere) but is grey (colour 1.25); the
# screens that only lightness refuses peak in colour too (1.58 and over).
def test_a_small_pictures_grey_lattice_strong_in_lightness_is_not_a_screen(shared_data):
    detection, evidence = _detected(shared_data, "sadtalker_happy.png", "plain", 1900036)
    settings = ScreenSettings()
    assert evidence.lightness_peak >= settings.lightness_prominence
    assert evidence.grid_peak < settings.lightness_colour_prominence
    assert Hint.SCREEN not in detection.hints


# The prints of the tuning set and seeds 200000-600000 whose tiles agree most on one
# off-axis peak (3 of 9 tiles of a black-bordered print, 4 of 24 of a dark one): photos.
@pytest.mark.parametrize(
    ("name", "kind", "seed"),
    [("sadtalker_happy.png", "black_border", 500055), ("dlib_2007_007763.jpg", "dark", 300076)],
)
def test_a_prints_texture_peaking_alike_in_a_few_tiles_is_not_a_screen(
    shared_data, name, kind, seed
):
    detection, evidence = _detected(shared_data, name, kind, seed)
    assert evidence.repeated_tiles >= 3
    assert evidence.repeated_share < ScreenSettings().repeated_share
    assert Hint.SCREEN not in detection.hints


# Screens whose grid is finer than the camera's pixels, so no peak is left for the cues
# above (sadtalker_art_9 at 2.6 screen pixels per camera pixel, blur σ 0.9, JPEG 75;
# sadtalker_art_19 on a 4 px screen seen 380 px across, blur σ 0.9): their red, green and
# blue stripes still beat with the camera's pixels, in colour fringes that lightness does
# not share (1.2x lightness's fine detail), running one way (coherence 0.52-0.54).
@pytest.mark.parametrize(
    ("name", "seed"), [("sadtalker_art_9.png", 2100035), ("sadtalker_art_19.png", 2600107)]
)
def test_colour_beating_without_lightness_is_a_screen(shared_data, name, seed):
    detection, evidence = _detected(shared_data, name, "screen", seed)
    settings = ScreenSettings()
    assert not replace(evidence, colour_beat=0.0).is_screen()  # no grid or moiré peak
    assert evidence.colour_beat >= settings.beat_ratio
    assert evidence.beat_coherence >= settings.beat_coherence
    assert detection.hints == (Hint.SCREEN,)


# A phone's view of a print (sadtalker_art_19, seed 200088): its colour noise leaves more
# colour without lightness than lightness's own fine detail holds, on a soft painting; but
# in blotches with no direction, unlike a moiré's fringes.
# A screen whose colour fringes are strong (1.04x lightness's fine detail) but bent by the
# picture (sadtalker_art_19 on a 2 px screen, seed 3300107: coherence 0.37); prints with that
# much colour left over are blotches (at most 0.20). Its moiré stands out in a lit window
# too (the lit cue), but no peak cue over the tiles or the patch sees it.
def test_strong_colour_beating_a_little_less_coherent_is_a_screen(shared_data):
    detection, evidence = _detected(shared_data, "sadtalker_art_19.png", "screen", 3300107)
    settings = ScreenSettings()
    assert not replace(evidence, colour_beat=0.0, lit_share=0.0).is_screen()
    assert evidence.colour_beat >= settings.beat_ratio
    assert settings.beat_coherence <= evidence.beat_coherence < 0.38
    assert detection.hints == (Hint.SCREEN,)


def test_a_phones_colour_noise_is_not_a_screen(shared_data):
    detection, evidence = _detected(shared_data, "sadtalker_art_19.png", "phone", 200088)
    settings = ScreenSettings()
    assert evidence.colour_beat >= settings.beat_ratio
    assert evidence.beat_coherence < settings.beat_coherence - 0.1
    assert Hint.SCREEN not in detection.hints


# The prints of the tunable sets whose colour detail is most coherent (a painting on a
# plain print, a photo on a light border): their colour comes with lightness, as a
# coloured edge does, so little of it is left once lightness is regressed out.
@pytest.mark.parametrize(
    ("name", "kind", "seed"),
    [("sadtalker_art_9.png", "plain", 72), ("liveportrait_s7.jpg", "light_border", 1000101)],
)
def test_a_prints_coloured_edges_are_not_a_screen(shared_data, name, kind, seed):
    detection, evidence = _detected(shared_data, name, kind, seed)
    settings = ScreenSettings()
    assert evidence.beat_coherence >= settings.beat_coherence
    assert evidence.colour_beat < settings.beat_ratio / 1.5
    assert Hint.SCREEN not in detection.hints


# A screen whose moiré holds too little of the detail in most tiles for the faint cue
# (liveportrait_s1 on a 4 px screen, seed 1000098, JPEG 60: the median tile peaks at 1.52):
# the one tile where it stands out, 36° off the screen's axes and coloured, beats in red,
# green and blue out of step (0.79), as only side-by-side sub-pixel stripes do.
def test_a_lone_moire_beating_out_of_step_is_a_screen(shared_data):
    detection, evidence = _detected(shared_data, "liveportrait_s1.jpg", "screen", 1000098)
    settings = ScreenSettings()
    assert evidence.tiled_peak < settings.faint_prominence  # the faint cue misses it
    assert evidence.faint_off_axis_deg >= settings.tiled_off_axis_deg
    assert evidence.faint_colour >= settings.faint_colour_prominence
    assert evidence.faint_out_of_step >= settings.lone_out_of_step
    assert detection.hints == (Hint.SCREEN,)


# The prints whose tiles at the faint cue's peak beat the most out of step of the 1440
# measured (0.33, one tile each): a phone's view of sadtalker_art_2 off its axes and coloured
# (seed 1200070), a dark print of dlib_2008_001322 on its axes (seed 58). A print's texture
# brightens and darkens its colours together; what is left is the sensor's noise.
@pytest.mark.parametrize(
    ("name", "kind", "seed"),
    [("sadtalker_art_2.png", "phone", 1200070), ("dlib_2008_001322.jpg", "dark", 58)],
)
def test_a_prints_lone_peak_is_not_out_of_step_enough_for_a_screen(shared_data, name, kind, seed):
    detection, evidence = _detected(shared_data, name, kind, seed)
    assert 0.2 < evidence.faint_out_of_step < ScreenSettings().lone_out_of_step - 0.2
    assert Hint.SCREEN not in detection.hints


# Screens whose moiré shows in a few tiles only, where the picture is smooth and lit, but
# holds much of their fine detail there, at one frequency off the screen's axes (the grey row
# gaps, so its colours beat in step): sadtalker_art_9 as a dark portrait on a 2 px screen
# (its face in 2 of 5 tiles, peaks 3.58, shares 0.57), liveportrait_s3 (4 of 17 tiles). The
# median tile, the share of tiles that agree and the colours' step all miss it.
@pytest.mark.parametrize(
    ("name", "seed"), [("sadtalker_art_9.png", 2300035), ("liveportrait_s3.jpg", 2300080)]
)
def test_a_moire_dominating_a_few_tiles_is_a_screen(shared_data, name, seed):
    detection, evidence = _detected(shared_data, name, "screen", seed)
    settings = ScreenSettings()
    assert evidence.tiled_share < settings.tiled_share
    assert evidence.repeated_share < settings.repeated_share
    assert evidence.faint_out_of_step < settings.faint_out_of_step
    assert evidence.dominant_tiles >= settings.dominant_tiles
    assert detection.hints == (Hint.SCREEN,)


# A tilted screen whose moiré dominates two tiles at frequencies that drift apart across the
# glass (sadtalker_art_2 on a 4 px screen, seed 2600089: 0.35-0.38 of the two tiles' detail
# at 3.9-4.3, 38° off the axes, 4.1 bins apart: past the repeated cue's 4), as round 20's
# detector outlined it (its top-left corner 18 px inside the glass; outlined true, the
# lightness cue refuses it); and a screen whose moiré dominates the one lit, smooth tile of
# four (liveportrait_s8 on a 2 px screen, seed 2400008: 0.59 of its detail at 3.3), as the
# detector outlines it. No other cue over the tiles or the patch refuses either outline (the
# lit windows' moiré refuses both too).
ART_2_AS_ROUND_20_OUTLINED = ((207.0, 154.5), (702.0, 25.0), (839.6, 519.0), (348.5, 678.6))


@pytest.mark.parametrize(
    ("name", "seed", "tiles", "outline"),
    [
        ("sadtalker_art_2.png", 2600089, 2, ART_2_AS_ROUND_20_OUTLINED),
        ("liveportrait_s8.jpg", 2400008, 1, None),
    ],
)
def test_a_moire_dominating_tiles_at_drifting_frequencies_is_a_screen(
    shared_data, name, seed, tiles, outline
):
    scene = _shared_scene(shared_data, name, "screen", seed)
    detection = detect_print_quad(scene.frame)
    corners = detection.corners if outline is None else np.array(outline, np.float32)
    assert corners is not None
    evidence = screen_evidence(scene.frame, corners)
    settings = ScreenSettings()
    alone = "lone" if tiles < settings.dominant_tiles else "dominant"
    assert replace(evidence, lit_share=0.0).cues() == (alone,)
    assert evidence.dominant_tiles == tiles
    if tiles < settings.dominant_tiles:
        assert evidence.lone_share >= settings.lone_share
    assert detection.hints == (Hint.SCREEN,)


# The prints of the tunable sets whose lone tile's off-axis peak holds the most of its
# detail: a phone's view of sadtalker_art_9 (seed 3000016, 0.26) and a plain print of
# dlib_2007_007763 (seed 3800000, 0.25 at 3.02); half what one screen tile's moiré holds.
@pytest.mark.parametrize(
    ("name", "kind", "seed"),
    [("sadtalker_art_9.png", "phone", 3000016), ("dlib_2007_007763.jpg", "plain", 3800000)],
)
def test_a_prints_lone_texture_does_not_dominate_a_tile_as_a_moire_does(
    shared_data, name, kind, seed
):
    detection, evidence = _detected(shared_data, name, kind, seed)
    settings = ScreenSettings()
    assert evidence.dominant_tiles < settings.dominant_tiles
    assert evidence.lone_share < settings.lone_share / 1.5
    assert Hint.SCREEN not in detection.hints


# The prints of the tunable sets whose texture peaks alike in two tiles with the most of
# their detail (a gingham shirt in a light-bordered print, 0.16-0.19 of it at 2.55-2.58;
# glare over a print, 0.18 at 2.25): short of the share a screen's moiré holds.
@pytest.mark.parametrize(
    ("name", "kind", "seed"),
    [("dlib_2007_007763.jpg", "light_border", 200038), ("dlib_2009_004587.jpg", "glare", 1500059)],
)
def test_a_prints_texture_holding_some_detail_in_two_tiles_is_not_a_screen(
    shared_data, name, kind, seed
):
    detection, evidence = _detected(shared_data, name, kind, seed)
    assert evidence.dominant_tiles < ScreenSettings().dominant_tiles
    assert Hint.SCREEN not in detection.hints


# Dim screens whose moiré stands out only where the picture is lit (a grid multiplies the
# picture): liveportrait_s4's dark painting on a 3 px screen (seed 4500062, blur σ 0.02, JPEG
# 60; its tiles' median peak 1.36, its face a 96 px window wide), liveportrait_s3 under a
# sheen of 0.34 (seed 4900080) and sadtalker_art_5 under 0.29 (seed 5100053). Each passed as
# a print before; in a lit window one fine peak off the print's axes holds 0.27-0.76 of the
# detail.
@pytest.mark.parametrize(
    ("name", "seed"),
    [
        ("liveportrait_s4.jpg", 4500062),
        ("liveportrait_s3.jpg", 4900080),
        ("sadtalker_art_5.png", 5100053),
    ],
)
def test_a_moire_in_the_lit_picture_is_a_screen(shared_data, name, seed):
    detection, evidence = _detected(shared_data, name, "screen", seed)
    assert not replace(evidence, lit_share=0.0).is_screen()
    assert evidence.lit_share >= ScreenSettings().lit_share
    assert detection.hints == (Hint.SCREEN,)


# A print's own detail peaks in its lit windows too, but coarse: dlib_2007_007763 in a light
# border (seed 3000038), whose lit window holds 0.25 of its detail in one peak off its axes
# from 0.15 cycles a pixel, none from the 0.22 a moiré is read at (prints of 8 tunable sets:
# at most 0.012 there).
def test_a_prints_coarse_detail_in_its_lit_windows_is_not_a_moire(shared_data):
    detection, evidence = _detected(shared_data, "dlib_2007_007763.jpg", "light_border", 3000038)
    settings = ScreenSettings()
    assert detection.corners is not None
    scene = _shared_scene(shared_data, "dlib_2007_007763.jpg", "light_border", 3000038)
    coarse = replace(settings, lit_min_cycles_per_px=0.15)
    assert screen_evidence(scene.frame, detection.corners, coarse).lit_share >= settings.lit_share
    assert evidence.lit_share < settings.lit_share / 10
    assert Hint.SCREEN not in detection.hints


def test_the_evidence_names_the_cues_that_call_it_a_screen():
    assert ScreenEvidence(0.0).cues() == ()
    assert not ScreenEvidence(0.0).is_screen()
    both = ScreenEvidence(3.0, lightness_peak=3.0, lone_share=0.9)
    assert both.cues() == ("grid", "lightness", "lone")
    assert both.is_screen()


# A newspaper clipping's black halftone at 45°, its dots 2.5 camera pixels apart, and a
# magazine's CMYK rosette at 3: the cues that read a regular grid read the dot lattice
# (benchmarks/halftone.py, seeds 200000+: 54 of 64 halftone and pinstriped prints refused as
# screens before), but the dots are dark on paper in the light tones and the holes light in
# ink in the dark tones, which no display's grid is (ScreenEvidence.is_halftone). So are a
# poster's coarse dots, 12 and 16 camera pixels apart, once the tones are read over whole
# cells of the lattice (refused as screens with a 4 px tone window).
@pytest.mark.parametrize(
    ("period_px", "colour"), [(2.5, False), (3.0, True), (12.0, False), (16.0, False)]
)
def test_a_halftone_print_is_not_a_screen(shared_data, period_px, colour):
    labelled = sample_scene(
        load_image(shared_data / "photos" / "liveportrait_s3.jpg"), "plain", 200000
    )
    height, width = labelled.truth.shape[:2]
    scale = frame_px_per_print_px((width, height), labelled.spec)
    printed = halftone_print(labelled.truth, period_px / scale, colour=colour)
    scene = render_print_scene(printed, labelled.spec)
    assert Hint.SCREEN not in detect_print_quad(scene.frame).hints


def _ramp(height: int = 360, width: int = 480) -> np.ndarray:
    """A grey ramp from near black to near white, left to right: every tone a print has."""
    tones = np.linspace(20, 235, width, dtype=np.float32)
    return np.repeat(np.repeat(tones[None, :, None], height, 0), 3, 2).astype(np.uint8)


# The dots' period in camera pixels: a clipping's 65-150 lpi under the kiosk's camera, and
# coarse screens, up to a poster's 16 px dots (whose tones a 4 px window read from the dots
# and cells themselves: skews reversed, -0.27 and 0.24 at 12 px). (At 2.5 px, near the
# camera's Nyquist, blur leaves the dots' skew weaker: this ramp reads 0.31 and -0.17, on
# the veto's line.)
@pytest.mark.parametrize("period_camera_px", [3.0, 3.5, 8.0, 12.0, 16.0])
def test_a_halftones_dots_are_skewed_light_in_its_shadows_and_dark_in_its_highlights(
    period_camera_px,
):
    ramp, spec = _ramp(), SceneSpec(seed=4)
    scale = frame_px_per_print_px(ramp.shape[1::-1], spec)
    scene = render_print_scene(halftone_print(ramp, period_camera_px / scale), spec)
    evidence = screen_evidence(scene.frame, scene.corners)
    assert evidence.dark_skew >= ScreenSettings().halftone_dark_skew
    assert evidence.light_skew <= ScreenSettings().halftone_light_skew
    assert evidence.is_halftone()
    assert not evidence.is_screen()


# A display's grid multiplies the picture: its shape, and so its skew, is one at every tone,
# whatever the pixel pitch and however dark the gaps between the pixels; where the emitted
# light clips (a gain over 1), its highlights' detail is skewed lighter, never darker, than
# its shadows'.
@pytest.mark.parametrize(("pixel_px", "gap"), [(2, 1.0), (3, 1.0), (3, 0.6), (4, 0.8)])
def test_a_screens_grid_is_skewed_alike_at_every_tone(pixel_px, gap):
    shown = screen_image(_ramp(), pixel_px=pixel_px, bezel_px=25, gap=gap)
    scene = render_print_scene(shown, SceneSpec(table="wood", jpeg_quality=85, seed=pixel_px))
    evidence = screen_evidence(scene.frame, scene.corners)
    assert evidence.dark_skew - evidence.light_skew < 0.2
    assert not evidence.is_halftone()
    assert evidence.is_screen()


# Where a display's grid is faint in lightness, the picture's own specks (a catchlight in
# the dark coffee, the cup's dark rim on white) skew its detail as a halftone's dots do; its
# red, green and blue stripes still fringe in colour that lightness does not share, which
# no ink lattice does, so that cue outlives the halftone's veto.
def test_a_screen_whose_picture_reads_as_a_halftone_is_refused_by_its_colour_fringes(photos):
    scene = render_print_scene(screen_image(photos["coffee"]), SceneSpec(table="wood", seed=1))
    evidence = screen_evidence(scene.frame, scene.corners)
    assert evidence.is_halftone()
    assert evidence.cues() == ("colour_beat",)


@pytest.mark.parametrize("level", [0, 17, 128])
def test_a_print_of_one_flat_colour_is_measured_not_a_crash(level):
    """A digital print's flat black (or any one colour, with no camera noise on it) has no
    detail at all: a tile or lit window of it divided the peak's power by a total of zero
    and the scan stopped with ZeroDivisionError. It holds no screen's grid."""
    frame = np.full((480, 640, 3), 90, np.uint8)
    frame[100:356, 150:406] = level
    corners = np.array([[150, 100], [406, 100], [406, 356], [150, 356]], np.float64)
    evidence = screen_evidence(frame, corners)
    assert not evidence.is_screen()
    assert evidence.lit_share == 0.0

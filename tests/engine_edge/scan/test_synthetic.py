"""The synthetic camera (a test aid) draws the print where its labelled corners say: the
scanner is judged against those corners and the picture between them."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.scan.detect import detect_print_quad
from engine_edge.scan.synthetic import (
    INK_FILTERS,
    ROSETTE_DEG,
    SceneSpec,
    halftone_print,
    pinstripe_print,
    print_to_frame,
    render_print_scene,
    screen_image,
    side_bow,
)


def _half_crossing(profile: np.ndarray, start: int, rising: bool) -> float:
    """Where ``profile`` crosses halfway between its two levels near ``start`` (pixel
    centres at their index, as in the frame's coordinates)."""
    low, high = float(profile.min()), float(profile.max())
    half = 0.5 * (low + high)
    values = profile if rising else profile[::-1]
    i = int(np.argmax(values > half))
    x = i - 1 + (half - values[i - 1]) / (values[i] - values[i - 1])
    return start + (x if rising else len(profile) - 1 - x)


def test_the_papers_edge_lies_on_the_labelled_corners():
    """A white card on a dark table, square to the camera, no blur or noise: its edge
    crosses half-white at the labelled corners. The coverage mask was drawn 0.375 px up
    and left of the picture and the corners (left edge at -0.37 px, right at -0.39)."""
    card = np.full((200, 300, 3), 255, np.uint8)
    spec = SceneSpec(
        frame_size=(640, 480), table="dark", roll_deg=0.0, tilt_x_deg=0.0, tilt_y_deg=0.0
    )
    scene = render_print_scene(card, spec)
    grey = scene.frame.mean(axis=2)
    (left, top), (right, _), (_, bottom) = scene.corners[0], scene.corners[1], scene.corners[2]
    row, col = grey[240], grey[:, 320]
    x0, x1, y0, y1 = (int(v) for v in (left, right, top, bottom))
    found = [
        _half_crossing(row[x0 - 4 : x0 + 5], x0 - 4, rising=True),
        _half_crossing(row[x1 - 4 : x1 + 5], x1 - 4, rising=False),
        _half_crossing(col[y0 - 4 : y0 + 5], y0 - 4, rising=True),
        _half_crossing(col[y1 - 4 : y1 + 5], y1 - 4, rising=False),
    ]
    # The fill widens the card by under 0.1 px a side (it includes pixels it touches).
    assert np.allclose(found, [left, right, top, bottom], atol=0.15), (found, scene.corners)
    assert abs((found[0] + found[1]) / 2 - (left + right) / 2) < 0.1
    assert abs((found[2] + found[3]) / 2 - (top + bottom) / 2) < 0.1


def test_a_plain_print_is_outlined_without_a_shift(photos):
    """The detector finds a plain print's edges where they are: the outline's centre lies
    within 0.15 px of the labelled one (0.4 px up and left while the paper was drawn off
    its picture, which cost a sharp print up to 0.03 of the ideal scan's SSIM)."""
    shifts = []
    for seed, name in enumerate(("astronaut", "coffee", "chelsea")):
        spec = SceneSpec(table="wood", seed=seed, roll_deg=4.0 + 5 * seed)
        scene = render_print_scene(photos[name], spec)
        found = detect_print_quad(scene.frame).corners
        assert found is not None
        shifts.append(found.mean(axis=0) - scene.corners.mean(axis=0))
    assert np.abs(np.mean(shifts, axis=0)).max() < 0.15, shifts


@pytest.mark.parametrize("pixel_px", [2, 3, 4, 5])
def test_a_synthetic_screen_lights_its_three_stripes_evenly(pixel_px):
    # Each stripe is a third of a pixel wide, whatever the pixel's width: a grey picture
    # comes out grey. Stripes cut at whole columns left a 2 px pixel's red stripe unlit
    # (every 2 px screen was cyan) and a 4 px pixel's blue stripe two columns wide.
    grey = np.full((30, 30, 3), 150, np.uint8)
    shown = screen_image(grey, pixel_px=pixel_px, bezel_px=0, gain=1.0, gap=1.0)
    means = shown.reshape(-1, 3).mean(axis=0)
    assert means.min() > 0.97 * means.max()
    lit_columns = (shown[0] > 0).reshape(-1, pixel_px, 3).any(axis=0)
    assert lit_columns.any(axis=0).all()  # red, green and blue each lit within a pixel


def _lattice_peak(grey: np.ndarray) -> tuple[float, float]:
    """The strongest non-zero frequency of ``grey`` (a square image): its period in pixels
    and its angle (0-180°, turned to the wave's crest direction's normal)."""
    n = grey.shape[0]
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(grey - grey.mean())))
    spectrum[n // 2 - 3 : n // 2 + 4, n // 2 - 3 : n // 2 + 4] = 0  # the picture's own slope
    py, px = np.unravel_index(np.argmax(spectrum), spectrum.shape)
    fy, fx = py - n // 2, px - n // 2
    return n / float(np.hypot(fx, fy)), float(np.degrees(np.arctan2(fy, fx)) % 180.0)


@pytest.mark.parametrize("tone", [64, 128, 192])
def test_a_halftone_prints_each_tone_as_dots_on_its_lattice(tone):
    # Black ink at 45°, 8 px apart: the dots cover as much paper as the tone is dark, and
    # the print's strongest frequency is the lattice's, at 45° (or its other axis, 135°).
    flat = np.full((256, 256, 3), tone, np.uint8)
    printed = halftone_print(flat, 8.0, angle_deg=45.0, paper_rgb=(240, 240, 240))
    coverage = 1.0 - tone / 255.0
    ink = np.array(INK_FILTERS[3])
    expected = 240.0 * (1.0 - coverage * (1.0 - ink))
    assert np.abs(printed.reshape(-1, 3).mean(axis=0) - expected).max() < 0.05 * 240
    period, angle = _lattice_peak(printed[..., 1].astype(np.float64))
    assert abs(period - 8.0) < 0.4
    assert min(abs(angle - 45.0), abs(angle - 135.0)) < 3.0


def test_a_colour_halftone_prints_each_ink_on_its_own_turned_lattice():
    # A cyan picture: only cyan ink, whose dots absorb red (the rosette's 15° screen); the
    # green and blue light pass, so the red channel carries the lattice.
    cyan = np.zeros((256, 256, 3), np.uint8)
    cyan[..., 1:] = 255
    cyan[..., 0] = 128
    printed = halftone_print(cyan, 8.0, colour=True).astype(np.float64)
    red, green, blue = (printed[..., c] for c in range(3))
    assert red.mean() < 0.8 * green.mean() and red.std() > 3.0 * blue.std()
    period, angle = _lattice_peak(red)
    assert abs(period - 8.0) < 0.4
    assert min(abs(angle - ROSETTE_DEG[0]), abs(angle - ROSETTE_DEG[0] - 90.0)) < 3.0


def test_pinstripes_cover_only_the_lower_half():
    picture = np.full((120, 100, 3), 60, np.uint8)
    striped = pinstripe_print(picture, 6.0)
    assert np.array_equal(striped[:60], picture[:60])
    lower = striped[60:, :, 0].astype(np.float64)
    assert lower.max() > 150 and lower.min() == 60
    period, angle = _lattice_peak(lower[:, :60])
    assert abs(period - 6.0) < 0.5 and min(angle, 180.0 - angle) < 3.0


def test_a_rounded_print_shows_the_table_at_its_corners_only():
    """Rounded corners (an old snapshot's): the table shows where the corner is cut off,
    the labelled corners stay where the sides' lines meet, and the sides are as straight
    and as placed as a square print's."""
    card = np.full((200, 300, 3), 255, np.uint8)
    square = SceneSpec(
        frame_size=(640, 480), table="dark", roll_deg=0.0, tilt_x_deg=0.0, tilt_y_deg=0.0
    )
    rounded = SceneSpec(**{**square.__dict__, "corner_radius": 0.08})
    flat, cut = render_print_scene(card, square), render_print_scene(card, rounded)
    assert np.allclose(flat.corners, cut.corners)
    (x0, y0), (x1, y1) = cut.corners[0], cut.corners[2]
    inset = 2  # pixels in from a labelled corner, inside the square card
    corners = [(x0 + inset, y0 + inset), (x1 - inset, y0 + inset), (x1 - inset, y1 - inset)]
    for x, y in corners:
        assert flat.frame[round(y), round(x)].mean() > 200  # paper
        assert cut.frame[round(y), round(x)].mean() < 100  # table
    middle_of_top = (round(y0) + 2, round((x0 + x1) / 2))
    assert cut.frame[middle_of_top].mean() > 200
    # The ideal scan's corners show the table's colour, its middle the picture.
    assert cut.print_image[0, 0].mean() < 100 and cut.print_image[100, 150].mean() == 255


@pytest.mark.parametrize("curl", [0.08, -0.08])
def test_a_curled_print_is_drawn_where_its_bent_sides_lie(curl):
    """A curled card: its top and bottom are arcs, and the paper's edge is where
    print_to_frame puts each side's middle (the renderer's rays and the forward model
    agree), bowed off the straight line between the labelled corners (the far side less)."""
    card = np.full((200, 300, 3), 255, np.uint8)
    spec = SceneSpec(
        frame_size=(640, 480),
        table="dark",
        roll_deg=0.0,
        tilt_x_deg=12.0,
        tilt_y_deg=0.0,
        curl=curl,
        curl_light_deg=0.0,
    )
    scene = render_print_scene(card, spec)
    grey = scene.frame.mean(axis=2)
    bows = []
    for v, rising in ((0.0, True), (200.0, False)):
        ((x, y),) = print_to_frame(spec, (300, 200), np.array([[150.0, v]]))
        column = grey[:, round(x)]
        start = round(y) - 6
        found = _half_crossing(column[start : start + 13], start, rising)
        assert abs(found - y) < 0.3, (v, found, y)
        chord_y = (
            (scene.corners[0, 1] + scene.corners[1, 1]) / 2
            if v == 0
            else (scene.corners[2, 1] + scene.corners[3, 1]) / 2
        )
        bows.append(abs(y - chord_y))
    assert max(bows) > 2.0  # off the straight line through the corners
    assert side_bow(spec, (300, 200)) > 0.01
    assert side_bow(SceneSpec(**{**spec.__dict__, "curl": 0.0}), (300, 200)) < 1e-9

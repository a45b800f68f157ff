"""Regenerate the before/after pictures of the README's scan section.

    .venv/bin/python docs/scan/make_examples.py

Every input is a scikit-image public-domain photo made into a synthetic camera view
(engine_edge.scan.synthetic); the outputs are what `keepsake scan` produces.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
from skimage import data

from engine_edge.scan.capture import capture_print
from engine_edge.scan.detect import detect_print_quad, refine_quad
from engine_edge.scan.restore import restore_photo
from engine_edge.scan.session import draw_detection, scan_frames, scan_still
from engine_edge.scan.synthetic import (
    SceneSpec,
    fade,
    render_print_scene,
    render_two_prints,
    screen_image,
)

HERE = Path(__file__).resolve().parent


def sepia(grey: np.ndarray) -> np.ndarray:
    g = grey.astype(np.float32)
    return np.clip(np.dstack([0.8 * g + 45, 0.68 * g + 38, 0.5 * g + 30]), 0, 255).astype(np.uint8)


def side_by_side(left: np.ndarray, right: np.ndarray, height: int = 300) -> np.ndarray:
    def fit(img: np.ndarray) -> np.ndarray:
        scale = height / img.shape[0]
        return cv2.resize(img, (round(img.shape[1] * scale), height), interpolation=cv2.INTER_AREA)

    gap = np.full((height, 8, 3), 255, np.uint8)
    return np.hstack([fit(left), gap, fit(right)])


def save(name: str, rgb: np.ndarray) -> None:
    cv2.imwrite(str(HERE / name), rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 80])


def main() -> None:
    # 1. A faded colour print under glossy glare, three frames under different lights.
    faded = fade(data.astronaut())
    frames = [
        render_print_scene(
            faded,
            SceneSpec(
                table="wood", glare_spots=2, roll_deg=7, tilt_x_deg=12, noise_sigma=2, seed=s
            ),
        ).frame
        for s in (3, 4, 5)
    ]
    detection = detect_print_quad(frames[0])
    quads = [refine_quad(f, detection.corners) for f in frames]
    flat = capture_print(frames, quads)
    save("faded_glare.jpg", side_by_side(frames[0], restore_photo(flat)))
    # 2. A faded sepia print on a dark cloth: restored, and still sepia.
    scene = render_print_scene(
        fade(sepia(data.camera())), SceneSpec(table="cloth", roll_deg=-9, tilt_y_deg=10, seed=7)
    )
    found = detect_print_quad(scene.frame)
    save(
        "sepia.jpg",
        side_by_side(scene.frame, restore_photo(capture_print([scene.frame], found.corners))),
    )
    # 3. What the guest is told: a photo of a screen, and two prints at once.
    screen = render_print_scene(screen_image(data.coffee()), SceneSpec(table="wood", seed=1)).frame
    spec = SceneSpec(table="dark", print_share=0.14, offset=(-0.24, 0.02), tilt_x_deg=4, seed=1)
    two = render_two_prints(data.coffee(), data.chelsea(), spec).frame
    save(
        "hints.jpg",
        side_by_side(
            draw_detection(screen, detect_print_quad(screen)),
            draw_detection(two, detect_print_quad(two)),
        ),
    )
    # 4. A black-bordered print on a dark table: found, not taken for a screen, border
    # cropped (the old scanner refused it as a screen).
    spec = SceneSpec(
        table="dark",
        border_px=36,
        border_rgb=(22, 20, 20),
        roll_deg=8,
        tilt_x_deg=10,
        light_gradient=0.25,
        jpeg_quality=80,
        noise_sigma=2,
        seed=21,
    )
    scene = render_print_scene(data.coffee(), spec)
    save("dark_border.jpg", side_by_side(scene.frame, scan_still(scene.frame).photo))
    # 5. A small, tall print (about a fifth of the frame's width) in the middle of the table.
    h, w = data.astronaut().shape[:2]
    tall = data.astronaut()[:, w // 2 - int(0.31 * h) : w // 2 + int(0.31 * h)]
    spec = SceneSpec(table="wood", print_share=0.07, offset=(0.0, 0.0), roll_deg=-6, seed=22)
    scene = render_print_scene(tall, spec)
    save("small_print.jpg", side_by_side(scene.frame, scan_still(scene.frame).photo))
    # 6. A cream, deckle-edged print on gravel: outlined at the bites' tips (not on a row of
    # stones just outside), the border's inner edge fitted side by side and cut off.
    from engine_edge.scan.scene_set import sample_scene

    scene = sample_scene(data.astronaut(), "deckled", 75).scene
    save("deckled.jpg", side_by_side(scene.frame, scan_still(scene.frame).photo))
    save("burst.jpg", burst_close_up())


def burst_close_up() -> np.ndarray:
    """7. A phone-grade camera's noise: the face from one frame's scan, and from the
    kiosk's burst of three fused (the same print, each frame with its own noise)."""
    spec = SceneSpec(table="wood", phone_noise=6.0, jpeg_quality=80, print_share=0.3, seed=23)
    frames = [
        render_print_scene(data.astronaut(), replace(spec, burst_index=i)).frame for i in range(3)
    ]
    scans = [scan_still(frames[0]).photo, scan_frames(frames).photo]
    faces = []
    for photo in scans:
        h, w = photo.shape[:2]
        face = photo[round(0.12 * h) : round(0.34 * h), round(0.36 * w) : round(0.58 * w)]
        faces.append(cv2.resize(face, (300, 300), interpolation=cv2.INTER_CUBIC))
    return side_by_side(*faces)


if __name__ == "__main__":
    main()

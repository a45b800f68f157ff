"""The inside of a speaking mouth as a person sees it mid-word, on real photos.

Single frames straight from the renderer on the speech shapes ``speech.articulation``
sets (D: a wide vowel), measured down columns of the mouth's own frame: a wide vowel
shows a tongue lit on top, not one dark throat; the corners stay in the lips' shade,
not black wedges; a drawn lip line fades beyond the corners as the mouth opens, and no
black line stays between a smile's upper lip and its teeth.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine_edge.analysis import analyse
from engine_edge.deliver import plan_framing
from engine_edge.image_io import load_image
from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.pipeline import reframe
from engine_edge.render import Renderer
from engine_edge.rig import build_rig

WIDE_VOWEL = {"jaw_open": 0.9, "lip_width": 0.2, "upper_lip_raise": 0.2, "teeth_show": 0.6}


@pytest.fixture(scope="module")
def renderers(shared_data, models):  # type: ignore[no-untyped-def]
    made: dict[str, Renderer] = {}

    def get(name: str) -> Renderer:
        if name not in made:
            image = load_image(shared_data / "photos" / name)
            analysis = analyse(image, models)
            faces = [f.box for f in analysis.faces]
            photo, local = reframe(
                image, analysis, plan_framing(analysis.image_size, faces, "original")
            )
            made[name] = Renderer(photo, build_rig(local), local.person_mask)
        return made[name]

    return get


def _column(renderer: Renderer, frame: np.ndarray, across: float, dv: np.ndarray) -> np.ndarray:
    """Luminance down the mouth at ``across`` (share of its width), ``dv`` px from the parting."""
    mouth = renderer.parts[0].mouth
    u = np.full(1, across * mouth.width)
    v = mouth.parting(u)[:, None] + dv[None, :]
    xy = mouth.frame.to_xy(np.repeat(u[:, None], dv.size, axis=1), v).astype(np.float32)
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return cv2.remap(grey, xy[..., 0], xy[..., 1], cv2.INTER_LINEAR).ravel()


def _wide_vowel(renderer: Renderer) -> np.ndarray:
    return renderer.render(FrameParams((FaceParams(**WIDE_VOWEL),), CameraParams()))


def _luma(rgb: np.ndarray) -> float:
    return float(np.dot(rgb, (0.299, 0.587, 0.114)))


@pytest.mark.parametrize("name", ["sadtalker_happy.png", "sadtalker_art_3.png"])
def test_a_wide_vowel_shows_a_tongue_lit_on_top(renderers, name) -> None:
    """Down the middle of a wide vowel, under the throat's dark, the tongue's body comes up
    lit on top (as light as its own colour) and rounds into shade again before the lower
    teeth; it was a dim ramp out of the throat, brightest where the lower teeth hide it."""
    renderer = renderers(name)
    mouth, inside = renderer.parts[0].mouth, renderer.parts[0].inside
    frame = _wide_vowel(renderer)
    dv = np.arange(0.0, mouth.max_drop_px * 0.9 + 0.1 * mouth.width, 0.01 * mouth.width)
    down = np.median([_column(renderer, frame, x, dv) for x in (0.47, 0.5, 0.53)], axis=0)
    throat = int(np.argmin(down[: int(0.7 * dv.size)]))
    lower_teeth = throat + int(np.argmax(down[throat:]))
    body = down[throat:lower_teeth]
    assert body.size >= 6, down.astype(int)
    top = body[: int(0.6 * body.size)]
    assert top.max() >= 0.9 * _luma(inside.tongue_rgb), (down.astype(int), inside.tongue_rgb)
    assert top.max() >= 3.0 * max(down[throat], 10.0), down.astype(int)
    crest = int(np.argmax(top))
    assert body[crest] - body[crest:].min() >= 8.0, ("rounds into shade", body.astype(int))


@pytest.mark.parametrize("name", ["sadtalker_happy.png", "sadtalker_art_9.png"])
def test_the_corners_of_an_open_mouth_are_not_black_wedges(renderers, name) -> None:
    """Near the corners of a wide vowel the inside is in the lips' and cheeks' shade, lighter
    than the deep throat in the middle (it was as dark as the throat or darker: black wedges
    cut into the face)."""
    renderer = renderers(name)
    mouth = renderer.parts[0].mouth
    frame = _wide_vowel(renderer)
    step = 0.01 * mouth.width
    middle = float(_column(renderer, frame, 0.5, np.arange(0.0, mouth.max_drop_px, step)).min())
    for across in (0.1, 0.9):
        # Inside the opening there: the jaw drops that column by sin(pi x)^0.8 of the middle's.
        drop = 0.9 * mouth.max_drop_px * np.sin(np.pi * across) ** 0.8
        corner = float(_column(renderer, frame, across, np.arange(0.0, 0.8 * drop, step)).min())
        assert corner >= 1.3 * max(middle, 10.0), (across, corner, middle)


def test_the_lip_line_beyond_the_corners_fades_as_the_mouth_opens(renderers) -> None:
    """A painting's drawn line where the lips meet runs on past the corners; on a wide
    vowel it thins out instead of staying beside the opening as a dark dash: just past
    each corner its darkest point is at least 0.3 of the tone around it (it stayed as
    dark as on the closed mouth, 0.14 on art_3)."""
    renderer = renderers("sadtalker_art_3.png")
    mouth = renderer.parts[0].mouth
    w = mouth.width
    grey = cv2.cvtColor(_wide_vowel(renderer), cv2.COLOR_RGB2GRAY).astype(np.float32)
    for a, b in ((-0.06, -0.015), (1.015, 1.06)):
        uu, vv = np.meshgrid(np.linspace(a * w, b * w, 12), np.linspace(-0.12 * w, 0.12 * w, 49))
        patch = mouth.frame.sample(grey, uu, vv)
        line = patch[np.abs(vv[:, 0]) <= 0.04 * w]
        assert line.min() >= 0.3 * float(np.median(patch)), (a, line.min(), np.median(patch))


SLIGHTLY_OPEN = {"jaw_open": 0.36, "lip_width": 0.2, "upper_lip_raise": 0.1, "teeth_show": 0.6}


@pytest.mark.parametrize("name", ["liveportrait_s1.jpg", "sadtalker_full_body_1.png"])
def test_no_black_line_between_a_smiles_upper_lip_and_its_teeth(renderers, name) -> None:
    """Towards the sides of a smile that opens a little, going down from the upper lip to
    the biting edges, the darkest point is the lip's own shade, not a black line: on
    average over the sides it is at least 0.65 of the lip's tone (the photo's dark line
    where the lips met stayed on the lip: 0.61 on s1, 0.57 on full_body_1, down to 0.2
    in places)."""
    renderer = renderers(name)
    mouth = renderer.parts[0].mouth
    assert renderer.parts[0].inside.has_teeth
    frame = renderer.render(FrameParams((FaceParams(**SLIGHTLY_OPEN),), CameraParams()))
    dv = np.arange(-0.1 * mouth.width, 0.04 * mouth.width, 0.005 * mouth.width)
    depths = []
    for x in (*np.linspace(0.2, 0.3, 9), *np.linspace(0.7, 0.8, 9)):
        down = _column(renderer, frame, x, dv)
        lip = float(np.median(down[dv < -0.07 * mouth.width]))
        teeth = int(np.argmax(down >= 0.9 * down.max()))  # the top of the biting edges
        depths.append(float(down[: teeth + 1].min()) / lip)
    assert np.mean(depths) >= 0.65, np.round(depths, 2)

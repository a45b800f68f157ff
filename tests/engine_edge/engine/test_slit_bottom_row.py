"""The slit under a nearly closed lid shows no line of the open eye's colour at its bottom.

Between closure 0.5 and 1 the eye still showing under the closing lid is shaded towards
the lash colour. Its lowest row, cut by the rising lower lid's edge, was shaded only by
the share of the pixel above that edge, while the warp showed the open eye there in full:
a half-lit line in the eye's own colour along the bottom of the slit (sadtalker_art_9's
blue iris at closure 0.9, round 17). That row is now the shaded slit blended with the
lower lid under it: in every column its colour lies between the two.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine_edge.perform import CameraParams, FaceParams, FrameParams
from engine_edge.render.features import EyeFeature

from .conftest import staged_renderer

CLOSING = (0.86, 0.9)


def _lowest_row_excursion(frame: np.ndarray, eye: EyeFeature, closure: float) -> list[float]:
    """Per pixel column over the eye's middle, how far the slit's lowest pixel lies outside
    the range of the slit pixel above it and the lower lid's pixel under it, in any of
    L*, a*, b* (0 where it lies between them, as a blend of the two does); columns where
    the slit is at least two pixels tall."""
    lab = cv2.cvtColor(frame, cv2.COLOR_RGB2LAB).astype(np.float32)
    x0, y0, x1, y1 = (int(t) for t in eye.box())
    yy, xx = np.mgrid[y0:y1, x0:x1]
    u, v = eye.frame.to_uv(np.dstack((xx, yy)).astype(np.float64))
    _up, _lo, _hgt, edge, low_edge, _top, _bot = eye._lids(u, closure, 0.0)
    slit = (v >= edge) & (v < low_edge) & (u > 0.2 * eye.length) & (u < 0.8 * eye.length)
    crop = lab[y0:y1, x0:x1]
    out = []
    for col in range(slit.shape[1]):
        rows = np.flatnonzero(slit[:, col])
        if rows.size >= 2 and rows[-1] + 1 < crop.shape[0]:
            low, above, below = (crop[r, col] for r in (rows[-1], rows[-1] - 1, rows[-1] + 1))
            lo, hi = np.minimum(above, below), np.maximum(above, below)
            out.append(float(np.max(np.maximum(low - hi, lo - low).clip(min=0.0))))
    return out


def test_no_line_of_the_eye_under_the_slit(shared_data, models) -> None:  # type: ignore[no-untyped-def]
    renderer = staged_renderer(shared_data / "photos" / "sadtalker_art_9.png", models)
    excursions = []
    for closure in CLOSING:
        frame = renderer.render(
            FrameParams((FaceParams(lid_left=closure, lid_right=closure),), CameraParams())
        )
        for eye in renderer.parts[0].eyes:
            excursions += _lowest_row_excursion(frame, eye, closure)
    assert len(excursions) >= 20, len(excursions)
    # round 17: 9 (98th percentile 13), the blue of the iris; now 2 (4)
    assert np.percentile(excursions, 90) <= 4.0, np.percentile(excursions, 90)

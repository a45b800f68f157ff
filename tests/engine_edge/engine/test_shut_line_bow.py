"""A shut eye's lash line bows down from corner to corner in one arc, without a wave.

Up to round 19 the shut line lay ``CLOSE_AT`` of the way down the opening everywhere, so it
took the lower lid's shape; on sadtalker_art_18 (27 px eyes) the lower lid fitted onto the
photo's dark margin sinks in its middle and comes in flat at the corners, and the shut line
ran flat out of the outer corner, dipped, and rose 0.7 px over the line between its ends
before it turned down into the inner corner: a wave with its ends turned up, plain at x4.
"""

from __future__ import annotations

import numpy as np

from .conftest import staged_renderer

SAMPLES = 200  # points along the eye where the shut line is read
OVER_PX = 0.05  # how far over the corners' line the shut line may lie (rounding)
# the most the line may bend the wrong way (second difference, px, at SAMPLES points): a
# wave bends it by 0.018 and 0.027 on art_18's eyes up to round 19; its bow, by -0.009 to -0.011
WAVE_PX = 1e-3


def test_the_shut_line_is_one_bow_on_a_small_painted_face(shared_data, models) -> None:  # type: ignore[no-untyped-def]
    renderer = staged_renderer(shared_data / "photos" / "sadtalker_art_18.png", models)
    for eye in renderer.parts[0].eyes:
        u = np.linspace(0.0, eye.length, SAMPLES)
        line = eye._lids(u, 1.0, 0.0)[3]
        chord = line[0] + (line[-1] - line[0]) * u / eye.length
        assert np.min(line - chord) >= -OVER_PX
        assert np.max(np.diff(line, 2)) <= WAVE_PX

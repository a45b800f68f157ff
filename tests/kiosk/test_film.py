"""The staff's tribute film as the render worker makes it (kiosk/film.py), without the screen."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from engine_edge.deliver import encode_mp4, probe_mp4
from engine_edge.montage.film import FilmInvalid, _timeline
from engine_edge.pipeline import EngineSettings, RenderCancelled
from kiosk.film import film_size, make_event_film

SMALL = EngineSettings(max_short_side_px=240, x264_preset="ultrafast")


def _clip(shade: int, frames: int = 20) -> bytes:
    """A short real H.264 clip: a soft gradient that drifts (enough for two cross-fades)."""
    ramp = np.linspace(0, 60, 96, dtype=np.float32)[None, :, None]
    return encode_mp4(
        (
            np.clip(shade + ramp + i + np.zeros((96, 96, 3), np.float32), 0, 255).astype(np.uint8)
            for i in range(frames)
        ),
        fps=10.0,
        size=(96, 96),
        x264_preset="ultrafast",
    )


def _make(clips: list[bytes], cancel: threading.Event, seen: list[float]) -> bytes:
    return make_event_film(
        clips,
        ["Ruth Miller, 1931\u20132024", ""],
        None,
        loop=True,
        fps=10.0,
        engine=SMALL,
        progress=seen.append,
        cancel=cancel,
    )


def test_film_is_landscape_at_the_engines_size_and_loops() -> None:
    assert film_size(1080) == (1920, 1080) and film_size(2160) == (1920, 1080)
    assert film_size(240) == (426, 240)
    seen: list[float] = []
    film = _make([_clip(40), _clip(150)], threading.Event(), seen)
    facts = probe_mp4(film)
    assert (facts.width, facts.height) == (426, 240) and facts.fps == pytest.approx(10.0)
    # looped: card 30 + 20 + 20 frames, each of the three joins a 0.8 s cross-fade
    assert facts.frame_count == 30 + 20 + 20 - 3 * 8
    # the timeline (which sizes the sound and the progress) agrees with the picture
    assert _timeline([30, 20, 20], 8, loop=True)[1] == facts.frame_count
    assert seen and seen[-1] == pytest.approx(1.0)
    assert "tribute film" in facts.metadata.get("keepsake_provenance", "")


def test_stop_and_nothing_to_film_are_plain_errors() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RenderCancelled, match="cancelled"):
        _make([_clip(40), _clip(150)], cancel, [])
    with pytest.raises(FilmInvalid, match="no portraits"):
        make_event_film(
            [], [], None, loop=False, fps=10.0, engine=SMALL, progress=print, cancel=cancel
        )

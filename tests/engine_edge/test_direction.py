"""Directions in words map onto presets, intensity and channels; unknown words are refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine_edge.direction import DirectionUnclear, parse_direction, step_direction
from engine_edge.perform import CHANNELS


@pytest.mark.parametrize(
    "text",
    [
        "soft smile, gentle head turn, warm tone",
        "slight blink and subtle breathing, reflective mood",
        "quiet memorial tone, minimal motion",
        "less motion",
        "no head movement",
        "warmer smile",
    ],
)
def test_the_briefs_examples_are_understood(text: str) -> None:
    d = parse_direction(text)
    assert d.phrases
    assert 0.0 < d.intensity <= 1.0
    assert set(d.overrides) <= set(CHANNELS)
    assert all(0.0 <= v <= 2.0 for v in d.overrides.values())


def test_words_have_the_effect_they_say() -> None:
    assert parse_direction("no head movement").overrides == {"head": 0.0}
    calm = parse_direction("quiet memorial tone, minimal motion")
    assert calm.preset == "memorial" and calm.intensity < 0.5
    warm = parse_direction("soft smile, gentle head turn, warm tone")
    assert warm.overrides["head"] < 1.0 and 0.8 < warm.overrides["smile"] < 1.0
    assert parse_direction("warmer smile").overrides["smile"] > 1.0
    assert parse_direction("reflective mood").preset == "memorial"


def test_unknown_words_are_named_never_guessed() -> None:
    with pytest.raises(DirectionUnclear, match="dancing") as err:
        parse_direction("soft smile, dancing wildly")
    assert "wildly" in str(err.value) and "soft smile" in str(err.value)  # offers examples
    with pytest.raises(DirectionUnclear, match="two moods"):
        parse_direction("birthday, memorial")
    with pytest.raises(DirectionUnclear, match="empty"):
        parse_direction(" , ")


def test_gentler_and_livelier_steps_order_the_motion() -> None:
    gentle, plain, lively = step_direction(-1), step_direction(0), step_direction(1)
    assert gentle.intensity < plain.intensity == 1.0
    assert lively.overrides["head"] > 1.0 and not plain.overrides


def test_cli_refuses_an_unknown_direction_before_any_work(tmp_path) -> None:
    from skimage import data, io

    photo = tmp_path / "astronaut.png"
    io.imsave(photo, data.astronaut())
    out = tmp_path / "clip.mp4"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine_edge.cli",
            "animate",
            str(photo),
            "-o",
            str(out),
            "--direct",
            "moonwalk",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "moonwalk" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()

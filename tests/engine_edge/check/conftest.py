"""Clips for the self-check's tests: one good memorial clip of the astronaut, made once."""

from __future__ import annotations

import pytest

from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo

SMALL = EngineSettings(max_short_side_px=384, x264_preset="ultrafast", crf=18)


@pytest.fixture(scope="session")
def models():  # type: ignore[no-untyped-def]
    from engine_edge.analysis import load_models

    return load_models()


def render(astronaut, models, **options):  # type: ignore[no-untyped-def]
    defaults = {"seconds": 6.0, "fps": 15.0, "engine": SMALL}
    return animate_photo(astronaut, AnimateOptions(**{**defaults, **options}), models)


@pytest.fixture(scope="session")
def good_clip(astronaut, models):  # type: ignore[no-untyped-def]
    return render(astronaut, models)

"""Models are compiled once per test session (a few hundred ms each)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def ov_fp32():
    from engine_edge.analysis import load_models

    return load_models(backend="openvino", precision="fp32")


@pytest.fixture(scope="session")
def astronaut_analysis(astronaut, ov_fp32):
    from engine_edge.analysis import analyse

    return analyse(astronaut, ov_fp32)

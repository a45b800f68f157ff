"""Models are compiled once per test session (a few hundred ms each)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def model_cache():
    """load_models results by (backend, precision), compiled on first use."""
    from engine_edge.analysis import load_models

    cache: dict[tuple[str, str], object] = {}

    def get(backend: str, precision: str):
        if (backend, precision) not in cache:
            cache[backend, precision] = load_models(backend=backend, precision=precision)
        return cache[backend, precision]

    return get


@pytest.fixture(scope="session")
def ov_fp32(model_cache):
    return model_cache("openvino", "fp32")


@pytest.fixture(scope="session")
def astronaut_analysis(astronaut, ov_fp32):
    from engine_edge.analysis import analyse

    return analyse(astronaut, ov_fp32)


@pytest.fixture(scope="session")
def accuracy_images():
    from models_int8.photos import accuracy_set

    return accuracy_set()

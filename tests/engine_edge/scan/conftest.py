"""Real photos for the scan tests: scikit-image's public-domain pictures."""

from __future__ import annotations

import numpy as np
import pytest


def _rgb(image: np.ndarray) -> np.ndarray:
    return np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image


@pytest.fixture(scope="session")
def photos() -> dict[str, np.ndarray]:
    from skimage import data

    return {
        name: _rgb(getattr(data, name)())
        for name in ("astronaut", "coffee", "chelsea", "camera", "rocket")
    }

"""Shared fixtures: real photos from scikit-image, and ../shared/data when it is present."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The team's real test material; tests using it skip when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test material not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """A public-domain colour portrait (RGB uint8, 512x512) that scikit-image ships."""
    from skimage import data

    return data.astronaut()

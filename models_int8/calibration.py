"""Calibration inputs for INT8: real faces through print-like looks, as the pipeline feeds them.

The images are scikit-image's LFW faces 10..99 and a few face-free photos (so
detectors also see background); the accuracy check's images (astronaut,
camera, Grace Hopper, LFW 0..3) are held out. Each goes through a random print look
(sepia, faded, grain, blur, low light), a rotation within ±30° and a scale. The
FP32 pipeline then runs on them with every session recorded, so each model is
calibrated on exactly the crops it will see. Fixed seeds: same data every build.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from models_int8 import photos


class Recorder:
    """A Session that runs the real one and keeps a copy of every input."""

    def __init__(self, session: Any, store: list[np.ndarray]) -> None:
        self.session = session
        self.store = store

    def run(self, image: np.ndarray) -> list[np.ndarray]:
        self.store.append(np.array(image, dtype=np.float32, copy=True))
        return self.session.run(image)


def calibration_images(seed: int = 2024) -> list[np.ndarray]:
    from skimage import data

    rng = np.random.default_rng(seed)
    looks = (photos.sepia, photos.faded, photos.grain, photos.blur, photos.low_light)
    faces = list(photos.lfw_faces(100).values())[10:]
    backgrounds = [data.chelsea(), data.coffee(), data.rocket()]
    out = []
    for img in faces + faces[::3] + backgrounds:
        look = looks[int(rng.integers(len(looks)))]
        img = look(img, rng)
        img = photos.rotated(float(rng.uniform(-30, 30)))(img, rng)
        img = photos.scaled(float(rng.uniform(0.5, 1.2)))(img, rng)
        out.append(img)
    return out


def record_inputs(models: Any, limit: int = 300) -> dict[str, list[np.ndarray]]:
    """Run the FP32 pipeline over the calibration images; inputs seen by each model."""
    from engine_edge.analysis import analyse

    store: dict[str, list[np.ndarray]] = {name: [] for name in models.sessions}
    recording = replace(
        models, sessions={n: Recorder(s, store[n]) for n, s in models.sessions.items()}
    )
    for img in calibration_images():
        analyse(img, recording)
    rng = np.random.default_rng(0)
    picked = {}
    for name, tensors in store.items():
        if len(tensors) > limit:
            idx = np.sort(rng.choice(len(tensors), limit, replace=False))
            tensors = [tensors[i] for i in idx]
        picked[name] = tensors
    return picked

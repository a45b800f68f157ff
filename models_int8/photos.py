"""Offline portraits and print-like variants: calibration, accuracy checks and benchmarks.

Every image here comes from a dependency (scikit-image, matplotlib) and every
variant is made with a fixed seed, so the tests, the model build and the
reference run under MediaPipe all see exactly the same pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np


def base_portraits() -> dict[str, np.ndarray]:
    """RGB uint8 portraits: astronaut (colour), camera (b/w), Grace Hopper (colour)."""
    from skimage import data

    images = {"astronaut": data.astronaut(), "camera": _gray_to_rgb(data.camera())}
    try:
        from matplotlib import cbook
        from PIL import Image

        with cbook.get_sample_data("grace_hopper.jpg") as fh:
            images["grace_hopper"] = np.asarray(Image.open(fh).convert("RGB"))
    except (ImportError, OSError):
        pass
    return images


def lfw_faces(count: int, size: int = 200) -> dict[str, np.ndarray]:
    """Small b/w faces from scikit-image's LFW subset, enlarged like a scanned snapshot."""
    import cv2
    from skimage import data

    faces = data.lfw_subset()[:100]
    out = {}
    for i in range(min(count, len(faces))):
        gray = (faces[i] * 255).astype(np.uint8)
        big = cv2.resize(gray, (size, size), interpolation=cv2.INTER_CUBIC)
        canvas = cv2.copyMakeBorder(
            big, size // 2, size // 2, size // 2, size // 2, cv2.BORDER_REPLICATE
        )
        out[f"lfw{i:02d}"] = _gray_to_rgb(canvas)
    return out


def _gray_to_rgb(gray: np.ndarray) -> np.ndarray:
    return np.repeat(gray[..., None], 3, axis=2)


def sepia(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    m = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])
    return np.clip(img.astype(np.float32) @ m.T, 0, 255).astype(np.uint8)


def faded(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    f = img.astype(np.float32) * 0.55 + 95 + np.array([12, 6, -10], np.float32)
    return np.clip(f, 0, 255).astype(np.uint8)


def grain(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.normal(0, 14, img.shape[:2])[..., None]
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def blur(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    import cv2

    sigma = max(img.shape[:2]) / 400
    return cv2.GaussianBlur(img, (0, 0), sigma)


def low_light(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    f = (img.astype(np.float32) / 255) ** 1.6 * 110 + rng.normal(0, 3, img.shape)
    return np.clip(f, 0, 255).astype(np.uint8)


def rotated(angle_deg: float) -> Callable[[np.ndarray, np.random.Generator], np.ndarray]:
    def rotate(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        import cv2

        h, w = img.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
        return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)

    rotate.__name__ = f"rot{angle_deg:+.0f}"
    return rotate


def scaled(factor: float) -> Callable[[np.ndarray, np.random.Generator], np.ndarray]:
    def scale(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        import cv2

        h, w = img.shape[:2]
        size = (max(8, round(w * factor)), max(8, round(h * factor)))
        return cv2.resize(
            img, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        )

    scale.__name__ = f"scale{factor:g}"
    return scale


PRINT_LOOKS = (sepia, faded, grain, blur, low_light, rotated(-30), rotated(20), scaled(0.6))


def variants(
    images: dict[str, np.ndarray], looks=PRINT_LOOKS, seed: int = 7
) -> Iterator[tuple[str, np.ndarray]]:
    """Each image as itself and through each print-like look (deterministic)."""
    for name, img in images.items():
        yield name, img
        for i, look in enumerate(looks):
            rng = np.random.default_rng(seed + i)
            yield f"{name}_{look.__name__}", look(img, rng)


def accuracy_set() -> dict[str, np.ndarray]:
    """The images the accuracy test and manifest figures use (originals + print looks)."""
    return dict(variants({**base_portraits(), **lfw_faces(4)}))

"""Load any photo a guest or staff member hands us as RGB uint8, upright.

Every later command reads images through :func:`load_image`, so the odd
files scanners and phones produce (EXIF rotation, grayscale, 16-bit, alpha,
palette, CMYK) all arrive as the same plain array, and bad files become a
typed error with a message a person can act on.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
from pathlib import Path

import numpy as np

from engine_edge import atomic
from engine_edge.errors import ImageTooLarge, ImageUnreadable

MAX_PIXELS = 80_000_000  # about 80 megapixels: more would not fit the box's memory safely
# Longest side / shortest side: no print is longer than a panorama strip, and video encoders
# refuse frames far beyond it (a 20000x40 "photo" used to fail inside libx264).
MAX_ASPECT = 8.0
MIN_SIDE_PX = 8
# Decoded by content, not by name: only these Pillow plugins are ever tried, so an EPS, PDF
# or PostScript file named photo.jpg is refused instead of being handed to Ghostscript.
FORMATS = ("JPEG", "PNG", "TIFF", "BMP", "WEBP")  # JPEG covers phones' MPO files too


def load_image(path: str | os.PathLike[str], *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read ``path`` as an upright RGB uint8 array of shape (H, W, 3).

    The pixel count is checked from the header before anything is decoded, so a
    huge file is refused without using the memory it would need.
    """
    file = Path(path)
    if not file.is_file():
        raise ImageUnreadable(f"{file} does not exist or is not a file; check the path.")
    if file.stat().st_size == 0:
        raise ImageUnreadable(f"{file} is empty (0 bytes); copy the photo again.")
    return _decode(file, file.name, max_pixels)


def decode_image(
    data: bytes, name: str = "The photo", *, max_pixels: int = MAX_PIXELS
) -> np.ndarray:
    """:func:`load_image` for bytes already in memory (a stored or uploaded photo)."""
    if not data:
        raise ImageUnreadable(f"{name} is empty (0 bytes); copy the photo again.")
    return _decode(io.BytesIO(data), name, max_pixels)


def _decode(source: Path | io.BytesIO, name: str, max_pixels: int) -> np.ndarray:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # our own limit (below Pillow's warning level) is checked from the header
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source, formats=FORMATS) as img:
                width, height = img.size
                _check_size(name, width, height, max_pixels)
                img.load()
                upright = ImageOps.exif_transpose(img)
                return _to_rgb8(upright)
    except ImageUnreadable:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(
            f"{name} has far more than {max_pixels / 1e6:.0f} MP; "
            "scan or export the photo at a lower resolution."
        ) from exc
    except PermissionError as exc:
        raise ImageUnreadable(
            f"{name} cannot be opened: permission denied. Copy the photo somewhere readable."
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageUnreadable(
            f"{name} is not a photo Keepsake can read; use a JPEG, PNG, TIFF, BMP or WebP file."
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as exc:
        # Pillow's decoders raise any of these on a damaged or cut-short file.
        raise ImageUnreadable(
            f"{name} could not be read ({exc}); the file may be damaged or cut short. "
            "Copy or scan the photo again."
        ) from exc


def _check_size(name: str, width: int, height: int, max_pixels: int) -> None:
    """Refuse, from the header alone, sizes and shapes no portrait has."""
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"{name} is {width}x{height} pixels "
            f"({width * height / 1e6:.0f} MP); the limit is {max_pixels / 1e6:.0f} MP. "
            "Scan or export the photo at a lower resolution."
        )
    if min(width, height) < MIN_SIDE_PX:
        raise ImageUnreadable(
            f"{name} is only {width}x{height} pixels; use a photo at least "
            f"{MIN_SIDE_PX} pixels on each side (a scan of the print is best)."
        )
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageUnreadable(
            f"{name} is {width}x{height} pixels, a strip far longer than any photo "
            f"(at most {MAX_ASPECT:g} times longer than wide); crop it to the portrait first."
        )


def _to_rgb8(img) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Any PIL mode -> RGB uint8; alpha is composited on white like a print."""
    from PIL import Image

    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I") and arr.max() > 255 else max(arr.max(), 1.0)
        gray = np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(gray[..., None], 3, axis=2))
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("LA", "La", "PA"):
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "RGBa"):
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img.convert("RGBA"))
    if img.mode != "RGB":
        img = img.convert("RGB")
    arr = np.asarray(img, dtype=np.uint8)
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.size == 0:
        raise ImageUnreadable("The photo has no usable pixels; scan it again.")
    return np.ascontiguousarray(arr)


def as_rgb8(frame: np.ndarray, name: str = "The picture") -> np.ndarray:
    """An array handed over in memory (a camera frame, a caller's photo) as RGB uint8.

    A monochrome camera gives one plane and a screenshot four; the scanner's colour
    measures need three, so they are made three here (alpha composited on white, as
    :func:`load_image` does) instead of failing deep inside a colour conversion.
    """
    shape = frame.shape
    if frame.size == 0:
        raise ImageUnreadable(f"{name} has no pixels; check the camera and try again.")
    if frame.dtype != np.uint8 or frame.ndim not in (2, 3):
        raise ImageUnreadable(
            f"{name} is not an 8-bit picture (got {frame.dtype} of shape {shape}); "
            "set the camera to an 8-bit colour or grey format."
        )
    channels = 1 if frame.ndim == 2 else shape[2]
    if channels == 3:
        return frame
    if channels == 1:
        return np.repeat(frame.reshape(shape[0], shape[1], 1), 3, axis=2)
    if channels == 4:
        alpha = frame[..., 3:].astype(np.float32) / 255.0
        on_white = frame[..., :3] * alpha + 255.0 * (1.0 - alpha)
        return np.clip(on_white + 0.5, 0, 255).astype(np.uint8)
    raise ImageUnreadable(
        f"{name} has {channels} colour channels; Keepsake reads grey, RGB or RGBA pictures."
    )


def save_image(path: str | os.PathLike[str], image_rgb: np.ndarray) -> Path:
    """Write an RGB uint8 image atomically (temp file in the same folder, fsync, rename).

    The format follows the suffix (.png, .jpg, ...).
    """
    from PIL import Image

    from engine_edge.errors import OutputUnwritable

    target = Path(path)
    if not target.parent.is_dir():
        raise OutputUnwritable(f"The folder {target.parent} does not exist; create it first.")
    fmt = Image.registered_extensions().get(target.suffix.lower())
    if fmt is None:
        raise OutputUnwritable(f"{target.name}: unknown image type; use .png or .jpg.")
    try:
        encoded = io.BytesIO()
        Image.fromarray(np.ascontiguousarray(image_rgb, dtype=np.uint8)).save(encoded, format=fmt)
        atomic.write_atomic(target, encoded.getvalue(), mode=0o666)  # as open() would
    except OSError as exc:
        raise OutputUnwritable(f"Could not write {target}: {exc.strerror or exc}.") from exc
    return target

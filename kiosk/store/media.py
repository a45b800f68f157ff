"""Checking what staff hand to ``keepsake store add`` before it is stored.

A photo must open as an image of a sane size (Pillow's decompression-bomb
limit, turned into a typed error); a clip must be an MP4 whose first video
frame actually decodes (PyAV), not just a file with ``ftyp`` at bytes 4-8.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from engine_edge.errors import ImageTooLarge, ImageUnreadable
from engine_edge.image_io import FORMATS  # never Ghostscript: an EPS named .jpg is refused


def check_photo(data: bytes, path: Path) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as im:
                im.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(
            f"{path} has too many pixels to store safely; scale it down "
            f"(at most {Image.MAX_IMAGE_PIXELS} pixels) and try again."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageUnreadable(f"{path} is not a photo Keepsake can read (JPEG or PNG).") from exc


def check_clip(data: bytes, path: Path) -> None:
    """Raise ImageUnreadable unless ``data`` is an MP4 with a decodable first video frame."""
    import av

    problem = f"{path} is not a playable MP4 clip"
    if data[4:8] != b"ftyp":
        raise ImageUnreadable(f"{problem} (it does not start like an MP4).")
    try:
        with av.open(io.BytesIO(data), mode="r", format="mp4") as container:
            if not container.streams.video:
                raise ImageUnreadable(f"{problem} (it has no video).")
            for _frame in container.decode(video=0):
                return
    except (av.error.FFmpegError, ValueError, OSError, EOFError) as exc:
        raise ImageUnreadable(f"{problem} (its video cannot be decoded).") from exc
    raise ImageUnreadable(f"{problem} (it holds no video frames).")

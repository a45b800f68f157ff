"""Fixtures for the store tests: a real photo as JPEG bytes, a fresh store, a fake clock."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from kiosk.store.clock import ManualClock


@pytest.fixture(scope="session")
def photo_jpeg(astronaut: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(astronaut).save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def tiny_mp4(frames: int = 5, size_px: int = 64) -> bytes:
    """A real H.264 MP4 (PyAV), small enough to write in a few milliseconds."""
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width = stream.height = size_px
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            rgb = np.full((size_px, size_px, 3), 40 * i % 256, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buf.getvalue()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_780_000_000.0)


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock):  # type: ignore[no-untyped-def]
    from kiosk.store import Store

    s = Store(tmp_path / "data", clock=clock)  # type: ignore[arg-type]
    yield s
    s.close()


def all_bytes_under(root: Path) -> dict[Path, bytes]:
    """Every regular file below ``root`` with its raw content."""
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}

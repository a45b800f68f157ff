"""Fixtures for the share tests: a real store holding a real MP4 clip, and HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import io
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

HTTP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(url: str, method: str = "GET", path: str | None = None) -> Reply:
    """One bounded HTTP request to ``url`` (or another ``path`` on its host)."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1", "tests only ever talk to loopback"
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=HTTP_TIMEOUT_S)
    try:
        conn.request(method, parts.path if path is None else path)
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def port_accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ManualClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture(scope="session")
def clip_mp4(astronaut: np.ndarray) -> bytes:
    """A real H.264 MP4 (12 frames of the astronaut), made in memory with PyAV."""
    import av

    frame_rgb = np.ascontiguousarray(astronaut[::4, ::4])
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=12)
        stream.width, stream.height, stream.pix_fmt = 128, 128, "yuv420p"
        for i in range(12):
            frame = av.VideoFrame.from_ndarray(np.roll(frame_rgb, i, axis=1), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    data = buf.getvalue()
    assert data[4:8] == b"ftyp"
    return data


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    from kiosk.store import Store

    s = Store(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def item_id(store, clip_mp4: bytes, astronaut: np.ndarray) -> str:  # type: ignore[no-untyped-def]
    from PIL import Image

    photo = io.BytesIO()
    Image.fromarray(astronaut).save(photo, format="JPEG", quality=80)
    item = store.add_item(photo.getvalue(), consent=True, caption="Grandma")
    store.put_file(item, "clip", clip_mp4)
    return item

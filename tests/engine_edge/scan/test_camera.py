"""Camera sources: a file camera that ends is an unplugged camera; reconnect with backoff."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.errors import DeviceUnavailable
from engine_edge.scan.camera import (
    CameraState,
    FileCamera,
    Picamera2Camera,
    ResilientCamera,
    open_camera,
)
from engine_edge.scan.lighting import LightPattern, frames_under_lights
from engine_edge.scan.synthetic import write_hand_away_video


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _six_frame_video_camera(tmp_path, photos) -> tuple[ResilientCamera, Clock]:  # type: ignore[no-untyped-def]
    """A 6-frame video (15 fps) as a camera that ends, read as fast as asked, on a test clock."""
    path = tmp_path / "clip.mp4"
    write_hand_away_video(photos["coffee"], path, hand_s=0.2, still_s=0.2)
    clock = Clock()
    return ResilientCamera(FileCamera(path, loop=False, realtime=False), clock=clock), clock


def test_video_that_ends_becomes_lost_then_reconnects_with_backoff(tmp_path, photos):
    camera, clock = _six_frame_video_camera(tmp_path, photos)
    frames = []
    while (frame := camera.read()) is not None:
        frames.append(frame)
    assert len(frames) == 6 and frames[0].image.shape == (480, 640, 3)
    assert camera.state is CameraState.LOST and "ended" in camera.detail
    assert camera.read() is None  # still backing off
    clock.now = 0.6
    assert camera.read() is not None  # reopened: the "camera" is back
    assert camera.state is CameraState.STREAMING


def test_video_frames_carry_their_own_time_however_late_they_are_read(tmp_path, photos):
    """A reader that falls behind (a loaded CPU) must not see 1/15 s of video as a long
    stillness: each frame is stamped with when the video says it was taken."""
    camera, clock = _six_frame_video_camera(tmp_path, photos)
    stamps = []
    while (frame := camera.read()) is not None:
        stamps.append(frame.timestamp_s)
        clock.now += 0.8  # each frame takes the reader far longer than the video's 1/15 s
    assert stamps == pytest.approx([i / 15 for i in range(6)])


def test_missing_camera_is_a_state_not_a_crash(tmp_path):
    clock = Clock()
    camera = ResilientCamera(FileCamera(tmp_path / "absent.mp4"), clock=clock, max_backoff_s=2.0)
    for step in range(6):
        clock.now = step * 5.0
        assert camera.read() is None
    assert camera.state is CameraState.LOST


def test_open_camera_specs(tmp_path):
    assert open_camera("opencv:2").name == "opencv:2"
    assert open_camera(f"file:{tmp_path}/x.png").name.startswith("file:")
    with pytest.raises(DeviceUnavailable):
        open_camera("webcam")


def test_picamera2_absent_is_device_unavailable():
    pytest.importorskip("numpy")
    try:
        import picamera2  # noqa: F401

        pytest.skip("picamera2 is installed here")
    except ImportError:
        pass
    with pytest.raises(DeviceUnavailable):
        Picamera2Camera().open()


def test_frames_under_lights_switches_banks_and_restores_them():
    calls = []

    class Board:
        def set_light(self, bank_mask: int, brightness: float, fade_ms: int = 0) -> None:
            calls.append((bank_mask, brightness))

    counter = iter(range(100))
    frames = frames_under_lights(
        lambda: np.full((2, 2, 3), next(counter), np.uint8),
        Board(),
        [LightPattern(0b01), LightPattern(0b10)],
        sleep=lambda s: None,
    )
    assert len(frames) == 2
    assert (0b01, 1.0) in calls and (0b10, 1.0) in calls
    assert calls[-1] == (0b1111, 1.0)


def test_absent_usb_camera_is_lost_not_a_crash():
    camera = ResilientCamera(open_camera("opencv:63"))
    assert camera.read() is None
    assert camera.state is CameraState.LOST
    assert "not connected" in camera.detail


def test_cli_absent_camera_gives_a_clear_error(tmp_path, capsys):
    from engine_edge.cli import main

    assert main(["scan", "--camera", "63", "-o", str(tmp_path / "p.png"), "--timeout", "1"]) == 2
    assert "camera" in capsys.readouterr().err.lower()
    assert not (tmp_path / "p.png").exists()


class MonochromeCamera:
    """A monochrome sensor (one 8-bit plane a frame), or one set to a 16-bit format: the
    hardware this machine lacks, as the ``CameraSource`` protocol sees it."""

    name = "mono0"

    def __init__(self, image: np.ndarray) -> None:
        self.image = image

    def open(self) -> None:
        pass

    def read(self) -> np.ndarray:
        return self.image.copy()

    def close(self) -> None:
        pass


def test_a_monochrome_cameras_frames_arrive_as_rgb(photos):
    grey = photos["camera"][..., 0]
    frame = ResilientCamera(MonochromeCamera(grey)).read()
    assert frame is not None and frame.image.shape == (*grey.shape, 3)
    assert (frame.image == grey[..., None]).all()


def test_a_camera_in_a_16_bit_format_is_lost_with_the_reason_not_a_crash(photos):
    clock = Clock()
    deep = photos["camera"][..., 0].astype(np.uint16) * 256
    camera = ResilientCamera(MonochromeCamera(deep), clock=clock)
    assert camera.read() is None
    assert camera.state is CameraState.LOST
    assert "8-bit" in camera.detail and "mono0" in camera.detail

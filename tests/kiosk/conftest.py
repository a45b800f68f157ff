"""Fixtures that run the real kiosk on its own Xvfb display (see driver.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.kiosk.driver import KioskDriver, Xvfb

SHOTS_ENV = "KEEPSAKE_SCREENSHOTS"


@pytest.fixture(scope="session")
def xvfb() -> Iterator[Xvfb]:
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is missing: `make test` installs it (APT_PACKAGES)")
    server = Xvfb(1280, 800)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def print_video(tmp_path_factory: pytest.TempPathFactory, astronaut) -> Path:  # type: ignore[no-untyped-def]
    """A camera's view of a printed portrait: a hand lays it down and moves away."""
    from engine_edge.scan.synthetic import write_hand_away_video

    path = tmp_path_factory.mktemp("camera") / "print.mp4"
    write_hand_away_video(astronaut, path, fps=15)
    return path


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots go here; $KEEPSAKE_SCREENSHOTS keeps them (README images)."""
    wanted = os.environ.get(SHOTS_ENV)
    path = Path(wanted) if wanted else tmp_path_factory.mktemp("screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


def kiosk_config(
    workdir: Path, camera: Path, board_port: str = "", share: bool = False, **kiosk: object
) -> str:
    settings = {
        "state_dir": str(workdir / "state"),
        "screen_width_mm": 217.0,  # a 10.1" 1280x800 panel
        "clip_seconds": 1.5,  # short, small renders keep the suite fast
        "clip_fps": 10,
        "staff_long_press_s": 1.0,
        **kiosk,
    }
    lines = ["[kiosk]"]
    for key, value in settings.items():
        lines.append(
            f"{key} = {value!r}".replace("'", '"')
            if not isinstance(value, bool)
            else f"{key} = {str(value).lower()}"
        )
    lines += ["[store]", f'data_dir = "{workdir / "store"}"']
    lines += ["[scan]", f'camera = "file:{camera}"']
    if board_port:
        lines += ["[bridge]", f'port = "{board_port}"']
    if share:  # hotspot sharing on the loopback, any free port
        lines += ["[share]", "enabled = true", 'bind_address = "127.0.0.1"', "port = 0"]
    return "\n".join(lines) + "\n"


@pytest.fixture()
def start_kiosk(
    xvfb: Xvfb, tmp_path: Path, print_video: Path
) -> Iterator[Callable[..., KioskDriver]]:
    started: list[KioskDriver] = []

    def start(board_port: str = "", share: bool = False, **kiosk: object) -> KioskDriver:
        config = kiosk_config(tmp_path, print_video, board_port, share, **kiosk)
        driver = KioskDriver(tmp_path, config, xvfb.display)
        started.append(driver)
        return driver

    yield start
    for driver in started:
        driver.stop()

"""The real kiosk under Xvfb: READY, WATCHDOG pings from its Kivy loop, silence when it hangs."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.systemd.conftest import NotifyListener
from tests.systemd.test_watchdog import _check_pings_then_silence

REPO = Path(__file__).resolve().parents[2]
FREEZABLE = Path(__file__).with_name("kiosk_freezable.py")
# The real app does real work on its main loop (first screen, tribute loop), so it gets a
# 1 s watchdog (pings every 0.5 s); the unit uses WatchdogSec=30.
WATCHDOG_USEC = 1_000_000


@pytest.mark.ui
@pytest.mark.slow
def test_real_kiosk_pings_and_stops_when_frozen(
    notify_listener: NotifyListener, tmp_path: Path, xvfb_display: str, astronaut
) -> None:  # type: ignore[no-untyped-def]
    if importlib.util.find_spec("kivy") is None or not (REPO / "kiosk/commands.py").exists():
        pytest.skip("the kiosk app (kiosk/commands.py, Kivy) is not available")
    from PIL import Image

    camera = tmp_path / "print.png"
    Image.fromarray(astronaut).save(camera)
    config = tmp_path / "keepsake.toml"
    # The kiosk engineer's own test configuration, so this test follows its settings.
    from tests.kiosk.conftest import kiosk_config

    config.write_text(kiosk_config(tmp_path, camera))
    block = tmp_path / "freeze"
    env = {
        **os.environ,
        "NOTIFY_SOCKET": str(notify_listener.path),
        "WATCHDOG_USEC": str(WATCHDOG_USEC),
        "KEEPSAKE_FREEZE_FILE": str(block),
        "DISPLAY": xvfb_display,
        "KIVY_NO_ARGS": "1",
        "KIVY_HOME": str(tmp_path / "kivy"),
        "SDL_AUDIODRIVER": "dummy",
        "PYTHONPATH": str(REPO),
    }
    log = (tmp_path / "kiosk.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(FREEZABLE), "--config", str(config)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _check_pings_then_silence(proc, notify_listener, block, 90, WATCHDOG_USEC)
    except AssertionError:
        print((tmp_path / "kiosk.log").read_text()[-4000:])
        raise
    finally:
        log.close()
    statuses = [m for _, m in notify_listener.messages if m.startswith("STATUS=")]
    assert statuses, "the kiosk reports its screen in STATUS="

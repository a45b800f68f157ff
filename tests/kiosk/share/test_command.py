"""`keepsake share ITEM` as staff run it: prints a link, serves it once, then closes the port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO_ROOT
from tests.kiosk.share.conftest import fetch, port_accepts

pytestmark = pytest.mark.timeout(60)
URL = re.compile(r"open (http://127\.0\.0\.1:\d+/\S+)")


def share_command(config: Path, data_dir: Path, *args: str) -> subprocess.Popen[str]:
    command = ["share", "--config", str(config), "--data-dir", str(data_dir), *args]
    return subprocess.Popen(
        [sys.executable, "-m", "engine_edge.cli", *command],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KEEPSAKE_DATA_DIR": ""},
    )


def test_share_command_serves_the_clip_once_and_exits(tmp_path, store, item_id, clip_mp4) -> None:  # type: ignore[no-untyped-def]
    data_dir = store.data_dir
    store.close()
    config = tmp_path / "keepsake.toml"
    config.write_text('[share]\nenabled = true\nbind_address = "127.0.0.1"\nport = 0\n')
    proc = share_command(config, data_dir, item_id, "--minutes", "2")
    try:
        assert proc.stdout is not None
        url = None
        for line in proc.stdout:  # the QR code in characters, then the link
            if m := URL.search(line):
                url = m.group(1)
                break
        assert url, proc.stderr.read() if proc.stderr else ""
        reply = fetch(url)
        assert reply.status == 200 and reply.body == clip_mp4
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert "Downloaded" in out
    assert not port_accepts(urlsplit(url).port or 0)


def test_share_command_refuses_when_sharing_is_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "keepsake.toml"
    config.write_text("[share]\nenabled = false\n")
    data_dir = tmp_path / "never-opened"
    proc = share_command(config, data_dir, "0123456789abcdef")
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "switched off" in err and "enabled = true" in err
    assert not data_dir.exists()  # refused before the store was even opened


def test_help_loads_neither_the_server_nor_qrcode() -> None:
    probe = (
        "import sys; from engine_edge.cli import build_parser; build_parser();"
        " print(sorted(m for m in sys.modules if m.startswith(('qrcode', 'kiosk.share.'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['kiosk.share.command']"

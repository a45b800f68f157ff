"""Python 3.10 support: the tomli path of the config reader, and the 3.10 floor checked statically.

Debian 12 (this machine, CI) has no Python 3.10 interpreter, so the 3.10 path is exercised the
way a 3.10 interpreter would take it: in a child process whose ``import tomllib`` fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# The child blocks tomllib the way Python 3.10 lacks it, then reads the documented defaults and a
# malformed file; it prints which module parsed them and the error staff would see.
CHILD = """
import json, sys
sys.modules["tomllib"] = None  # `import tomllib` now raises ModuleNotFoundError, as on 3.10
from engine_edge import config
from engine_edge.errors import ConfigInvalid
defaults = config.load_config(sys.argv[1])
try:
    config.load_config(sys.argv[2])
    error = ""
except ConfigInvalid as exc:
    error = str(exc)
print(json.dumps({"parser": config.tomllib.__name__, "backend": defaults["analysis"]["backend"],
                  "error": error}))
"""


def test_config_reads_with_tomli_when_tomllib_is_missing(tmp_path: Path) -> None:
    pytest.importorskip("tomli", reason="tomli is in the dev extra (pip install -e '.[dev]')")
    bad = tmp_path / "bad.toml"
    bad.write_text("[analysis\nbackend = 1\n")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(REPO / "keepsake.toml"), str(bad)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    got = json.loads(out.stdout)
    assert got["parser"] == "tomli"
    assert got["backend"] == "auto"
    assert "is not valid TOML" in got["error"], "tomli's decode error becomes ConfigInvalid"


def test_tomllib_is_imported_only_by_the_config_reader() -> None:
    users = [
        p.relative_to(REPO).as_posix()
        for top in ("engine_edge", "kiosk", "firmware_bridge", "models_int8", "benchmarks")
        for p in (REPO / top).rglob("*.py")
        if "import tomllib" in p.read_text() or "from tomllib" in p.read_text()
    ]
    assert users == ["engine_edge/config.py"]


def test_code_needs_no_more_than_python_3_10() -> None:
    """vermin reads every module's syntax and standard-library use (3.11-only APIs such as
    tomllib, typing.Self, datetime.UTC, hashlib.file_digest) and fails on anything past 3.10."""
    vermin = shutil.which("vermin") or str(Path(sys.executable).with_name("vermin"))
    if not Path(vermin).exists():
        pytest.skip("vermin is in the dev extra (pip install -e '.[dev]')")
    out = subprocess.run(
        [
            vermin,
            "--config-file",
            str(REPO / "vermin.ini"),
            "engine_edge",
            "kiosk",
            "firmware_bridge",
            "benchmarks",
            "models_int8",
            "tests",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]

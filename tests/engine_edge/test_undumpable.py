"""The decrypting commands make their process non-dumpable: no core file, no dump."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import os, resource, sys
from engine_edge.undumpable import PR_GET_DUMPABLE, _prctl, make_undumpable
before = _prctl(PR_GET_DUMPABLE)
ok = make_undumpable()
print(before, int(ok), _prctl(PR_GET_DUMPABLE), resource.getrlimit(resource.RLIMIT_CORE)[1])
sys.stdout.flush()
sys.stdin.read()  # stay alive while the parent looks at /proc/PID
"""


@pytest.mark.skipif(sys.platform != "linux", reason="prctl is Linux's")
def test_make_undumpable_turns_off_dumps_and_core_files() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        before, ok, after, core_hard = proc.stdout.readline().split()
        assert (before, ok, after, core_hard) == ("1", "1", "0", "0")
    finally:
        proc.communicate("", timeout=30)


@pytest.mark.parametrize(
    "module",
    [
        "kiosk/commands.py",
        "kiosk/store/commands.py",
        "kiosk/store/wipe_command.py",
        "kiosk/share/command.py",
    ],
)
def test_every_decrypting_command_calls_it_first(module: str) -> None:
    source = (REPO / module).read_text()
    run = source[source.index("def run(") :]
    assert "make_undumpable()" in run.split("\ndef ", 1)[0], module

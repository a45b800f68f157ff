"""The `keepsake` entry point: a command that runs configures only its own arguments."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT


def _modules_after(argv: list[str]) -> set[str]:
    probe = (
        f"import sys; from engine_edge.cli import main; code = main({argv!r});"
        " print(code, ' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    code, modules = out.stdout.strip().splitlines()[-1].split(" ", 1)
    assert code == "0"
    return set(modules.split())


def test_a_command_imports_no_other_commands_module() -> None:
    # `animate --help` parses as a run of animate does: the doctor's checks (50 ms of
    # imports at each start) are left alone; `keepsake --help` still lists them all.
    assert "engine_edge.doctor" not in _modules_after(["-v", "animate", "--help"])
    assert "engine_edge.doctor" in _modules_after(["doctor", "--help"])
    assert "engine_edge.doctor" in _modules_after(["--help"])

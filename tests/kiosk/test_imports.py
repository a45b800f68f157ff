"""The kiosk's import layers (pyproject's [tool.importlinter]): screens never reach the app.

`lint-imports` runs here so CI checks the contract with the tests, not only in `make lint`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_screens_talk_to_services_not_to_the_app() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    if not lint_imports.exists():
        pytest.fail("lint-imports is missing: `pip install -e '.[dev]'` (import-linter>=2.0)")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_flow_and_the_context_know_no_screen_and_no_app() -> None:
    """KioskFlow is plain declarations and KioskContext a Protocol: the app depends on them."""
    import grimp

    graph = grimp.build_graph("kiosk")
    assert graph.find_modules_directly_imported_by("kiosk.flow") == set()
    wanted = graph.find_modules_directly_imported_by("kiosk.context")
    assert wanted, "the context names the services it hands out"
    assert not {m for m in wanted if m.startswith(("kiosk.app", "kiosk.control", "kiosk.screens"))}

"""A process set up to render: OpenCV's pool off, no transparent huge pages, malloc tuned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import sys, cv2
from pathlib import Path
from engine_edge.render_process import prepare_render_process
before = cv2.getNumThreads()
prepare_render_process()
status = Path("/proc/self/status").read_text().splitlines()
thp = next((ln.split()[1] for ln in status if ln.startswith("THP_enabled")), "absent")
print(before, cv2.getNumThreads(), thp)
"""


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads Linux's /proc")
def test_a_render_process_runs_opencv_on_its_own_thread_without_huge_pages() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, timeout=120
    )
    before, after, thp = done.stdout.split()
    assert int(before) >= 1 and int(after) == 1
    assert thp in ("0", "absent")

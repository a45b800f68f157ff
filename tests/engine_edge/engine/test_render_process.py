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


BLAS_CHILD = """
import ctypes, os
import numpy  # its OpenBLAS loads before the render process is set up, as in the CLI
os.environ.pop("OPENBLAS_NUM_THREADS", None)
from engine_edge.render_process import _loaded_libraries, prepare_render_process
prepare_render_process()
import scipy.linalg  # scipy's own OpenBLAS loads after it
for path in _loaded_libraries("openblas"):
    lib = ctypes.CDLL(path)
    getter = next(getattr(lib, n) for n in (
        "scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
        "openblas_get_num_threads") if hasattr(lib, n))
    print(os.path.basename(path), getter())
"""


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="reads Linux's /proc")
def test_a_render_process_keeps_every_openblas_to_one_thread() -> None:
    """numpy's OpenBLAS, loaded first, and scipy's, loaded later, both run one thread
    (their idle threads spin: 2 % of a job's CPU); the child starts with the default."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", BLAS_CHILD],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    counts = dict(line.split() for line in done.stdout.splitlines())
    assert len(counts) >= 2, counts  # numpy's and scipy's
    assert set(counts.values()) == {"1"}, counts

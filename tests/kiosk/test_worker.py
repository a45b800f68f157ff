"""The render worker runs below the UI: every one of its threads, not only the first."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from kiosk.worker import Done, EngineWorker, Failed

pytestmark = pytest.mark.skipif(
    not hasattr(os, "SCHED_IDLE") or not Path("/proc/self/task").is_dir(),
    reason="SCHED_IDLE and /proc/PID/task are Linux's",
)


def _policies(pid: int) -> dict[int, tuple[str, int]]:
    """Each thread of ``pid``: its name and scheduling policy (field 41 of its stat)."""
    threads = {}
    for name in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = Path(f"/proc/{pid}/task/{name}/stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        threads[int(name)] = (comm, int(fields[38]))
    return threads


def _huge_pages(pid: int) -> str | None:
    """The kernel's THP_enabled line for ``pid`` (absent before Linux 5.0)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return next((ln.split()[1] for ln in status.splitlines() if ln.startswith("THP_enabled")), None)


def test_every_worker_thread_runs_at_idle_priority(astronaut: np.ndarray) -> None:
    """A real loop render (OpenVINO's threads, OpenBLAS's, x264's): every thread seen while
    it runs is SCHED_IDLE, and the UI's own process keeps its normal policy. The worker is
    set up to render (engine_edge.render_process): no transparent huge pages."""
    worker = EngineWorker({})
    worker.start()
    seen: dict[int, tuple[str, int]] = {}
    try:
        photo = np.ascontiguousarray(astronaut[::2, ::2])
        job = worker.submit("loop", photo=photo, preset="memorial", seed=1, seconds=1.0, fps=10)
        pid = worker.pid
        assert pid is not None
        answer = None
        deadline = time.monotonic() + 180
        while answer is None and time.monotonic() < deadline:
            seen.update(_policies(pid))
            answer = next((m for m in worker.poll() if isinstance(m, Done | Failed)), None)
            time.sleep(0.005)
        assert isinstance(answer, Done) and answer.job_id == job, answer
        seen.update(_policies(pid))
        assert _huge_pages(pid) in ("0", None)
    finally:
        worker.stop()
    assert len(seen) >= 4, seen  # the engine's own threads were there to be seen
    normal = {tid: comm for tid, (comm, policy) in seen.items() if policy != os.SCHED_IDLE}
    assert not normal, f"worker threads above SCHED_IDLE: {normal}"
    assert os.sched_getscheduler(0) == os.SCHED_OTHER

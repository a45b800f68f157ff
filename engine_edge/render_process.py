"""A process that renders sets itself up once, before its threads start.

Three settings, each measured on ``keepsake animate`` of a 2048 px black-and-white scan
(6 s 1080x1080 memorial, 2-core VM, README section:engine):

- glibc's allocator (``engine_edge.malloc``): peak memory; and no transparent huge pages:
  system time.
- OpenCV's own thread pool off. A render already keeps both cores busy with its own
  threads (the renderer's, x264's frame and look-ahead threads, OpenVINO's); OpenCV's pool
  split each resize and warp in two once more, and the thread that called waited for its
  half by spinning: about 430 000 ``sched_yield`` calls in one clip. CPU 8.6-9.5 s ->
  7.6-8.1 s, the same wall time, the frames bit-identical.
- OpenBLAS's pools (numpy's, scipy's own copy, and one more a wheel ships) at one thread
  each, for the same reason: their threads wait for work by spinning, 2 % of the job's perf
  samples in ``blas_thread_server``, for matrices (the rig's solves, small products) too
  small to share. CPU 6.89 -> 6.72 s (medians of five interleaved pairs, pairs
  0.95-1.02x). An ``OPENBLAS_NUM_THREADS`` the box sets is left as it is.
"""

from __future__ import annotations

import ctypes
import os

from engine_edge.malloc import tune_for_render

# The thread-count setters of the OpenBLAS builds numpy and scipy ship (64-bit and 32-bit
# integer interfaces) and of a plain OpenBLAS.
_BLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads",
)


def prepare_render_process() -> None:
    """Call it first in a process that renders (the CLI's animate, the kiosk's worker):
    a malloc arena, once made, stays, and OpenCV's pool starts with its first call."""
    import cv2

    tune_for_render()
    cv2.setNumThreads(1)
    one_blas_thread()


def one_blas_thread() -> None:
    """One thread for every OpenBLAS loaded now, and for those loaded later (they read the
    environment when they load); nothing where the box chose its own number."""
    if "OPENBLAS_NUM_THREADS" in os.environ:
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    for path in _loaded_libraries("openblas"):
        library = ctypes.CDLL(path)
        setter = next((getattr(library, n) for n in _BLAS_SETTERS if hasattr(library, n)), None)
        if setter is not None:
            setter(1)


def _loaded_libraries(name_part: str) -> list[str]:
    """Paths of the shared libraries this process has loaded whose name contains
    ``name_part`` (Linux: /proc/self/maps; elsewhere none)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if ".so" in line}
    except OSError:
        return []
    return sorted(p for p in paths if name_part in os.path.basename(p).lower())

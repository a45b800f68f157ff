"""A process that renders sets itself up once, before its threads start.

Two settings, each measured on ``keepsake animate`` of a 2048 px black-and-white scan
(6 s 1080x1080 memorial, 2-core VM, README section:engine):

- glibc's allocator (``engine_edge.malloc``): peak memory; and no transparent huge pages:
  system time.
- OpenCV's own thread pool off. A render already keeps both cores busy with its own
  threads (the renderer's, x264's frame and look-ahead threads, OpenVINO's); OpenCV's pool
  split each resize and warp in two once more, and the thread that called waited for its
  half by spinning: about 430 000 ``sched_yield`` calls in one clip. CPU 8.6-9.5 s ->
  7.6-8.1 s, the same wall time, the frames bit-identical.
"""

from __future__ import annotations

from engine_edge.malloc import tune_for_render


def prepare_render_process() -> None:
    """Call it first in a process that renders (the CLI's animate, the kiosk's worker):
    a malloc arena, once made, stays, and OpenCV's pool starts with its first call."""
    import cv2

    tune_for_render()
    cv2.setNumThreads(1)

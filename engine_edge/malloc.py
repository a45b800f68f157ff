"""glibc's allocator, set for one render: what a frame frees goes back before the next one.

A render runs on several threads at once (the renderer's worker, x264's frame and
look-ahead threads, OpenVINO's pool), and its big temporaries (a 1080x1080 float RGB
image is 14 MB) are freed and made again every frame. By default glibc gives each thread
that meets contention an arena of its own (up to 8 per core), and after the first big
block is freed it raises its mmap threshold, so later big blocks come from an arena's heap
and leave holes there that x264's long-lived buffers pin. At the peak of a 1080x1080
memorial from a 2048 px scan 80-90 MB sat free inside the arenas.

Two arenas and a fixed 8 MB mmap threshold (blocks that size or larger are mapped and
returned at once) keep that job's peak about 25 MB lower, for about 100 000 more minor page
faults (some 0.1-0.2 s of CPU in a 6 s clip; benchmarks/render.py, README section:engine).

Best effort: on a C library without ``mallopt`` (musl, macOS) nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 8 << 20


def tune_for_render(arenas: int = 2, mmap_threshold_bytes: int = MMAP_THRESHOLD_BYTES) -> bool:
    """At most ``arenas`` malloc arenas, and blocks from ``mmap_threshold_bytes`` up mapped
    on their own; True when glibc took both settings.

    Call it before the threads start: an arena, once made, stays.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = bool(libc.mallopt(M_ARENA_MAX, arenas))
        ok = bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes)) and ok
    except (OSError, AttributeError):
        ok = False
    if not ok:
        log.debug("malloc not tuned for rendering (not glibc)")
    return ok

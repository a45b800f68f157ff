"""glibc's allocator, set for one render: fewer arenas, and freed memory handed back.

A render runs on several threads at once (the renderer's worker, x264's frame and
look-ahead threads, OpenVINO's pool), and its big temporaries (a 1080x1080 float RGB
image is 14 MB) are freed and made again every frame. By default glibc gives each thread
that meets contention an arena of its own (up to 8 per core), and once a big mapped block
is freed it raises its mmap threshold and, with it, how much free memory a heap keeps at
its top before giving it back (twice the threshold). At the peak of a 1080x1080 memorial
from a 2048 px scan 80-90 MB sat free inside the arenas.

Two arenas and a fixed 16 MB mmap threshold (blocks that size or larger, such as a 2048 px
scan's float mask, mapped on their own and returned when freed), with a heap's free top
kept up to 32 MB as glibc would for that threshold, keep that job's peak about 15-20 MB
lower with the same page faults and system time. Leaving the top at glibc's fixed-threshold
128 kB saved a little more but cost 0.5 s more system time per 6 s clip (re-zeroing the
memory it gave back); an 8 MB threshold tripled the page faults. benchmarks/render.py,
README section:engine.

Best effort: on a C library without ``mallopt`` (musl, macOS) nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 16 << 20


def tune_for_render(arenas: int = 2, mmap_threshold_bytes: int = MMAP_THRESHOLD_BYTES) -> bool:
    """At most ``arenas`` malloc arenas, and blocks from ``mmap_threshold_bytes`` up mapped
    on their own (a heap's free top kept up to twice that); True when glibc took them all.

    Call it before the threads start: an arena, once made, stays.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = bool(libc.mallopt(M_ARENA_MAX, arenas))
        ok = bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes)) and ok
        ok = bool(libc.mallopt(M_TRIM_THRESHOLD, 2 * mmap_threshold_bytes)) and ok
    except (OSError, AttributeError):
        ok = False
    if not ok:
        log.debug("malloc not tuned for rendering (not glibc)")
    return ok

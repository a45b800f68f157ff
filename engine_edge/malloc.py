"""glibc's allocator, set for one render: fewer arenas, big blocks mapped on their own.

A render runs on several threads at once (the renderer's worker, x264's frame and
look-ahead threads, OpenVINO's pool), and its big temporaries (a 1080x1080 float RGB
image is 14 MB) are freed and made again every frame. By default glibc gives each thread
that meets contention an arena of its own (up to 8 per core), and once a big mapped block
is freed it raises its mmap threshold and, with it, how much free memory a heap keeps at
its top before giving it back (twice the threshold). At the peak of a 1080x1080 memorial
from a 2048 px scan 80-90 MB sat free inside the arenas.

Two arenas and a fixed 16 MB threshold (blocks that size or larger mapped on their own)
keep that job's peak 20-25 MB lower. A fixed threshold also makes a heap give back its free
top past 128 kB, so every frame's temporaries were handed back and faulted in again, zeroed
by the kernel: 0.6-1.0 s of system time per 6 s clip, 16 % of the job's perf samples in
`clear_page_erms`. A heap now keeps up to 64 MB free at its top: system time 0.23-0.37 s,
peak RSS 10-18 MB higher (about 390 MB for the 6 s memorial of a 2048 px scan; an earlier
job that peaked near 500 MB could not afford it). An 8 MB threshold tripled the page faults.
benchmarks/render.py, README section:engine.

Transparent huge pages are off for the process: where the kernel's setting is "always" (this
VM's when it was measured), each 4 kB the heap grows or takes back is faulted as a 2 MB page
and zeroed whole (`clear_page_erms` was 9 % of the job's samples in perf); system time
1.1-1.4 s -> 0.5-0.6 s, peak RSS a few MB lower. A box whose kernel says "madvise" changes nothing.

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
TRIM_THRESHOLD_BYTES = 64 << 20
PR_SET_THP_DISABLE = 41  # linux/prctl.h


def tune_for_render(arenas: int = 2, mmap_threshold_bytes: int = MMAP_THRESHOLD_BYTES) -> bool:
    """At most ``arenas`` malloc arenas, blocks from ``mmap_threshold_bytes`` up mapped on
    their own, a heap's free top kept up to 64 MB, and no transparent huge pages; True when
    glibc took the malloc settings.

    Call it before the threads start: an arena, once made, stays.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = bool(libc.mallopt(M_ARENA_MAX, arenas))
        ok = bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes)) and ok
        ok = bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)) and ok
        if libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0:
            log.debug("transparent huge pages left as the kernel has them")
    except (OSError, AttributeError):
        ok = False
    if not ok:
        log.debug("malloc not tuned for rendering (not glibc)")
    return ok

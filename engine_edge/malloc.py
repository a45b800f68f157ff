"""glibc's allocator, set for one render: fewer arenas, so freed memory is reused.

A render runs on several threads at once (the renderer's worker, x264's frame and
look-ahead threads, OpenVINO's pool). glibc gives each thread that meets contention an
arena of its own (up to 8 per core) and keeps what is freed in it for that arena: frames
and temporaries freed on one thread are not reused by another, so the peak resident size
grows by what every arena holds at once. Two arenas keep the same work's peak about 20 MB
lower at no measured cost in speed (benchmarks/render.py, README section:engine).

Best effort: on a C library without ``mallopt`` (musl, macOS) nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's malloc.h


def limit_arenas(count: int = 2) -> bool:
    """At most ``count`` malloc arenas in this process; True when glibc took the setting.

    Call it before the threads start: an arena, once made, stays.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = bool(libc.mallopt(M_ARENA_MAX, count))
    except (OSError, AttributeError):
        ok = False
    if not ok:
        log.debug("malloc arenas not limited (not glibc)")
    return ok

"""Keep decrypted portraits out of core dumps: a tiny helper the decrypting commands call first.

The kiosk, `keepsake store`, `keepsake wipe` and `keepsake share` hold plaintext photos and
keys in memory. A crash must not write them to disk (systemd-coredump, apport, a core file
in the working folder), and no other process of the same user may read this one's memory
through /proc/PID/mem or ptrace. ``PR_SET_DUMPABLE 0`` gives both: no core, and /proc/PID
owned by root. The units add LimitCORE=0 and MemorySwapMax=0 (docs/DEPLOY.md, swap).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import resource

log = logging.getLogger(__name__)

PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4


def _prctl(option: int, arg: int = 0) -> int:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return int(libc.prctl(option, arg, 0, 0, 0))


def make_undumpable() -> bool:
    """No core file, no dump, no /proc/PID/mem for this process; True when the kernel agreed.

    Best effort on purpose: on a kernel without prctl (not Linux) the command still runs,
    and says so in the log; the units' LimitCORE=0 covers the core file there.
    """
    try:
        # glibc lowers it with prlimit64, which the units' system-call filter allows; were it
        # the older setrlimit (in @resources, which keepsake-wipe.service denies), say so below.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        ok = _prctl(PR_SET_DUMPABLE, 0) == 0 and _prctl(PR_GET_DUMPABLE) == 0
    except (OSError, ValueError, AttributeError):
        ok = False
    if not ok:
        log.warning("could not mark the process non-dumpable; a crash may dump its memory")
    return ok

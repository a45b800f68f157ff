"""Soak: 500 guest sessions end to end, headless; RSS and open files must stay flat.

Each session does what the kiosk does for one guest, in one long-lived
process: read a frame from a file camera (a rendered photo of a print on a
table), scan it (find the print, rectify), render a short small clip with the
real engine (analysis, rig, performance, render, H.264), keep it in the
encrypted store (photo, clip, thumbnail), read the tribute loop back, let store
time pass (8.4 h per session, so each portrait expires after ~20 sessions) and
run the scheduled wipe.

Reported every 25 sessions: resident memory (RSS), open file descriptors, items
held and bytes on disk. Verdict: the median RSS of the last 100 sessions against
the median of sessions 50-150 (after warm-up: models compiled, caches filled),
and the open-fd count at the end against the count after warm-up; both must be
within 5 %. Usage: ``python benchmarks/soak.py [--sessions 500] [--strict]``.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Run as a script, benchmarks/ comes first on sys.path, where benchmarks/kiosk.py would hide
# the kiosk package: put the repository root first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WARMUP_SESSIONS = 50
BASELINE_SESSIONS = 100
STORE_STEP_S = 8.4 * 3600
FLAT_LIMIT = 0.05


@dataclass(frozen=True)
class Sample:
    session: int
    rss_mb: float
    open_fds: int
    items: int
    disk_kb: float
    session_s: float


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        resident_pages = int(fh.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def disk_kb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1024


def png_bytes(image) -> bytes:  # type: ignore[no-untyped-def]
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--every", type=int, default=25, help="sample every N sessions")
    parser.add_argument("--strict", action="store_true", help="exit 1 when not flat")
    args = parser.parse_args(argv)
    if args.sessions < WARMUP_SESSIONS + 2 * BASELINE_SESSIONS:
        parser.error(f"--sessions must be at least {WARMUP_SESSIONS + 2 * BASELINE_SESSIONS}")

    import logging

    from PIL import Image
    from skimage import data

    from engine_edge.analysis import load_models
    from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo
    from engine_edge.scan import ScanSettings, open_camera, scan_still
    from engine_edge.scan.synthetic import SceneSpec, render_print_scene
    from kiosk.store import Store
    from kiosk.store.clock import ManualClock

    logging.basicConfig(level=logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="keepsake-soak-"))
    scene = render_print_scene(
        data.astronaut(), SceneSpec(frame_size=(640, 480), print_share=0.5, border_px=12)
    )
    camera_file = work / "print-on-table.png"
    Image.fromarray(scene.frame).save(camera_file)
    camera = open_camera(f"file:{camera_file}")
    camera.open()
    models = load_models()
    options = AnimateOptions(
        preset="memorial", seconds=0.5, fps=8, engine=EngineSettings(max_short_side_px=384)
    )
    scan_settings = ScanSettings(restore="off")
    clock = ManualClock(time.time())
    store = Store(work / "store", clock=clock)  # type: ignore[arg-type]

    samples: list[Sample] = []
    times_s: list[float] = []
    t_all = time.perf_counter()
    for session in range(1, args.sessions + 1):
        t0 = time.perf_counter()
        photo = scan_still(camera.read(), scan_settings).photo
        clip = animate_photo(photo, options, models)
        store.add_item(  # as the kiosk keeps a portrait: all its files in one add
            png_bytes(photo),
            consent=True,
            preset="memorial",
            caption=f"Guest {session}",
            files={"clip": clip.mp4, "thumb": png_bytes(photo[::4, ::4])},
        )
        for item in store.list_items()[-3:]:  # the tribute loop plays the latest portraits
            store.read_file(item.id, "clip")
        clock.now_s += STORE_STEP_S
        store.wipe_expired()
        times_s.append(time.perf_counter() - t0)
        if session % args.every == 0 or session == 1:
            samples.append(
                Sample(
                    session,
                    rss_mb(),
                    open_fds(),
                    len(store.list_items(include_expired=True)),
                    disk_kb(work / "store"),
                    statistics.median(times_s[-args.every :]),
                )
            )
            s = samples[-1]
            print(
                f"session {s.session:4d}  RSS {s.rss_mb:7.1f} MB  fds {s.open_fds:3d}  "
                f"items {s.items:3d}  store {s.disk_kb:8.0f} KiB  {s.session_s:.3f} s/session",
                flush=True,
            )
    store.close()
    camera.close()
    total_s = time.perf_counter() - t_all

    early = [
        s for s in samples if WARMUP_SESSIONS <= s.session <= WARMUP_SESSIONS + BASELINE_SESSIONS
    ]
    late = [s for s in samples if s.session > args.sessions - BASELINE_SESSIONS]
    rss_ratio = statistics.median(s.rss_mb for s in late) / statistics.median(
        s.rss_mb for s in early
    )
    fd_ratio = late[-1].open_fds / early[0].open_fds
    time_ratio = statistics.median(times_s[-BASELINE_SESSIONS:]) / statistics.median(
        times_s[WARMUP_SESSIONS : WARMUP_SESSIONS + BASELINE_SESSIONS]
    )
    flat = abs(rss_ratio - 1) <= FLAT_LIMIT and abs(fd_ratio - 1) <= FLAT_LIMIT
    print(
        f"\n{args.sessions} sessions in {total_s:.0f} s "
        f"(median {statistics.median(times_s):.3f} s/session: scan + render + keep + wipe)\n"
        f"RSS, last {BASELINE_SESSIONS} sessions vs sessions {WARMUP_SESSIONS}-"
        f"{WARMUP_SESSIONS + BASELINE_SESSIONS}: ratio {rss_ratio:.3f}\n"
        f"open fds, end vs after warm-up: {late[-1].open_fds} vs {early[0].open_fds} "
        f"(ratio {fd_ratio:.3f})\n"
        f"session time, late vs early: ratio {time_ratio:.3f}\n"
        f"flat within {FLAT_LIMIT:.0%}: {'yes' if flat else 'NO'}"
    )
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return 1 if args.strict and not flat else 0


if __name__ == "__main__":
    sys.exit(main())

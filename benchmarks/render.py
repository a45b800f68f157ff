"""Benchmark: analyse + render + encode of a 6 s, 30 fps, 1080x1080 memorial clip.

Prints the breakdown, the ratio to real time (goal: under 1.0, i.e. faster than
the clip plays), peak memory (goal: under 800 MB), how the job scales with
resolution and with the number of faces, and a comparison of x264 presets
(ratios against the preset Keepsake uses, run in the same process).

First, the whole job as a guest's print gets it: ``keepsake animate`` of a 2048x2048
black-and-white scan in a child process (start-up, loading the models, analysis,
render, self-check, encode, writing), its peak RSS and CPU time read from the
kernel's accounting of that child (goals: <= 500 MB, <= 0.6x real time on 2 cores),
against a child that only starts and loads the models; with ``--baseline DIR``, against
another checkout's run of the same job (interleaved, run by run).

    .venv/bin/python benchmarks/render.py [--repeats 3] [--quick]
    .venv/bin/python benchmarks/render.py --whole-job --repeats 4 --baseline /tmp/main-copy
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine_edge.analysis import analyse, load_models  # noqa: E402
from engine_edge.deliver import encode_mp4  # noqa: E402
from engine_edge.image_io import load_image  # noqa: E402
from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo  # noqa: E402

PHOTOS = REPO.parent / "shared" / "data" / "photos"


def portrait() -> tuple[str, np.ndarray]:
    """A real portrait over 1080 px wide; without the shared data, the astronaut scaled up."""
    path = PHOTOS / "liveportrait_s1.jpg"
    if path.is_file():
        return path.name, load_image(path)
    from skimage import data

    return "astronaut (512 px, scaled to 1145)", cv2.resize(
        data.astronaut(), (1145, 1145), interpolation=cv2.INTER_CUBIC
    )


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_job(argv: list[str], cwd: Path = REPO) -> tuple[float, float, float]:
    """Run ``python -c``-style argv in a child; its wall s, CPU s and peak RSS in MB.

    ``os.wait4`` gives that child's own rusage: ru_maxrss is the kernel's high-water
    mark of its resident set (VmHWM), native memory (OpenVINO, x264) included.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(
            [sys.executable, *argv], cwd=cwd, stdout=subprocess.DEVNULL, stderr=log
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace"))
            raise SystemExit(f"{' '.join(argv)} failed ({child.returncode})")
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def whole_job(image: np.ndarray, repeats: int, baseline: Path | None = None) -> None:
    """`keepsake animate` of a 2048x2048 black-and-white scan, 6 s 1080x1080, in a child;
    with ``baseline`` (another checkout), its run of the same job before or after each."""
    grey = cv2.resize(
        cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (2048, 2048), interpolation=cv2.INTER_CUBIC
    )
    with tempfile.TemporaryDirectory() as tmp:
        photo, clip = Path(tmp) / "scan.png", Path(tmp) / "clip.mp4"
        cv2.imwrite(str(photo), grey)
        start_up = (
            "-c",
            "import av, engine_edge.pipeline; from engine_edge.analysis import load_models; "
            "load_models()",
        )
        animate = (
            "-m",
            "engine_edge.cli",
            "animate",
            str(photo),
            "-o",
            str(clip),
            "--seconds",
            "6",
            "--format",
            "square",
            "--quiet",
        )
        base = [child_job(list(start_up)) for _ in range(repeats)]
        runs, before = [], []
        for k in range(repeats):  # interleaved: this VM's speed drifts within minutes
            if baseline is not None and k % 2 == 0:
                before.append(child_job(list(animate), cwd=baseline))
            runs.append(child_job(list(animate)))
            if baseline is not None and k % 2 == 1:
                before.append(child_job(list(animate), cwd=baseline))
        size_kb = clip.stat().st_size / 1e3
    _, b_cpu, b_rss = (statistics.median(r[i] for r in base) for i in range(3))
    wall, cpu, rss = (statistics.median(r[i] for r in runs) for i in range(3))
    rss_all = ", ".join(f"{r[2]:.0f}" for r in runs)
    print(
        "\nwhole job, `keepsake animate` of a 2048x2048 grey scan, "
        f"6 s 1080x1080 ({size_kb:.0f} kB):"
    )
    print(f"  start-up alone (imports + load models): {b_cpu:.2f} s CPU, peak RSS {b_rss:.0f} MB")
    print(
        f"  whole job: {wall:.2f} s wall, {cpu:.2f} s CPU (x{cpu / b_cpu:.1f} of start-up), i.e. "
        f"ratio {cpu / 2 / 6:.2f} to real time on 2 idle cores (goal <= 0.60; wall {wall / 6:.2f})"
    )
    print(
        f"  peak RSS of the whole job: {rss:.0f} MB (runs: {rss_all}; goal <= 500 MB), "
        f"x{rss / b_rss:.2f} of start-up"
    )
    if before:
        _, b_cpu, b_rss = (statistics.median(r[i] for r in before) for i in range(3))
        pairs = ", ".join(f"{r[1] / b[1]:.2f}" for r, b in zip(runs, before, strict=True))
        print(
            f"  baseline ({baseline}): {b_cpu:.2f} s CPU, ratio {b_cpu / 2 / 6:.2f}, peak RSS "
            f"{b_rss:.0f} MB; this checkout's CPU over the baseline's, run by run: {pairs}"
        )
    _load_average()


def _load_average() -> None:
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else "?"
    print(f"  (machine load average while measuring: {' '.join(load)} on 2 cores)")


def job(image: np.ndarray, models, options: AnimateOptions):  # type: ignore[no-untyped-def]
    cpu = _cpu_s()
    start = time.perf_counter()
    analysis = analyse(image, models)
    analyse_s = time.perf_counter() - start
    clip = animate_photo(image, options, models, analysis=analysis)
    total = time.perf_counter() - start
    times = {k: v for k, v in clip.timings_s.items() if k != "analyse"}
    return clip, {"analyse": analyse_s, **times, "total": total, "cpu": _cpu_s() - cpu}


def moving_camera(image: np.ndarray, models, repeats: int) -> None:  # type: ignore[no-untyped-def]
    """A preset whose camera drifts (birthday): the person resampled in the strips they
    cross, against the whole frame resampled (as before), in this process."""
    from engine_edge.render import Renderer

    opts = AnimateOptions(preset="birthday", format="square")
    strips, tm = median_job(image, models, opts, repeats)
    h, w = strips.height, strips.width
    person_strips = Renderer._person_strips
    Renderer._person_strips = lambda self, grid_map: [(0, self.rig.size[1], 0, self.rig.size[0])]  # type: ignore[method-assign]
    try:
        _, whole = median_job(image, models, opts, repeats)
    finally:
        Renderer._person_strips = person_strips  # type: ignore[method-assign]
    print(f"\ncamera drifting (birthday, 6 s, {w}x{h}; the whole frame resampled = before):")
    for label, t in (("whole frame", whole), ("person's strips", tm)):
        print(
            f"  {label:15s} render {1000 * t['render'] / 180:5.1f} ms/frame, "
            f"{t['cpu']:.2f} s CPU (x{t['cpu'] / whole['cpu']:.2f})"
        )


def median_job(image, models, options, repeats):  # type: ignore[no-untyped-def]
    runs = [job(image, models, options) for _ in range(repeats)]
    keys = runs[0][1].keys()
    return runs[-1][0], {k: statistics.median(r[1][k] for r in runs) for k in keys}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one repeat, fewer comparisons")
    parser.add_argument("--whole-job", action="store_true", help="only the whole job, in a child")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. main's) whose whole job runs interleaved with this one's",
    )
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    name, image = portrait()
    whole_job(image, 1 if args.quick else repeats, args.baseline)
    if args.whole_job:
        return 0
    t = time.perf_counter()
    models = load_models()
    print(f"\nload models (once per boot): {time.perf_counter() - t:.2f} s ({models.backend})")
    options = AnimateOptions(preset="memorial", seconds=6.0, fps=30.0, format="square")
    clip, times = median_job(image, models, options, repeats)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmemorial, 6 s at 30 fps, {clip.width}x{clip.height}, {name}, median of {repeats}:")
    for key in ("analyse", "prepare", "render", "encode", "total"):
        per_frame = 1000 * times[key] / clip.frame_count
        print(f"  {key:8s} {times[key]:6.2f} s   {per_frame:6.1f} ms/frame")
    print(f"  ratio to real time: {times['total'] / clip.duration_s:.2f} (goal < 1.00)")
    print(
        f"  CPU time: {times['cpu']:.2f} s, i.e. {times['cpu'] / 2:.2f} s on 2 idle cores "
        f"(ratio {times['cpu'] / 2 / clip.duration_s:.2f}; wall time suffers when others share)"
    )
    print(f"  peak RSS: {rss_mb:.0f} MB (goal < 800 MB)")
    _load_average()

    print("\na scanned black-and-white print, 2048x2048 (the portrait in grey, enlarged):")
    grey = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    scan = cv2.resize(grey, (2048, 2048), interpolation=cv2.INTER_CUBIC)
    c, tm = median_job(scan, models, options, repeats)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  {c.width}x{c.height}, 6 s: {tm['total']:.2f} s wall (ratio to real time "
        f"{tm['total'] / c.duration_s:.2f}), {tm['cpu']:.2f} s CPU, i.e. ratio "
        f"{tm['cpu'] / 2 / c.duration_s:.2f} on 2 idle cores (goal <= 0.60), "
        f"peak RSS so far {rss_mb:.0f} MB (goal <= 500 MB)"
    )

    print("\nscaling with resolution (same photo, memorial, 6 s):")
    base = None
    for side in (540, 720, 1080):
        opts = AnimateOptions(
            preset="memorial", format="square", engine=EngineSettings(max_short_side_px=side)
        )
        c, tm = median_job(image, models, opts, 1 if args.quick else 2)
        base = base or tm["cpu"]
        print(
            f"  {c.width}x{c.height}: {tm['total']:.2f} s wall, {tm['cpu']:.2f} s CPU "
            f"(x{tm['cpu'] / base:.2f} of 540 px)"
        )

    moving_camera(image, models, 1 if args.quick else 2)

    group = PHOTOS / "dlib_2008_001322.jpg"
    if group.is_file():
        print("\nscaling with faces (group photo, memorial, 6 s, 1080 px landscape):")
        img = load_image(group)
        one = None
        for faces in (1, 2, 3):
            opts = AnimateOptions(preset="memorial", format="landscape", faces=faces)
            c, tm = median_job(img, models, opts, 1)
            one = one or tm["cpu"]
            print(
                f"  {faces} face(s): {tm['total']:.2f} s wall, {tm['cpu']:.2f} s CPU "
                f"(x{tm['cpu'] / one:.2f})"
            )

    print("\nx264 presets (60 rendered 1080x1080 frames, crf 20; ratio against veryfast):")
    from engine_edge.deliver import decode_frames

    frames = [f for _, f in decode_frames(clip.mp4, range(60))]
    results = {}
    presets = ("ultrafast", "superfast", "veryfast", "faster", "medium")
    for preset in presets[:3] if args.quick else presets:
        spans = []
        for _ in range(1 if args.quick else 2):
            t = time.perf_counter()
            size = (clip.width, clip.height)
            data = encode_mp4(iter(frames), fps=30, size=size, x264_preset=preset)
            spans.append(time.perf_counter() - t)
        results[preset] = (statistics.median(spans), len(data))
    ref_t, ref_b = results["veryfast"]
    for preset, (secs, size) in results.items():
        print(
            f"  {preset:9s} {1000 * secs / 60:5.1f} ms/frame (x{secs / ref_t:.2f}), "
            f"{size / 1e6 * 3:5.2f} MB per 6 s (x{size / ref_b:.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

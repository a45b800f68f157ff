"""Kiosk responsiveness: UI frame times while a render runs, live tribute fps at 1080p, Attract CPU.

Runs the real kiosk (Kivy, software GL under Xvfb) in a subprocess and reads
its frame times through the test-control hook. Baselines in the same run:
- frame times on the same kiosk while nothing renders (the render happens in
  the worker process, so the ratio should stay near 1; goal: no frame > 50 ms);
- the tribute loop playing the MP4 (decoded in a thread) against the live
  textured mesh driven by the rig (engine_edge.rig.deform per frame) and against
  the default, loop clips rendered by the worker (seam blend, cross-fades); the
  wall is also recorded from the X server and handed to the judge;
- CPU of the empty Attract screen against Attract playing a live portrait.

    .venv/bin/python benchmarks/kiosk.py            # everything
    .venv/bin/python benchmarks/kiosk.py --render   # only the UI frames while a clip renders
    .venv/bin/python benchmarks/kiosk.py --wall     # only the wall (MP4, loops) at 1280x800
                                                    # and 1920x1080, recorded for the judge
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.kiosk.conftest import kiosk_config  # noqa: E402
from tests.kiosk.driver import KioskDriver, Xvfb  # noqa: E402

MEASURE_S = 10.0


def portrait_1080() -> np.ndarray:
    import cv2
    from skimage import data

    return cv2.resize(data.astronaut(), (1080, 1080), interpolation=cv2.INTER_CUBIC)


def loop_clip_1080(photo: np.ndarray) -> bytes:
    """A real 6 s, 25 fps seamless loop of ``photo`` made by the engine (what the worker
    renders for the wall), made here at normal priority so the wall can be measured
    without waiting for the worker, which runs below everything (SCHED_IDLE)."""
    from engine_edge.analysis import load_models
    from engine_edge.pipeline import AnimateOptions, animate_photo

    options = AnimateOptions(loop=True, seconds=6.0, fps=25.0, seed=3)
    return animate_photo(photo, options, load_models()).mp4


def store_portrait(store_dir: Path, photo: np.ndarray, mp4: bytes | None = None) -> None:
    """One kept portrait of an open event (the wall shows only those) with a real 1080p
    H.264 clip: ``mp4``, or a clip of the photo rolling a few pixels."""
    import datetime as dt

    import av

    from kiosk.adapters.store import encode_png
    from kiosk.store import Store

    if mp4 is None:
        buffer = io.BytesIO()
        with av.open(buffer, "w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=25)
            stream.width, stream.height, stream.pix_fmt = 1080, 1080, "yuv420p"
            stream.options = {"preset": "veryfast", "crf": "20"}
            for i in range(150):
                frame = np.roll(photo, i % 7, axis=0)
                for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        mp4 = buffer.getvalue()
    with Store(store_dir) as store:
        event = store.open_event("Ruth Miller", dt.date(2026, 5, 12))
        item = store.add_item(
            encode_png(photo),
            consent=True,
            preset="memorial",
            caption="Ruth",
            event_id=event.event_id,
        )
        store.put_file(item, "clip", mp4)


def cpu_percent(pid: int, seconds: float) -> float:
    """CPU of the kiosk and its worker over ``seconds`` (100 = one core)."""
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    before = {p.pid: sum(p.cpu_times()[:2]) for p in procs}
    time.sleep(seconds)
    used = 0.0
    for p in procs:
        try:
            used += sum(p.cpu_times()[:2]) - before[p.pid]
        except psutil.NoSuchProcess:
            continue
    return 100.0 * used / seconds


def empty_attract_cpu(xvfb: Xvfb, workdir: Path, camera: Path, **kiosk: object) -> float:
    """CPU of the kiosk on Attract with nothing kept: the floor every wall figure sits on."""
    k = KioskDriver(workdir, kiosk_config(workdir, camera, **kiosk), xvfb.display)
    try:
        time.sleep(3.0)
        return cpu_percent(k.process.pid, MEASURE_S)
    finally:
        k.stop()


def frame_stats(ms: list[float]) -> str:
    ms = ms[5:]  # the first frames include the screen change
    over = sum(1 for m in ms if m > 50.0)
    return (
        f"frames {len(ms):4d}  median {statistics.median(ms):5.1f} ms  "
        f"p99 {np.percentile(ms, 99):5.1f} ms  max {max(ms):6.1f} ms  "
        f">50 ms: {over} ({100.0 * over / len(ms):.1f} %)"
    )


def tribute(
    xvfb: Xvfb,
    workdir: Path,
    camera: Path,
    mode: str,
    size: tuple[int, int] = (1920, 1080),
    record: bool = False,
    **kiosk: object,
) -> tuple[float, float, list[float]]:
    """fps shown, CPU and frame times of the wall in ``mode``: "live" (the textured mesh),
    "loop" (loop clips the worker renders in the background) or "clip" (the kept MP4);
    with ``record``, the wall is then grabbed from the X server for the judge."""
    config = kiosk_config(
        workdir,
        camera,
        live_tribute=mode != "clip",
        tribute_loops=mode == "loop",
        window_width_px=size[0],
        window_height_px=size[1],
        tribute_item_s=600.0,
        **kiosk,
    )
    k = KioskDriver(workdir, config, xvfb.display)
    try:
        k.wait_until(lambda s: s["debug"].get("mode") == mode, 600)
        time.sleep(2.0)
        key = "frames" if mode == "live" else "clip_frames"
        start = k.request("live_stats")
        k.request("frame_times", clear=True)
        server = psutil.Process(xvfb.process.pid)
        server_s = sum(server.cpu_times()[:2])
        t0 = time.monotonic()
        cpu = cpu_percent(k.process.pid, MEASURE_S)
        elapsed = time.monotonic() - t0
        # Xvfb copies each shown frame into its screen (a GPU's display does that on a box).
        server_cpu = 100.0 * (sum(server.cpu_times()[:2]) - server_s) / elapsed
        print(f"{mode} at {size[0]}x{size[1]} {kiosk}: X server (Xvfb) CPU {server_cpu:5.1f} %")
        frames = k.request("frame_times")["ms"]
        stats = k.request("live_stats")
        fps = (stats[key] - start[key]) / elapsed
        if mode == "live":
            print(
                "live mesh, Python side per frame (deform + vertex upload): median "
                f"{statistics.median(stats['update_ms']):.2f} ms"
            )
        if record:
            record_wall(xvfb, workdir / f"wall-{size[0]}x{size[1]}.mp4")
        return fps, cpu, frames
    finally:
        k.stop()


def record_wall(
    xvfb: Xvfb, out: Path, loop_frames: int = 150, fps: int = 25, limit_s: float = 120.0
) -> None:
    """Grab the wall from the X server (what the room sees) with FFmpeg's x11grab at twice
    the clip's ``fps`` (shared memory: it hardly loads the machine, where PIL's grabs came
    at 3 fps; at the clip's own rate it missed pictures once the wall kept up with it)
    until it has shown one whole loop: each new picture kept once, cropped to the picture,
    cut where the loop's first picture comes round again (a second turn if the grab missed
    it the first time), so the judge's last-to-first seam is the wall's own wrap. Written
    near-lossless at ``fps``."""
    import av

    from engine_edge.deliver import encode_mp4, seam_of_frames

    shown: list[np.ndarray] = []
    box: tuple[slice, slice] | None = None
    t0 = time.monotonic()
    options = {"framerate": str(2 * fps), "draw_mouse": "0"}
    with av.open(xvfb.display, format="x11grab", options=options) as screen:
        for frame in screen.decode(video=0):
            grab = frame.to_ndarray(format="rgb24")
            if box is None:
                # The picture: rows and columns that are not the plain background (per
                # channel: the background's own colour differs between channels).
                rows = np.nonzero(grab.std(axis=1).max(axis=1) > 1)[0]
                cols = np.nonzero(grab.std(axis=0).max(axis=1) > 1)[0]
                box = (slice(rows[0], rows[-1] // 2 * 2), slice(cols[0], cols[-1] // 2 * 2))
            picture = np.ascontiguousarray(grab[box])
            if not shown or not np.array_equal(picture, shown[-1]):
                shown.append(picture)
            if len(shown) > 2 * loop_frames + 5 or time.monotonic() - t0 > limit_s:
                break
    seconds = time.monotonic() - t0
    wrap = next((i for i in range(1, len(shown)) if np.array_equal(shown[i], shown[0])), None)
    loop = shown[:wrap] if wrap is not None else shown
    steps = seam_of_frames(loop)
    print(
        f"wall recording: {len(shown)} pictures in {seconds:.1f} s "
        f"({len(shown) / seconds:.1f} new pictures a second); "
        + (f"one loop = {wrap} pictures" if wrap else "the loop did not come round")
        + f"; biggest step {steps.max_step_ratio:.2f}x the median step"
    )
    size = (loop[0].shape[1], loop[0].shape[0])
    out.write_bytes(encode_mp4(loop, fps=fps, size=size, crf=4))
    judge = Path.home() / ".cache/keepsake-judge/venv/bin/python"
    judge_py = REPO.parent / "shared/judge/judge.py"
    photo = out.with_suffix(".png")
    if judge.exists() and judge_py.exists():
        import subprocess

        import cv2

        cv2.imwrite(str(photo), cv2.cvtColor(portrait_1080(), cv2.COLOR_RGB2BGR))
        answer = subprocess.run(
            [str(judge), str(judge_py), str(photo), str(out), "--json"],
            capture_output=True,
            text=True,
        )
        print(f"judge on the wall recording ({out}): {judge_summary(answer.stdout)}")


def judge_summary(stdout: str) -> str:
    """The judge's figures that matter for a clip (its README), from its JSON."""
    import json

    try:
        verdict = json.loads(stdout)
    except ValueError:
        return f"no verdict: {stdout[-300:]}"
    blinks, identity = verdict.get("blinks", {}), verdict.get("identity", {})
    jitter, seam = verdict.get("jitter", {}), verdict.get("loop_seam", {})
    return (
        f"blinks {blinks.get('count')} (EAR min/median {blinks.get('ear_min_over_median')}), "
        f"identity max {identity.get('max')}, jitter {jitter.get('centroid_jitter_norm_iod')}, "
        f"seam {seam.get('seam_over_typical_step')}x a typical step "
        f"(frozen steps {seam.get('frozen_step_fraction')})"
    )


def main() -> int:
    from skimage import data

    from engine_edge.scan.synthetic import write_hand_away_video

    print(f"machine load average (1, 5, 15 min) at start: {os.getloadavg()}")
    work = Path(tempfile.mkdtemp(prefix="keepsake-bench-"))
    camera = work / "print.mp4"
    write_hand_away_video(data.astronaut(), camera, fps=15, size=(1280, 960))
    if "--wall" in sys.argv[1:]:
        walls(work, camera)
        return 0
    if "--render" not in sys.argv[1:]:
        tributes(work, camera)
    render_frames(work, camera)
    return 0


def walls(work: Path, camera: Path) -> None:
    """The wall as the room sees it, at the kiosk's panel size and at 1080p: a kept
    seamless loop of the astronaut played by the clip player (seam blend included), and
    the same player on an empty Attract screen's cost as the baseline; the 1280x800 wall
    is recorded for the judge."""
    t0 = time.monotonic()
    mp4 = loop_clip_1080(portrait_1080())
    print(f"loop clip made in {time.monotonic() - t0:.0f} s")
    store_portrait(work / "w" / "store", portrait_1080(), mp4)
    lines = []
    for width, height in ((1280, 800), (1920, 1080)):
        screen = Xvfb(width, height)
        empty_dir = work / f"e{width}"
        empty_dir.mkdir()
        try:
            size = (width, height)
            fps, cpu, frames = tribute(screen, work / "w", camera, "clip", size, width == 1280)
            empty_cpu = empty_attract_cpu(
                screen, empty_dir, camera, window_width_px=width, window_height_px=height
            )
        finally:
            screen.stop()
        lines += [
            f"{width}x{height} loop clip on the wall: {fps:5.1f} fps shown (clip: 25)  "
            f"CPU {cpu:5.1f} % = {10.0 * cpu / max(fps, 0.1):5.1f} ms a frame  "
            f"(empty Attract {empty_cpu:5.1f} %)",
            f"                       {frame_stats(frames)}",
        ]
    print(f"load average now: {os.getloadavg()}")
    print("\n".join(lines))


def tributes(work: Path, camera: Path) -> None:
    print("== live tribute at 1920x1080, software GL (llvmpipe under Xvfb)")
    big = Xvfb(1920, 1080)
    try:
        store_portrait(work / "t1" / "store", portrait_1080())
        top_fps, top_cpu, top_frames = tribute(
            big, work / "t1", camera, "live", live_fps=60.0, software_gl_fps=60.0
        )
        live_fps, live_cpu, live_frames = tribute(big, work / "t1", camera, "live")
        clip_fps, clip_cpu, clip_frames = tribute(big, work / "t1", camera, "clip")
        loop_fps, loop_cpu, loop_frames = tribute(
            big, work / "t1", camera, "loop", clip_seconds=6.0, clip_fps=25
        )
        empty_dir = work / "t0"
        empty_dir.mkdir()
        empty_cpu = empty_attract_cpu(big, empty_dir, camera)
    finally:
        big.stop()
    print(f"live mesh, uncapped   : {top_fps:5.1f} fps drawn  CPU {top_cpu:5.1f} %")
    print(f"                        {frame_stats(top_frames)}")
    print(f"live mesh, default cap: {live_fps:5.1f} fps drawn  CPU {live_cpu:5.1f} %")
    print(f"                        {frame_stats(live_frames)}")
    print(f"MP4 baseline          : {clip_fps:5.1f} fps shown  CPU {clip_cpu:5.1f} %")
    print(f"                        {frame_stats(clip_frames)}")
    print(f"loop clips (default)  : {loop_fps:5.1f} fps shown  CPU {loop_cpu:5.1f} %")
    print(f"                        {frame_stats(loop_frames)}")
    print(f"ratio loop/MP4 CPU: {loop_cpu / max(clip_cpu, 0.1):.2f}")
    print(f"empty Attract: CPU {empty_cpu:5.1f} %")
    print(f"ratio live/MP4 CPU: {live_cpu / max(clip_cpu, 0.1):.2f}")


def render_frames(work: Path, camera: Path) -> None:
    print("== UI frame times while the guest's clip renders (1280x800, default 6 s at 25 fps)")
    small = Xvfb(1280, 800)
    workdir = work / "r"
    workdir.mkdir()
    k = KioskDriver(
        workdir, kiosk_config(workdir, camera, clip_seconds=6.0, clip_fps=25), small.display
    )
    try:
        k.tap("attract.begin")
        k.tap("consent.agree")
        k.wait_for("check", 60)
        k.wait_until(lambda s: s["debug"].get("faces", 0) > 0, 60)
        time.sleep(1.0)
        k.request("frame_times", clear=True)
        time.sleep(MEASURE_S / 2)
        idle = k.request("frame_times", clear=True)["ms"]  # baseline: Check, nothing running
        k.tap("check.continue")
        k.wait_for("mood")
        k.wait_until(lambda s: min(s["debug"]["live"]) > 0, 30)
        k.request("frame_times", clear=True)
        time.sleep(MEASURE_S / 2)
        mood = k.request("frame_times", clear=True)["ms"]  # four live mesh previews
        k.tap("mood.continue")
        t0 = time.monotonic()
        k.wait_for("render")
        k.request("frame_times", clear=True)
        # Frames drawn while the render screen shows, read in small batches so the change to
        # Preview (a different cost: the clip player starts) is counted on its own.
        during: list[float] = []
        while k.state()["state"] == "render" and time.monotonic() - t0 < 300:
            during += k.request("frame_times", clear=True)["ms"]
            time.sleep(0.25)
        render_s = time.monotonic() - t0
        k.wait_for("preview", 60)
        time.sleep(1.0)
        switch = k.request("frame_times")["ms"]
    finally:
        k.stop()
        small.stop()
    print(f"load average now: {os.getloadavg()}")
    print(f"Check, no render (baseline): {frame_stats(idle)}")
    print(f"Mood, 4 live previews      : {frame_stats(mood)}")
    print(f"Render screen, rendering   : {frame_stats(during)}   (render took {render_s:.1f} s)")
    print(f"Render -> Preview, 1st s   : {frame_stats(switch)}")
    print(
        "ratio median frame time rendering/baseline: "
        f"{statistics.median(during[5:]) / statistics.median(idle[5:]):.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())

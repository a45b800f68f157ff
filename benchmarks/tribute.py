"""Benchmark: what captions and the self-check add to a clip, and how fast a tribute film cuts.

1. The whole job of benchmarks/render.py (6 s, 30 fps, 1080x1080 memorial) with and without
   a caption and the self-check, alternated in the same process (goal: at most +15 %).
2. A 10-portrait film of existing 6 s 1080x1080 clips, landscape 1920x1080 with caption
   cards, cross-fades and a music bed, against plainly re-encoding the same clips
   (decode + encode, no cards, fades or music) in the same process; the film's time over
   its length (goal: under 1.0, faster than it plays) and peak memory (goal: under 600 MB).

    .venv/bin/python benchmarks/tribute.py [--repeats 3] [--portraits 10]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# The film runs in a child process that imports only what `keepsake montage` imports for
# clips (no analysis models, no renderer), so its peak RSS is the film's own.
from engine_edge.deliver import decode_frames, encode_mp4, probe_mp4  # noqa: E402
from engine_edge.montage import FilmOptions, Piece, make_film  # noqa: E402

CAPTION = "Ruth Miller, 1931–2024"


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    """This process's own peak RSS. Not ru_maxrss: Linux keeps that across exec, so a child
    started by a 570 MB parent would report the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def clip_overhead(image: np.ndarray, models, repeats: int) -> None:  # type: ignore[no-untyped-def]
    from engine_edge.analysis import analyse
    from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo

    engine = EngineSettings(max_short_side_px=1080)
    plain = AnimateOptions(engine=engine, format="square", self_check=False)
    full = AnimateOptions(engine=engine, format="square", self_check=True, caption=CAPTION)
    walls: dict[str, list[float]] = {"plain": [], "caption + self-check": []}
    cpus: dict[str, list[float]] = {"plain": [], "caption + self-check": []}
    for _ in range(repeats):
        for name, options in (("plain", plain), ("caption + self-check", full)):
            cpu, start = _cpu_s(), time.perf_counter()
            clip = animate_photo(image, options, models, analysis=analyse(image, models))
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(_cpu_s() - cpu)
            if clip.check is not None:
                check_s = clip.timings_s.get("check", 0.0)
                print(
                    f"  self-check: {'passed' if clip.check.passed else 'failed'}, "
                    f"{clip.check.frames_checked} frames, seam/summary {check_s:.2f} s"
                )
    base_wall, base_cpu = statistics.median(walls["plain"]), statistics.median(cpus["plain"])
    print(
        "\n| 6 s 1080x1080 memorial, whole job | wall (median) | CPU (median) | ratio wall / CPU |"
    )
    print("|---|---|---|---|")
    for name in walls:
        w, c = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"| {name} | {w:.2f} s | {c:.2f} s | {w / base_wall:.2f} / {c / base_cpu:.2f} |")


def film(image: np.ndarray, models, portraits: int) -> None:  # type: ignore[no-untyped-def]
    """Render three clips here, then cut the film in a fresh process so its peak RSS is its own."""
    import subprocess
    import tempfile

    from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo

    engine = EngineSettings(max_short_side_px=1080)
    print(f"\nrendering 3 distinct 6 s clips to cycle through {portraits} portraits…")
    with tempfile.TemporaryDirectory() as tmp:
        for s in range(3):
            options = AnimateOptions(engine=engine, format="square", seed=s, self_check=False)
            (Path(tmp) / f"clip{s}.mp4").write_bytes(animate_photo(image, options, models).mp4)
        subprocess.run(
            [sys.executable, __file__, "--film-from", tmp, "--portraits", str(portraits)],
            check=True,
        )


def cut_film(folder: Path, portraits: int) -> None:
    clips = [(folder / f"clip{s}.mp4").read_bytes() for s in range(3)]
    pieces = [
        Piece(clips[i % 3], f"{CAPTION} ({i + 1})" if i % 2 == 0 else None)
        for i in range(portraits)
    ]
    t = np.arange(48000 * 90, dtype=np.float32) / np.float32(48000)
    music = np.sin(np.float32(2 * np.pi * 196) * t)
    music *= np.float32(0.2) * np.sin(np.float32(2 * np.pi * 0.2) * t)
    del t
    rss_before = _peak_mb()
    cpu, start = _cpu_s(), time.perf_counter()
    out = make_film(pieces, FilmOptions(), music=(music, 48000))
    film_s, film_cpu = time.perf_counter() - start, _cpu_s() - cpu
    facts = probe_mp4(out)
    cpu, start = _cpu_s(), time.perf_counter()
    for piece in pieces:  # baseline: decode and re-encode each clip as it is
        frames = (f for _, f in decode_frames(piece.clip))
        encode_mp4(frames, fps=30.0, size=(1080, 1080))
    base_s, base_cpu = time.perf_counter() - start, _cpu_s() - cpu
    print(
        f"\n| {portraits}-portrait film, 1920x1080 ({facts.duration_s:.1f} s) | wall | CPU | "
        "wall / film length |"
    )
    print("|---|---|---|---|")
    print(
        f"| tribute film (cards, fades, music) | {film_s:.1f} s | {film_cpu:.1f} s | "
        f"{film_s / facts.duration_s:.2f} |"
    )
    print(
        f"| baseline: re-encode the clips as they are (1080x1080) | {base_s:.1f} s | "
        f"{base_cpu:.1f} s | ratio film/baseline {film_s / base_s:.2f} |"
    )
    print(f"peak RSS of the film process {_peak_mb():.0f} MB (after loading: {rss_before:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--portraits", type=int, default=10)
    parser.add_argument("--film-from", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.film_from:
        cut_film(args.film_from, args.portraits)
        return
    from benchmarks.render import portrait
    from engine_edge.analysis import load_models

    name, image = portrait()
    models = load_models()
    print(f"photo: {name}")
    clip_overhead(image, models, args.repeats)
    film(image, models, args.portraits)


if __name__ == "__main__":
    main()

"""How each way of encoding a ``--loop`` clip keeps its wrap a step and not a pulse.

Renders each photo's memorial ``--loop`` clip once, losslessly, keeps its decoded frames,
then encodes them with each option (in this one process) and prints per option: the wrap
(last shown frame to first) over the typical step (``deliver.loop_seam``: 128 px
thumbnails, as the judge measures), the worst step inside the loop over the typical
one (a pulse moved inside shows here), the file size over the encoding before this
change, and the encoding's CPU time over it. With ``--judge`` the clips encoded as before and
as shipped are written to ``--out`` and the independent judge reads both.

    .venv/bin/python benchmarks/loop_seam.py [--photos s1,2008_001322] [--judge] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine_edge.analysis import load_models  # noqa: E402
from engine_edge.deliver import (  # noqa: E402
    LOOP_LEAD_FRAMES,
    LOOP_TRAIL_FRAMES,
    LOOP_X264_PARAMS,
    decode_frames,
    encode_mp4,
    loop_seam,
)
from engine_edge.image_io import load_image  # noqa: E402
from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo  # noqa: E402

SHARED = REPO.parent / "shared"
JUDGE_PY = Path.home() / ".cache" / "keepsake-judge" / "venv" / "bin" / "python"
ONE_I_FRAME = "keyint=infinite:scenecut=0"


@dataclass(frozen=True)
class Option:
    lead_frames: int  # -1: the whole loop
    trail_frames: int
    x264_params: str


OPTIONS = {
    "before: lead 30": Option(30, 0, ONE_I_FRAME),
    "lead 60": Option(60, 0, ONE_I_FRAME),
    "lead 60 + trail 10": Option(60, 10, f"{ONE_I_FRAME}:rc-lookahead=10"),
    "shipped: lead 60 + trail 10, subme 7, ref 3": Option(
        LOOP_LEAD_FRAMES, LOOP_TRAIL_FRAMES, LOOP_X264_PARAMS
    ),
    "lead 90 + trail 10, subme 7, ref 3": Option(90, LOOP_TRAIL_FRAMES, LOOP_X264_PARAMS),
    "lead = the whole loop + trail 10": Option(-1, 10, f"{ONE_I_FRAME}:rc-lookahead=10"),
    "lead 30, no-fast-pskip, no-dct-decimate": Option(
        30, 0, f"{ONE_I_FRAME}:no-fast-pskip=1:no-dct-decimate=1"
    ),
    "lead 30, deadzones 6/6": Option(30, 0, f"{ONE_I_FRAME}:deadzone-inter=6:deadzone-intra=6"),
    "lead 30, constant QP 21, no B-frames": Option(30, 0, f"{ONE_I_FRAME}:qp=21:bframes=0"),
    "lead 30, aq-mode 0": Option(30, 0, f"{ONE_I_FRAME}:aq-mode=0"),
}
BEFORE, SHIPPED = "before: lead 30", "shipped: lead 60 + trail 10, subme 7, ref 3"


def loop_frames(photo: Path, models, seconds: float | None):  # type: ignore[no-untyped-def]
    """The loop's frames as the encoder gets them (a lossless clip, decoded)."""
    options = AnimateOptions(
        preset="memorial",
        loop=True,
        seconds=seconds,
        self_check=False,
        engine=EngineSettings(crf=0),
    )
    clip = animate_photo(load_image(photo), options, models)
    return [rgb for _, rgb in decode_frames(clip.mp4)], clip.fps


def encode(frames, fps: float, option: Option) -> tuple[bytes, float]:  # type: ignore[no-untyped-def]
    n = len(frames)
    lead = n if option.lead_frames < 0 else option.lead_frames
    order = [frames[i % n] for i in range(-lead, n + option.trail_frames)]
    size = (frames[0].shape[1], frames[0].shape[0])
    start = time.process_time()  # CPU seconds, all x264 threads: steadier than wall time here
    mp4 = encode_mp4(
        iter(order),
        fps=fps,
        size=size,
        lead_frames=lead,
        trail_frames=option.trail_frames,
        x264_params=option.x264_params,
    )
    return mp4, time.process_time() - start


def judge(photo: Path, clip: Path) -> float | None:
    cmd = [str(JUDGE_PY), str(SHARED / "judge" / "judge.py"), str(photo), str(clip), "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return None
    return result.get("loop_seam", {}).get("seam_over_typical_step")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", default="s1,2008_001322,art_0", help="name parts, or 'all'")
    parser.add_argument("--seconds", type=float, default=None, help="default: the preset's")
    parser.add_argument("--options", default="", help="name parts of the options (default all)")
    parser.add_argument("--judge", action="store_true", help="judge the before / shipped clips")
    parser.add_argument("--out", type=Path, default=Path("/tmp/keepsake-loop-seam"))
    args = parser.parse_args()
    photos = sorted(p for p in (SHARED / "data" / "photos").iterdir() if "dog" not in p.name)
    if args.photos != "all":
        photos = [p for p in photos if any(k in p.stem for k in args.photos.split(","))]
    chosen = {k: v for k, v in OPTIONS.items() if not args.options or args.options in k}
    if args.judge:
        chosen = {k: OPTIONS[k] for k in (BEFORE, SHIPPED)}
        args.out.mkdir(parents=True, exist_ok=True)
    models = load_models()
    print("photo | option | seam/step | worst step/step | size | encode CPU | judge seam")
    for photo in photos:
        frames, fps = loop_frames(photo, models, args.seconds)
        base_bytes = base_s = 0.0
        for name, option in {BEFORE: OPTIONS[BEFORE], **chosen}.items():
            mp4, took_s = encode(frames, fps, option)
            base_bytes, base_s = base_bytes or len(mp4), base_s or took_s
            seam = loop_seam(mp4)
            judged = ""
            if args.judge:
                path = args.out / f"{photo.stem}.{'before' if name == BEFORE else 'shipped'}.mp4"
                path.write_bytes(mp4)
                judged = f"{judge(photo, path)}"
            print(
                f"{photo.stem} | {name} | {seam.ratio:.2f} | {seam.max_step_ratio:.2f} | "
                f"{len(mp4) / base_bytes:.2f} | {took_s / base_s:.2f} | {judged}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

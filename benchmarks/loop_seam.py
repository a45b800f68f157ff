"""How each way of encoding a ``--loop`` clip keeps its wrap a step and not a pulse.

Renders each photo's memorial ``--loop`` clip once, losslessly, keeps its decoded frames,
then encodes them with each option (in this one process) and prints per option: the wrap
(last shown frame to first) over the typical step (``deliver.loop_seam``: 128 px
thumbnails, as the judge measures), the biggest step anywhere (the wrap included) over the
typical one (a pulse moved inside shows here), the file size and the encoding's CPU time
over main's (lead 60 + trail 10 at CRF 20, what ships), and the fine detail the encoder
keeps in the face (high-pass energy of each decoded frame over the same lossless frame's,
median). With ``--judge`` the clips encoded as before last round (lead 30) and as main are
written to ``--out`` and the independent judge reads both.

    .venv/bin/python benchmarks/loop_seam.py [--photos s1,2008_001322] [--seconds 3]
        [--options NAME_PART] [--judge] [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine_edge.analysis import analyse, load_models  # noqa: E402
from engine_edge.deliver import (  # noqa: E402
    CLIP_CRF_OFFSET,
    CLIP_X264_PARAMS,
    LOOP_LEAD_FRAMES,
    LOOP_TRAIL_FRAMES,
    LOOP_X264_PARAMS,
    _cut_video_end,
    decode_frames,
    encode_mp4,
    faststart,
    seam_of_frames,
)
from engine_edge.image_io import load_image  # noqa: E402
from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo  # noqa: E402

SHARED = REPO.parent / "shared"
JUDGE_PY = Path.home() / ".cache" / "keepsake-judge" / "venv" / "bin" / "python"
ONE_I_FRAME = "keyint=infinite:scenecut=0"


MAIN_LOOP = f"{ONE_I_FRAME}:subme=7:ref=3:rc-lookahead=10"  # main's LOOP_X264_PARAMS


@dataclass(frozen=True)
class Option:
    """How to encode a loop of n frames. ``ramp``: (frames, lowest QP): x264 zones raise the
    quality step by step over the last frames of the lead and of the loop (``cycle``: around
    the IDR instead). ``aim``: the last frames' source is blended towards the lead's own
    decoded frames (a first pass) so the loop ends on what its first frame follows.
    ``cycle``: constant QP, an IDR at mid-loop and a lead that starts with the same IDR:
    both copies of the loop's end are then one and the same chain."""

    lead_frames: int  # -1: the whole loop
    trail_frames: int
    x264_params: str
    crf: int = 20
    ramp: tuple[int, int] = (0, 0)
    aim: int = 0
    cycle: bool = False


OPTIONS = {
    "before: lead 30": Option(30, 0, ONE_I_FRAME),
    "main = shipped: lead 60 + trail 10, subme 7, ref 3": Option(
        LOOP_LEAD_FRAMES, LOOP_TRAIL_FRAMES, LOOP_X264_PARAMS
    ),
    "lead 90 + trail 10, subme 7, ref 3": Option(90, LOOP_TRAIL_FRAMES, MAIN_LOOP),
    "lead = the whole loop + trail 10": Option(-1, 10, f"{ONE_I_FRAME}:rc-lookahead=10"),
    "main + dead zones 6/6": Option(60, 10, f"{MAIN_LOOP}:deadzone-inter=6:deadzone-intra=6"),
    "main + adaptive quantisation at 0.6": Option(60, 10, f"{MAIN_LOOP}:aq-strength=0.6"),
    "main + the clips' dead zones 8/8, no B-frames, CRF 24": Option(
        60, 10, f"{MAIN_LOOP}:{CLIP_X264_PARAMS}", crf=20 + CLIP_CRF_OFFSET
    ),
    "main + quality ramp to QP 12 over the last 24 of lead and loop": Option(
        60, 10, MAIN_LOOP, ramp=(24, 12)
    ),
    "main + quality ramp to QP 16 over the last 24 of lead and loop": Option(
        60, 10, MAIN_LOOP, ramp=(24, 16)
    ),
    "main, 2 passes: last 30 frames aimed at the decoded lead": Option(60, 10, MAIN_LOOP, aim=30),
    "closed cycle, QP 23, no B-frames": Option(0, 10, "", cycle=True),
    "closed cycle, QP 24, ramp to QP 12 over 30 frames each side": Option(
        0, 10, "", ramp=(30, 12), cycle=True
    ),
}
BEFORE, MAIN = "before: lead 30", "main = shipped: lead 60 + trail 10, subme 7, ref 3"


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
    frames = [rgb for _, rgb in decode_frames(clip.mp4)]
    faces = analyse(frames[0], models).faces
    box = max(faces, key=lambda f: f.width_px).box if faces else (0, 0, *frames[0].shape[1::-1])
    return frames, clip.fps, tuple(int(max(0, v)) for v in box)


def encode(frames, fps: float, option: Option) -> tuple[bytes, float]:  # type: ignore[no-untyped-def]
    """The clip and the CPU seconds it took (all x264 threads: steadier than wall time here)."""
    start = time.process_time()
    if option.cycle:
        mp4 = closed_cycle(frames, fps, option)
        return mp4, time.process_time() - start
    n = len(frames)
    lead = n if option.lead_frames < 0 else option.lead_frames
    order = [frames[i % n] for i in range(-lead, n + option.trail_frames)]
    params = option.x264_params
    if option.ramp[0]:
        zones = ramp_zones(lead, option.ramp) + ramp_zones(lead + n, option.ramp)
        params += ":zones=" + "/".join(zones)
    size = (frames[0].shape[1], frames[0].shape[0])

    def run(source: list) -> bytes:  # type: ignore[type-arg]
        return encode_mp4(
            iter(source),
            fps=fps,
            size=size,
            crf=option.crf,
            lead_frames=lead,
            trail_frames=option.trail_frames,
            x264_params=params,
        )

    mp4 = run(order)
    if option.aim:
        hidden = decode_all(mp4)  # the lead as decoded, which x264 codes the same way again
        for j in range(1, option.aim + 1):
            weight = (option.aim - j + 1) / option.aim
            src, target = frames[n - j].astype(np.float32), hidden[lead - j].astype(np.float32)
            order[lead + n - j] = np.clip(src + weight * (target - src) + 0.5, 0, 255).astype(
                np.uint8
            )
        mp4 = run(order)
    return mp4, time.process_time() - start


def ramp_zones(end: int, ramp: tuple[int, int], start_qp: int = 23, steps: int = 4) -> list[str]:
    """x264 zones that bring the quantiser from ``start_qp`` down to ``ramp[1]`` in ``steps``
    equal steps over the ``ramp[0]`` frames before frame ``end``."""
    count, low_qp = ramp
    each = count // steps
    return [
        f"{end - count + k * each},{end - count + (k + 1) * each - 1},"
        f"q={round(start_qp + (low_qp - start_qp) * (k + 1) / steps)}"
        for k in range(steps)
    ]


def closed_cycle(frames, fps: float, option: Option, qp: int = 23) -> bytes:  # type: ignore[no-untyped-def]
    """Constant QP (no rate-control history), an IDR at mid-loop b, and a hidden lead that is
    the loop from b on, starting with the same IDR: the lead's copy of the loop's end and the
    shown one are the same chain, bit for bit. x264 clamps zones to the QP range of I, P and B
    frames in this mode, so B-frames are off and the B factor widens the range downwards."""
    import av

    n, trail = len(frames), option.trail_frames
    b = n // 2
    lead = n - b
    order = frames[b:] + frames + frames[:trail]
    params = f"{ONE_I_FRAME}:rc-lookahead={trail}:bframes=0"
    if option.ramp[0]:
        count, low_qp = option.ramp
        qp += 1
        params += f":pbratio=0.1:ipratio=1.0:qp={qp}"
        qps = [qp] * n
        for d in range(-count, count + 1):  # down to low_qp at b and back up, linearly
            qps[(b + d) % n] = round(low_qp + (qp - low_qp) * abs(d) / (count + 1))
        coded = [qps[i % n] for i in range(b, n)] + qps + qps[:trail]
        runs = [(k, len(list(g))) for k, g in itertools.groupby(coded)]
        zones, at = [], 0
        for value, length in runs:
            zones.append(f"{at},{at + length - 1},q={value}")
            at += length
        params += ":zones=" + "/".join(zones)
    else:
        params += f":qp={qp}"
    buf, rate = io.BytesIO(), Fraction(round(fps * 1000), 1000).limit_denominator(1001)
    with av.open(buf, mode="w", format="mp4") as container:
        video = container.add_stream("libx264", rate=rate)
        video.width, video.height = frames[0].shape[1], frames[0].shape[0]
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "veryfast", "x264-params": params}
        for i, rgb in enumerate(order):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = i - lead, 1 / rate
            if i == lead + b:
                frame.pict_type = av.video.frame.PictureType.I
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
    return faststart(_cut_video_end(buf.getvalue(), Fraction(n) / rate))


def decode_all(mp4: bytes) -> list:  # type: ignore[type-arg]
    """Every coded frame, the hidden ones too (the edit list ignored)."""
    import av

    with av.open(io.BytesIO(mp4), options={"ignore_editlist": "1"}) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def detail_kept(decoded, frames, box) -> float:  # type: ignore[no-untyped-def]
    """Median over frames of the face's high-pass energy decoded over lossless."""
    x0, y0, x1, y1 = box

    def energy(rgb: np.ndarray) -> float:
        grey = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32)
        return float(np.mean((grey - cv2.GaussianBlur(grey, (0, 0), 1.0)) ** 2))

    kept = [energy(d) / max(energy(f), 1e-6) for d, f in zip(decoded, frames, strict=True)]
    return float(np.median(kept))


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
        chosen = {k: OPTIONS[k] for k in (BEFORE, MAIN)}
        args.out.mkdir(parents=True, exist_ok=True)
    models = load_models()
    print("photo | option | seam/step | worst step/step | size | encode CPU | detail | judge seam")
    for photo in photos:
        frames, fps, box = loop_frames(photo, models, args.seconds)
        base_bytes = base_s = 0.0
        for name, option in {MAIN: OPTIONS[MAIN], **chosen}.items():
            mp4, took_s = encode(frames, fps, option)
            base_bytes, base_s = base_bytes or len(mp4), base_s or took_s
            decoded = [rgb for _, rgb in decode_frames(mp4)]
            seam = seam_of_frames(iter(decoded))
            judged = ""
            if args.judge:
                path = args.out / f"{photo.stem}.{'main' if name == MAIN else 'before'}.mp4"
                path.write_bytes(mp4)
                judged = f"{judge(photo, path)}"
            print(
                f"{photo.stem} | {name} | {seam.ratio:.2f} | "
                f"{max(seam.ratio, seam.max_step_ratio):.2f} | {len(mp4) / base_bytes:.2f} | "
                f"{took_s / base_s:.2f} | {detail_kept(decoded, frames, box):.2f} | {judged}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A second opinion on every shared photo: render memorial (and speaking) clips, run the judge.

The independent judge (../shared/judge, dlib 68-point, no model shared with the product)
measures blinks, identity, jitter and lip sync; ``mouth_interior.py`` measures the inside of
an open mouth. This script adds the share of fine detail kept in the face while it moves
(high-pass energy of each frame over frame 0's, which is the photo). Prints one table row
per clip; clips and JSON stay in ``--out`` for close-ups.

``--floor`` also judges the photo itself slid rigidly by under a pixel (no Keepsake warp, the
same encoder): the jitter dlib's landmarks show on that photo for any motion at all, to read
the clip's jitter against (a still clip measures < 0.001, which says nothing about motion).
With ``--speech`` it adds the spread (standard deviation) of dlib's mouth opening over its
width on that slid photo, whose mouth never moves, next to the clip's: the judge's own noise
against the speaking mouth's signal, which bounds the lip sync it can read on a small face.

    .venv/bin/python benchmarks/judge_photos.py [--photos s1,art_0] [--seeds 0,1] [--speech]
        [--floor] [--photos-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.speech import write_wav  # noqa: E402
from engine_edge.analysis import analyse, load_models  # noqa: E402
from engine_edge.deliver import decode_frames, encode_mp4  # noqa: E402
from engine_edge.image_io import load_image  # noqa: E402
from engine_edge.pipeline import AnimateOptions, animate_photo  # noqa: E402

SHARED = REPO.parent / "shared"
PHOTOS = SHARED / "data" / "photos"
JUDGE_PY = Path.home() / ".cache" / "keepsake-judge" / "venv" / "bin" / "python"
TYPED = "I loved every summer we spent by the sea, and I still hear you laughing."
VOICE = "librivox_0880"


def photo_paths(folder: Path, names: str) -> list[Path]:
    """The photos in ``folder``, sorted; only those whose name holds one of the
    comma-separated ``names`` parts when it is given. A folder other than the shared
    photos (scaled or grey variants) judges a change on faces it was not tuned on."""
    photos = sorted(p for p in folder.iterdir() if p.is_file())
    wanted = [w for w in names.split(",") if w]
    return [p for p in photos if not wanted or any(w in p.name for w in wanted)]


def run_judge(script: str, *args: str) -> dict:
    """One of ../shared/judge's scripts on ``args``: its JSON answer, or {"error": ...}."""
    cmd = [str(JUDGE_PY), str(SHARED / "judge" / script), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": done.stderr[-300:]}


def detail_kept(mp4: bytes, models) -> float:  # type: ignore[no-untyped-def]
    """Median over frames of the largest face's high-pass energy over frame 0's (the photo)."""
    frames = [f for _, f in decode_frames(mp4)]
    h, w = frames[0].shape[:2]
    faces = analyse(frames[0], models).faces
    if not faces:
        return float("nan")
    box = max(faces, key=lambda f: f.width_px).box
    x0, y0, x1, y1 = (int(np.clip(v, 0, s)) for v, s in zip(box, (w, h, w, h), strict=True))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return float("nan")

    def energy(img: np.ndarray) -> float:
        g = cv2.cvtColor(img[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32)
        return float(np.mean((g - cv2.GaussianBlur(g, (0, 0), 1.0)) ** 2))

    base = energy(frames[0])
    return float(np.median([energy(f) for f in frames[1:]]) / max(base, 1e-6))


def rigid_drift(mp4: bytes, fps: float, seconds: float) -> bytes:
    """The clip's first frame (the photo as exported) slid rigidly by a slow sub-pixel sway.

    Amplitude 0.7 px and 0.1-0.2 Hz, about what the memorial head sway moves the eyes by;
    bicubic like the renderer, encoded like a clip. The judge's jitter on it is its floor.
    """
    first = next(decode_frames(mp4, [0]))[1]
    h, w = first.shape[:2]
    frames = (sway(first, i / fps) for i in range(round(seconds * fps)))
    return encode_mp4(frames, fps=fps, size=(w, h))


def sway(frame: np.ndarray, t: float) -> np.ndarray:
    """``frame`` slid rigidly to where a slow sub-pixel sway has it at ``t`` seconds."""
    h, w = frame.shape[:2]
    dx = 0.7 * np.sin(2 * np.pi * 0.12 * t)
    dy = 0.5 * np.sin(2 * np.pi * 0.17 * t + 1.0)
    shift = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float64)
    return cv2.warpAffine(frame, shift, (w, h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REFLECT101)  # fmt: skip


def _speech_lines(fps: float):  # type: ignore[no-untyped-def]
    from engine_edge.speech.line import line_from_audio, synthesize_line

    audio = SHARED / "data" / "audio" / f"{VOICE}.wav"
    text = (SHARED / "data" / "audio" / f"{VOICE}.txt").read_text().split(" ", 1)[-1]
    return {
        "typed": synthesize_line(TYPED, fps=fps, preset="memorial"),
        "voice": line_from_audio(audio, transcript=text.strip(), fps=fps, preset="memorial"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", default="", help="comma-separated name parts (default all)")
    parser.add_argument(
        "--photos-dir", type=Path, default=PHOTOS, help="judge the photos in this folder instead"
    )
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    parser.add_argument("--speech", action="store_true", help="speaking clips instead")
    parser.add_argument("--seconds", type=float, default=6.0, help="memorial clip length")
    parser.add_argument("--id-every", default="3", help="identity every N frames (judge)")
    parser.add_argument("--out", default="/tmp/judge_photos", help="clips and JSON go here")
    parser.add_argument(
        "--floor", action="store_true", help="also judge the photo slid rigidly (jitter floor)"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    photos = photo_paths(args.photos_dir, args.photos)
    models = load_models()
    lines = _speech_lines(30.0) if args.speech else {"": None}
    print(
        "photo                         clip    iod  blinks ear_min/med  id.max  jitter  "
        "detail  teeth contr  lip_r0 lag"
        + ("  floor" + (" mar_sd floor/clip" if args.speech else "") if args.floor else "")
    )
    for photo_path in photos:
        image = load_image(photo_path)
        analysis = analyse(image, models)
        for seed in (int(s) for s in args.seeds.split(",")):
            for kind, line in lines.items():
                options = AnimateOptions(
                    preset="memorial", seed=seed, speech=line, seconds=args.seconds
                )
                clip = animate_photo(image, options, models, analysis=analysis)
                tag = f"{photo_path.stem}_{kind or 's'}{seed}"
                mp4 = out / f"{tag}.mp4"
                mp4.write_bytes(clip.mp4)
                extra = []
                if line is not None:
                    wav = out / f"{tag}.wav"
                    write_wav(wav, line.audio, line.sample_rate)
                    extra = ["--audio", str(wav)]
                j = run_judge(
                    "judge.py",
                    str(photo_path),
                    str(mp4),
                    "--json",
                    "--id-every",
                    args.id_every,
                    *extra,
                )
                mouth = run_judge("mouth_interior.py", str(mp4)) if line is not None else {}
                kept = detail_kept(clip.mp4, models)
                floor: dict = {}
                if args.floor:
                    drift = out / f"{tag}_rigid.mp4"
                    drift.write_bytes(rigid_drift(clip.mp4, options.fps, args.seconds))
                    floor = run_judge("judge.py", str(photo_path), str(drift), "--json",
                                   "--id-every", "1000")  # fmt: skip
                (out / f"{tag}.json").write_text(
                    json.dumps({"judge": j, "mouth": mouth, "floor": floor})
                )
                row = _row(photo_path.stem, kind or f"s{seed}", j, mouth, kept)
                if args.floor:
                    row += f"  {_num(floor, 'jitter', 'centroid_jitter_norm_iod'):.4f}"
                    if line is not None:
                        row += (
                            f" {_num(floor, 'mouth', 'mar', 'std'):.3f}"
                            f"/{_num(j, 'mouth', 'mar', 'std'):.3f}"
                        )
                print(row, flush=True)
    return 0


def _num(d: dict, *keys: str) -> float:
    for k in keys:
        if not isinstance(d, dict):
            return float("nan")
        d = d.get(k)  # type: ignore[assignment]
    return float(d) if isinstance(d, int | float) else float("nan")


def _row(name: str, clip: str, j: dict, mouth: dict, kept: float) -> str:
    blinks = j.get("blinks") or {}
    lip = j.get("lipsync") or {}
    return (
        f"{name[:29]:29s} {clip:6s} {_num(j, 'face', 'iod_px_median'):5.0f}  "
        f"{blinks.get('count', '-')!s:>6} {_num(blinks, 'ear_min_over_median'):11.2f}  "
        f"{_num(j, 'identity', 'max'):6.2f}  {_num(j, 'jitter', 'centroid_jitter_norm_iod'):.4f}  "
        f"{kept:6.3f}  {_num(mouth, 'teeth'):5.2f} {_num(mouth, 'contrast'):5.2f}  "
        f"{_num(lip, 'corr_lag0'):6.2f} {lip.get('best_lag', '-')!s:>3}"
    )


if __name__ == "__main__":
    sys.exit(main())

"""Analysis speed: each model INT8 vs FP32 on both runtimes, and a whole `analyse` against
MediaPipe's own pipeline on the same photos.

    .venv/bin/python benchmarks/analysis.py [--runs N]

MediaPipe runs in its own virtualenv (.venv-ref, it pins numpy<2); when that is
absent its rows are skipped. Decoding is excluded everywhere: both sides get
the same RGB array. Medians of N runs after warm-up; ratios against FP32 (models)
and against MediaPipe (whole pipeline), measured in this one run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REF_PYTHON = REPO / ".venv-ref" / "bin" / "python"


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def model_rows(runs: int) -> list[str]:
    from engine_edge.analysis.models import MODEL_NAMES, models_dir, read_manifest
    from models_int8.measure import latency_ms

    manifest = read_manifest()
    by_key = {(m["model"], m["backend"], m["precision"]): m for m in manifest["models"]}
    rows = ["| model | runtime | FP32 ms | INT8 ms | INT8 / FP32 |", "|---|---|---|---|---|"]
    for backend in ("openvino", "onnxruntime"):
        for name in MODEL_NAMES:
            ms = {}
            for precision in ("fp32", "int8"):
                entry = by_key[name, backend, precision]
                ms[precision] = latency_ms(
                    backend, models_dir() / entry["path"], precision, entry["input"]["shape"], runs
                )
            rows.append(
                f"| {name} | {backend} | {ms['fp32']:.2f} | {ms['int8']:.2f} | "
                f"{ms['int8'] / ms['fp32']:.2f} |"
            )
    return rows


def mediapipe_ms(images: dict[str, np.ndarray], runs: int) -> dict[str, float] | None:
    if not REF_PYTHON.exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        np.savez(src, **images)
        subprocess.run(
            [
                str(REF_PYTHON),
                str(REPO / "models_int8" / "reference_mediapipe.py"),
                str(src),
                str(out),
                "--repeat",
                str(runs),
            ],
            check=True,
            capture_output=True,
        )
        with np.load(out) as data:
            return {n: float(data[f"{n}/mesh_ms"] + data[f"{n}/mask_ms"]) for n in images}


def pipeline_rows(runs: int) -> list[str]:
    from engine_edge.analysis import analyse, load_models
    from models_int8.photos import base_portraits

    images = base_portraits()
    mp = mediapipe_ms(images, runs)
    rows = [
        "| photo | runtime / precision | Keepsake analyse ms | MediaPipe ms | ratio |",
        "|---|---|---|---|---|",
    ]
    for backend in ("openvino", "onnxruntime"):
        for precision in ("fp32", "int8"):
            models = load_models(backend, precision)
            for name, img in images.items():
                ms = median_ms(lambda m=models, i=img: analyse(i, m), runs)
                ref = f"{mp[name]:.2f}" if mp else "n/a"
                ratio = f"{ms / mp[name]:.2f}" if mp else "n/a"
                rows.append(
                    f"| {name} {img.shape[1]}x{img.shape[0]} | {backend} / {precision}"
                    f" | {ms:.2f} | {ref} | {ratio} |"
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print("Per model (one inference, random input of the model's size):")
    print("\n".join(model_rows(args.runs)))
    print(
        "\nWhole analyse (detect all faces + 478 landmarks per face + person mask, decode "
        "excluded) vs MediaPipe FaceMesh(refine_landmarks) + SelfieSegmentation:"
    )
    print("\n".join(pipeline_rows(args.runs)))


if __name__ == "__main__":
    main()

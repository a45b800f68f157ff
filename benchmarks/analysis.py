"""Analysis speed: each model INT8 vs FP32 on every device found, and a whole `analyse` against
MediaPipe's own pipeline on the same photos.

    .venv/bin/python benchmarks/analysis.py [--runs N] [--models-only]

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
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REF_PYTHON = REPO / ".venv-ref" / "bin" / "python"


def interleaved_medians(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median ms of each call, run round-robin so a busy machine slows all of them alike."""
    for fn in calls.values():
        for _ in range(3):
            fn()
    times: dict[str, list[float]] = {k: [] for k in calls}
    for _ in range(runs):
        for key, fn in calls.items():
            t0 = time.perf_counter()
            fn()
            times[key].append((time.perf_counter() - t0) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


def model_rows(runs: int) -> list[str]:
    """One row per model on every device found (OpenVINO CPU/GPU/NPU, each ONNX Runtime
    provider), FP32 against INT8, and the precision ``auto`` picks there (manifest)."""
    from engine_edge.analysis.backends import create_backend, devices_found
    from engine_edge.analysis.models import MODEL_NAMES, models_dir, read_manifest, resolve_profile

    manifest = read_manifest()
    by_key = {(m["model"], m["backend"], m["precision"]): m for m in manifest["models"]}
    calls = {}
    devices = devices_found()
    picks = {}
    for found in devices:
        runtime = create_backend(found.backend, found.device)
        picks[found] = resolve_profile(manifest, runtime, "auto")
        for name in MODEL_NAMES:
            for precision in ("fp32", "int8"):
                entry = by_key[name, found.backend, precision]
                session = runtime.load(models_dir() / entry["path"], precision)
                x = (
                    np.random.default_rng(0)
                    .uniform(*entry["input"]["range"], entry["input"]["shape"])
                    .astype(np.float32)
                )
                calls[found, name, precision] = lambda s=session, x=x: s.run(x)
    ms = interleaved_medians(calls, runs)
    rows = [
        "| model | runtime | device | FP32 ms | INT8 ms | INT8 / FP32 | auto picks |",
        "|---|---|---|---|---|---|---|",
    ]
    for found in devices:
        for name in MODEL_NAMES:
            f, q = ms[found, name, "fp32"], ms[found, name, "int8"]
            rows.append(
                f"| {name} | {found.backend} | {found.device} ({found.description}) | "
                f"{f:.2f} | {q:.2f} | {q / f:.2f} | {picks[found]} |"
            )
    return rows


class MediaPipeRuntime:
    """MediaPipe's pipeline in .venv-ref, timed one call at a time (inside its own process)."""

    def __init__(self, images: dict[str, np.ndarray]) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        src = Path(self._tmp.name) / "in.npz"
        np.savez(src, **images)
        self._proc = subprocess.Popen(
            [
                str(REF_PYTHON),
                str(REPO / "models_int8" / "reference_mediapipe.py"),
                str(src),
                "--serve",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._proc.stdout and self._proc.stdout.readline().strip() == "ready"

    def run_ms(self, name: str) -> float:
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(name + "\n")
        self._proc.stdin.flush()
        mesh_ms, mask_ms = self._proc.stdout.readline().split()
        return float(mesh_ms) + float(mask_ms)

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)
        self._tmp.cleanup()


def pipeline_rows(runs: int) -> list[str]:
    """Whole analyse per configuration and MediaPipe, alternated call by call."""
    from engine_edge.analysis import analyse, load_models
    from models_int8.photos import base_portraits

    images = base_portraits()
    configs = [(b, p) for b in ("openvino", "onnxruntime") for p in ("fp32", "int8")]
    models = {c: load_models(*c) for c in configs}
    mp = MediaPipeRuntime(images) if REF_PYTHON.exists() else None
    times: dict[tuple[str, str], list[float]] = {}
    try:
        for i in range(runs + 3):
            for name, img in images.items():
                if mp:
                    value = mp.run_ms(name)
                    if i >= 3:
                        times.setdefault(("mediapipe", name), []).append(value)
                for config in configs:
                    t0 = time.perf_counter()
                    analyse(img, models[config])
                    if i >= 3:
                        times.setdefault(("/".join(config), name), []).append(
                            (time.perf_counter() - t0) * 1000
                        )
    finally:
        if mp:
            mp.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    rows = [
        "| photo | runtime / precision | Keepsake analyse ms | MediaPipe ms | ratio |",
        "|---|---|---|---|---|",
    ]
    for config in configs:
        for name, img in images.items():
            ms = med["/".join(config), name]
            ref = med.get(("mediapipe", name))
            rows.append(
                f"| {name} {img.shape[1]}x{img.shape[0]} | {config[0]} / {config[1]} | "
                f"{ms:.2f} | {f'{ref:.2f}' if ref else 'n/a'} | "
                f"{f'{ms / ref:.2f}' if ref else 'n/a'} |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--models-only", action="store_true", help="skip the whole-pipeline table")
    args = parser.parse_args()
    print("Per model (one inference, random input of the model's size):")
    print("\n".join(model_rows(args.runs)))
    if args.models_only:
        return
    print(
        "\nWhole analyse (detect all faces + 478 landmarks per face + person mask, decode "
        "excluded) vs MediaPipe FaceMesh(refine_landmarks) + SelfieSegmentation:"
    )
    print("\n".join(pipeline_rows(args.runs)))


if __name__ == "__main__":
    main()

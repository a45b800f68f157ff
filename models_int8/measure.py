"""Figures the manifest records: accuracy against MediaPipe, latency per model, and the
``--precision auto`` choice they justify."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "data" / "analysis" / "mediapipe_reference.npz"
PROFILES = {
    "fp32": {"*": "fp32"},
    # INT8 moved the short-range detector's boxes enough to shift every landmark crop
    # (~1.2 % NME) and lost a face; it stays float, as on MediaPipe's own GPU path.
    "int8": {"*": "int8", "face_detection_short_range": "fp32"},
}
# The devices INT8 is for; they are not on the build machine, so the choice is policy.
INT8_DEVICES = {"openvino": ("NPU",), "onnxruntime": ("TensorrtExecutionProvider",)}
TARGETS = {"fp32_mean_pct": 0.1, "int8_mean_pct": 1.5, "int8_p95_pct": 3.0}


def reference() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as data:
        return {name: data[name] for name in data.files}


def accuracy(backend: str, profile: str) -> dict[str, Any]:
    from engine_edge.analysis import analyse, load_models
    from models_int8.evaluate import score
    from models_int8.photos import accuracy_set

    models = load_models(backend, profile)
    ours = {
        n: [f.landmarks for f in analyse(img, models).faces] for n, img in accuracy_set().items()
    }
    result = score(ours, reference())
    return {**result.summary(), "extra_faces": result.extra_faces}


def latency_ms(backend: str, path: Path, precision: str, shape: list[int], runs: int = 30) -> float:
    from engine_edge.analysis.backends import create_backend

    session = create_backend(backend).load(path, precision)
    x = np.random.default_rng(0).uniform(0, 1, shape).astype(np.float32)
    for _ in range(5):
        session.run(x)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        session.run(x)
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 3)


def measure(root: Path, outputs: list[dict[str, Any]]) -> dict[str, Any]:
    from models_int8.convert import INPUT_SPECS

    latencies: dict[str, dict[str, dict[str, float]]] = {}
    for out in outputs:
        shape = INPUT_SPECS[out["model"]]["shape"]
        ms = latency_ms(out["backend"], root / out["path"], out["precision"], shape)
        latencies.setdefault(out["backend"], {}).setdefault(out["model"], {})[out["precision"]] = ms
    return figures(latencies, {b: {p: accuracy(b, p) for p in PROFILES} for b in latencies})


def figures(
    latencies: dict[str, dict[str, dict[str, float]]], acc: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The manifest's profiles, ``--precision auto`` choice and its reasons, from the figures."""
    auto: dict[str, dict[str, str]] = {}
    reasons: dict[str, str] = {}
    for backend, per_model in latencies.items():
        fp32 = sum(m["fp32"] for m in per_model.values())
        int8 = sum(m[PROFILES["int8"].get(n, "int8")] for n, m in per_model.items())
        a = acc[backend]["int8"]
        accurate = (
            a["mean_pct"] <= TARGETS["int8_mean_pct"]
            and a["p95_pct"] <= TARGETS["int8_p95_pct"]
            and a["missed"] == 0
        )
        cpu = "CPU" if backend == "openvino" else "CPUExecutionProvider"
        faster = int8 < 0.8 * fp32
        auto[backend] = {cpu: "int8" if (faster and accurate) else "fp32", "default": "fp32"}
        for device in INT8_DEVICES[backend]:
            auto[backend][device] = "int8"
        reasons[backend] = (
            f"On the build machine's CPU one pass of every model takes {fp32:.1f} ms in FP32 and "
            f"{int8:.1f} ms in the int8 profile; int8 costs {a['mean_pct']:.2f} % mean / "
            f"{a['p95_pct']:.2f} % p95 NME against MediaPipe and missed {a['missed']} face(s). "
            f"So the CPU uses {auto[backend][cpu]}. {', '.join(INT8_DEVICES[backend])} "
            "(not present here) use int8, the precision those accelerators are built for."
        )
    return {
        "profiles": PROFILES,
        "auto": auto,
        "auto_reasons": reasons,
        "measured": {
            "machine": "build machine CPU (see README for the benchmark machine)",
            "latency_ms_median": latencies,
            "accuracy_vs_mediapipe": acc,
            "accuracy_set": "models_int8/photos.py accuracy_set(): astronaut, camera, grace_hopper,"
            " 4 LFW faces, each plain and in 8 print looks; reference = MediaPipe 0.10.21 FaceMesh"
            "(static_image_mode, refine_landmarks) in tests/data/analysis/mediapipe_reference.npz",
            "targets": TARGETS,
        },
    }


def refresh_accuracy(root: Path) -> dict[str, Any]:
    """Re-measure accuracy into the committed manifest, keeping its models and latencies.

    For a change in the analysis code (not the models): no wheel, conversion or
    quantization needed.
    """
    from engine_edge.atomic import write_atomic

    target = root / "manifest.json"
    manifest = json.loads(target.read_text())
    latencies = manifest["measured"]["latency_ms_median"]
    acc = {b: {p: accuracy(b, p) for p in PROFILES} for b in latencies}
    manifest.update(figures(latencies, acc))
    write_atomic(target, (json.dumps(manifest, indent=1) + "\n").encode(), mode=0o666)
    return acc


if __name__ == "__main__":
    print(json.dumps(refresh_accuracy(Path(__file__).resolve().parent), indent=1))

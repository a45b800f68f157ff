"""Reference landmarks and timings from MediaPipe's own pipeline (run in .venv-ref).

MediaPipe 0.10.21 pins numpy<2, so it lives in its own virtualenv:

    python3.11 -m venv .venv-ref && .venv-ref/bin/pip install mediapipe==0.10.21
    .venv-ref/bin/python models_int8/reference_mediapipe.py IN.npz OUT.npz [--repeat N]

IN.npz holds RGB uint8 images by name; OUT.npz gets, per image, the landmarks of
every face FaceMesh(static_image_mode, refine_landmarks) finds, in pixels
(x, y, z·width, as MediaPipe scales z), and the median time per image in ms
(FaceMesh and, separately, SelfieSegmentation). This script imports only numpy
and mediapipe, never Keepsake.

With ``--serve`` it instead reads image names from stdin, one per line, and
answers each with "MESH_MS MASK_MS" for one run, so a benchmark can alternate
MediaPipe and Keepsake call by call on a busy machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs")
    parser.add_argument("output", nargs="?")
    parser.add_argument("--serve", action="store_true", help="time single runs on request")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per image")
    args = parser.parse_args()
    import mediapipe as mp

    images = dict(np.load(args.inputs))
    out: dict[str, np.ndarray] = {}
    mesh = mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True,
        refine_landmarks=True,
        max_num_faces=20,
        min_detection_confidence=0.5,
    )
    selfie = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)
    if args.serve:
        serve(images, mesh, selfie)
        return
    for name, img in images.items():
        h, w = img.shape[:2]
        result = mesh.process(img)
        faces = result.multi_face_landmarks or []
        out[f"{name}/landmarks"] = np.array(
            [[(p.x * w, p.y * h, p.z * w) for p in f.landmark] for f in faces], np.float32
        ).reshape(len(faces), 478, 3)
        mesh_ms, mask_ms = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            mesh.process(img)
            t1 = time.perf_counter()
            selfie.process(img)
            t2 = time.perf_counter()
            mesh_ms.append((t1 - t0) * 1000)
            mask_ms.append((t2 - t1) * 1000)
        if args.repeat:
            out[f"{name}/mesh_ms"] = np.float32(statistics.median(mesh_ms))
            out[f"{name}/mask_ms"] = np.float32(statistics.median(mask_ms))
    np.savez_compressed(args.output, **out)


def serve(images: dict[str, np.ndarray], mesh, selfie) -> None:  # type: ignore[no-untyped-def]
    import sys

    print("ready", flush=True)
    for line in sys.stdin:
        img = images[line.strip()]
        t0 = time.perf_counter()
        mesh.process(img)
        t1 = time.perf_counter()
        selfie.process(img)
        t2 = time.perf_counter()
        print(f"{(t1 - t0) * 1000:.4f} {(t2 - t1) * 1000:.4f}", flush=True)


if __name__ == "__main__":
    main()

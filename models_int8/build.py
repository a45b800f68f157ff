"""Rebuild every model under models_int8/ from the MediaPipe wheel (``make models``).

Why a build script: the box is offline, so the models ship in the repository,
and anyone must be able to check they came from MediaPipe 0.10.21 unchanged
apart from conversion and quantization. The script downloads the wheel with
pip (build time only), checks its sha256, reads the TFLite files out of the
zip, converts them to OpenVINO IR and ONNX, quantizes them to INT8 with a
calibration set of augmented real faces, and writes manifest.json.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

WHEEL_NAME = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
CACHE = HERE / ".cache"

# model name -> path inside the wheel
SOURCES = {
    "face_detection_short_range": (
        "mediapipe/modules/face_detection/face_detection_short_range.tflite"
    ),
    "face_detection_full_range": (
        "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite"
    ),
    "face_landmark_attention": (
        "mediapipe/modules/face_landmark/face_landmark_with_attention.tflite"
    ),
    "selfie_segmentation": "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite",
}
CONNECTIONS = "mediapipe/python/solutions/face_mesh_connections.py"

log = logging.getLogger("models_int8.build")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_wheel() -> Path:
    """Download the pinned wheel once (pip, no dependencies) and check its hash."""
    CACHE.mkdir(parents=True, exist_ok=True)
    wheel = CACHE / WHEEL_NAME
    if not wheel.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "mediapipe==0.10.21",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version",
                "3.11",
                "--platform",
                "manylinux_2_28_x86_64",
                "-d",
                str(CACHE),
            ],
            check=True,
        )
    actual = sha256_of(wheel)
    if actual != WHEEL_SHA256:
        raise SystemExit(f"{wheel} has sha256 {actual}, expected {WHEEL_SHA256}")
    return wheel


def extract(wheel: Path) -> dict[str, Path]:
    """Copy the TFLite files (and the mesh connections) out of the wheel into the cache."""
    out = CACHE / "tflite"
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with zipfile.ZipFile(wheel) as zf:
        for name, member in {**SOURCES, "face_mesh_connections": CONNECTIONS}.items():
            target = out / Path(member).name
            target.write_bytes(zf.read(member))
            paths[name] = target
    return paths


def main(argv: list[str] | None = None) -> int:
    from models_int8 import convert, manifest, measure, topology_build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-int8", action="store_true", help="only the FP32 conversions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    wheel = fetch_wheel()
    sources = extract(wheel)
    topology_build.write_topology(
        sources["face_mesh_connections"], sources["face_landmark_attention"]
    )
    outputs = convert.convert_all(sources, HERE)
    # the FP32 models are listed first: calibration runs the FP32 pipeline through the manifest
    profiles = {"profiles": measure.PROFILES}
    manifest.write_manifest(HERE, wheel, WHEEL_SHA256, sources, outputs, profiles)
    if not args.skip_int8:
        from models_int8 import quantize

        outputs += quantize.quantize_all(HERE)
        manifest.write_manifest(HERE, wheel, WHEEL_SHA256, sources, outputs, profiles)
    figures = measure.measure(HERE, outputs) if not args.skip_int8 else profiles
    manifest.write_manifest(HERE, wheel, WHEEL_SHA256, sources, outputs, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())

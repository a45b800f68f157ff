"""Software checks: versions, the models and their hashes, inference runtimes and devices."""

from __future__ import annotations

import platform
import time
from importlib import metadata
from typing import Any

from engine_edge import __version__
from engine_edge.doctor.report import FAIL, OK, WARN, Check

# The packages whose versions support asks for first.
PACKAGES = (
    "numpy",
    "opencv-python-headless",
    "openvino",
    "onnxruntime",
    "onnxruntime-gpu",
    "av",
    "kivy",
    "cryptography",
    "pyserial",
    "sounddevice",
)


def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def versions() -> Check:
    """Keepsake, Python and the main packages; two ONNX Runtimes side by side is a fault."""
    details = [("keepsake", __version__), ("python", platform.python_version())]
    details.append(("platform", f"{platform.system()} {platform.machine()} {platform.release()}"))
    found = {p: v for p in PACKAGES if (v := installed_version(p))}
    details.extend(found.items())
    summary = f"keepsake {__version__} on Python {platform.python_version()}"
    if "onnxruntime" in found and "onnxruntime-gpu" in found:
        return Check(
            "versions",
            FAIL,
            summary + "; onnxruntime and onnxruntime-gpu are both installed",
            "the two overwrite each other's files: `pip uninstall onnxruntime onnxruntime-gpu`, "
            "then reinstall NVIDIA's onnxruntime-gpu wheel (docs/DEPLOY.md, Jetson)",
            tuple(details),
        )
    return Check("versions", OK, summary, details=tuple(details))


def models() -> Check:
    """Every model file the manifest lists is there with its recorded size and sha256."""
    from engine_edge.analysis.models import models_dir, read_manifest, verify_file
    from engine_edge.errors import KeepsakeError

    try:
        manifest = read_manifest()
    except KeepsakeError as exc:
        return Check("models", FAIL, str(exc), "reinstall Keepsake (install.sh)")
    root = models_dir()
    details: list[tuple[str, str]] = []
    bad: list[str] = []
    for entry in manifest.get("models", []):
        for rel, meta in entry.get("files", {}).items():
            try:
                verify_file(root / rel, meta)
            except KeepsakeError:
                bad.append(rel)
                continue
            if rel.endswith((".onnx", ".xml")):
                details.append((rel, f"sha256 {meta['sha256'][:16]}…"))
    if bad:
        return Check(
            "models",
            FAIL,
            f"{len(bad)} model file(s) missing or damaged: {', '.join(bad[:4])}",
            "reinstall Keepsake (install.sh, or install.sh --offline BUNDLE)",
            tuple(details),
        )
    return Check(
        "models", OK, f"{len(details)} model files match the manifest", details=tuple(details)
    )


def backends(config: dict[str, Any]) -> Check:
    """The runtimes and devices found, and the configured analysis actually loading on one."""
    from engine_edge.analysis.backends import devices_found
    from engine_edge.analysis.models import load_models
    from engine_edge.analysis.settings import AnalysisSettings
    from engine_edge.config import section
    from engine_edge.errors import KeepsakeError

    details = [(f"{d.backend} {d.device}", d.description) for d in devices_found()]
    if not details:
        return Check(
            "backends",
            FAIL,
            "neither OpenVINO nor ONNX Runtime is installed",
            "reinstall Keepsake (install.sh); on a Jetson install NVIDIA's onnxruntime-gpu first",
        )
    try:
        settings = section(config, "analysis", AnalysisSettings)
        t0 = time.perf_counter()
        loaded = load_models(settings.backend, settings.precision, settings.device)
        load_ms = (time.perf_counter() - t0) * 1000
    except KeepsakeError as exc:
        return Check(
            "backends",
            FAIL,
            f"analysis does not load: {exc}",
            "set [analysis] backend/device in /etc/keepsake/keepsake.toml to one found above",
            tuple(details),
        )
    summary = (
        f"analysis runs on {loaded.backend} {loaded.device}, {loaded.precision} "
        f"(loaded in {load_ms:.0f} ms)"
    )
    slow = loaded.backend == "onnxruntime" and loaded.device == "CPUExecutionProvider"
    if slow and any(
        label.endswith(("TensorrtExecutionProvider", "CUDAExecutionProvider"))
        for label, _ in details
    ):
        return Check(
            "backends",
            WARN,
            summary + " although a GPU provider is installed",
            "check the GPU's device nodes (docs/DEPLOY.md, Jetson)",
            tuple(details),
        )
    return Check("backends", OK, summary, details=tuple(details))

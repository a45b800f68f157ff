"""Two inference runtimes behind one small interface.

OpenVINO is the default on x86 (the NUC); ONNX Runtime serves the Jetson
(CUDA / TensorRT providers when present) and is the cross-check here. Both
take the same NHWC float32 tensors and return the model outputs in the same
order, so the rest of analysis never knows which one ran.
"""

from __future__ import annotations

import logging
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from engine_edge.errors import ConfigInvalid, DeviceUnavailable, ModelMissing

log = logging.getLogger(__name__)

BACKENDS = ("openvino", "onnxruntime")
# OpenVINO devices that pick or combine others when the model is compiled.
OPENVINO_VIRTUAL = ("AUTO", "MULTI", "HETERO")


@dataclass(frozen=True)
class DeviceInfo:
    """One place analysis can run: a runtime, its name for the device, and what it is."""

    backend: str
    device: str
    description: str


class Session(Protocol):
    """One compiled model: NHWC float32 in, its outputs (in manifest order) out."""

    def run(self, image: np.ndarray) -> list[np.ndarray]: ...


class Backend(Protocol):
    name: str
    device: str

    def load(self, path: Path, precision: str) -> Session: ...


class OpenVinoSession:
    def __init__(self, compiled) -> None:  # type: ignore[no-untyped-def]
        self.compiled = compiled  # what OpenVINO made of the model, with its properties
        self._request = compiled.create_infer_request()
        self._outputs = list(compiled.outputs)

    def run(self, image: np.ndarray) -> list[np.ndarray]:
        result = self._request.infer([np.ascontiguousarray(image, dtype=np.float32)])
        return [np.array(result[o]) for o in self._outputs]


class OpenVinoBackend:
    """OpenVINO on CPU, GPU or NPU.

    FP32 models are compiled with ``INFERENCE_PRECISION_HINT=f32``: without it
    OpenVINO silently runs them in bf16 on CPUs with AMX, which moves landmarks.
    """

    name = "openvino"

    def __init__(self, device: str = "CPU", cache_dir: Path | None = None) -> None:
        import openvino as ov

        self.device = device
        self._core = ov.Core()
        cache = _writable(cache_dir if cache_dir is not None else compile_cache_dir())
        if cache is not None:
            self._core.set_property({"CACHE_DIR": str(cache)})
        # The CPU asks its own plugin alone: listing every device loads each plugin (NPU,
        # GPU), about 9 MB more resident for as long as the process runs.
        if device != "CPU" or "CPU" not in self._core.get_versions("CPU"):
            self._check_available(device)

    def _check_available(self, device: str) -> None:
        available = self._core.available_devices
        virtual = device.split(":")[0] in OPENVINO_VIRTUAL
        if not virtual and not any(d == device or d.split(".")[0] == device for d in available):
            raise DeviceUnavailable(
                f"OpenVINO device {device} is not available here (found: {', '.join(available)}); "
                "set [analysis] device to one of those."
            )

    def load(self, path: Path, precision: str) -> Session:
        # One photo at a time: latency, not throughput. The models are small enough that a
        # second CPU thread saves no time (a photo's analysis 33 vs 34 ms) and only spins
        # waiting for work: 0.72 -> 0.42 s CPU for 24 analyses, and the self-check that runs
        # while a clip renders no longer takes a core from the renderer (a 6 s memorial
        # 6.65 -> 6.26 s CPU, 4 interleaved runs in one process).
        config: dict[str, object] = {"PERFORMANCE_HINT": "LATENCY"}
        if self.device == "CPU":
            config["INFERENCE_NUM_THREADS"] = 1
        if precision == "fp32":
            config["INFERENCE_PRECISION_HINT"] = "f32"
        # Compiled from its path, a model found in the cache is not read and parsed at all
        # (0.39 -> 0.29 s CPU for the four; a model file changed in place is compiled
        # afresh: tried). A cached blob cut short (a kill mid-write) is compiled afresh and
        # rewritten (tested), and a full disk only leaves the cache empty (tried on a 1 MB
        # tmpfs): OpenVINO itself copes with both.
        compiled = self._core.compile_model(str(path), self.device, config)
        if self.device.split(":")[0] in OPENVINO_VIRTUAL:
            # AUTO chooses when compiling (the iGPU once its kernels are built, else the CPU).
            log.debug(
                "openvino %s runs %s on %s",
                self.device,
                path.name,
                ", ".join(compiled.get_property("EXECUTION_DEVICES")),
            )
        return OpenVinoSession(compiled)


def compile_cache_dir() -> Path:
    """Where OpenVINO keeps the models it has compiled: a second start reads them back
    instead of compiling again (half the CPU on the CPU plugin, seconds on an iGPU).

    systemd's ``CacheDirectory=`` (``$CACHE_DIRECTORY``) on the box, else the user's cache.
    The blobs hold the models' weights only, nothing of a guest's photo, so the wipe
    leaves them; a new OpenVINO gets a folder of its own.
    """
    import openvino as ov

    systemd = os.environ.get("CACHE_DIRECTORY")
    if systemd:
        base = Path(systemd.split(":")[0])
    else:
        user = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        base = Path(user) / "keepsake"
    return base / "openvino" / ov.get_version().split("-")[0]


def _writable(folder: Path) -> Path | None:
    """``folder``, made if need be, or None where it cannot be written (a read-only home)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


class OrtSession:
    def __init__(self, session) -> None:  # type: ignore[no-untyped-def]
        self._session = session
        self._input = session.get_inputs()[0].name
        self._outputs = [o.name for o in session.get_outputs()]

    def run(self, image: np.ndarray) -> list[np.ndarray]:
        feed = {self._input: np.ascontiguousarray(image, dtype=np.float32)}
        return list(self._session.run(self._outputs, feed))


class OnnxRuntimeBackend:
    """ONNX Runtime: TensorRT, then CUDA, then CPU, whichever this install offers.

    ``device`` names one provider ("CUDAExecutionProvider") to use only that one (benchmarks,
    tests); anything else ("CPU", the OpenVINO default in keepsake.toml) means the whole chain.
    After a model loads, ``device`` is the provider ONNX Runtime actually put it on: it drops
    TensorRT or CUDA silently when their libraries do not load, and the log says so.
    """

    name = "onnxruntime"
    PREFERRED = ("TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider")

    def __init__(self, device: str = "CPU") -> None:
        import onnxruntime as ort

        available = ort.get_available_providers()
        if device.endswith("ExecutionProvider"):
            if device not in available:
                raise DeviceUnavailable(
                    f"ONNX Runtime has no {device} here (found: {', '.join(available)}); "
                    'set [analysis] device = "CPU" to use the best one found.'
                )
            self.providers = [device]
        else:
            self.providers = [p for p in self.PREFERRED if p in available]
        self.device = self.providers[0] if self.providers else "CPUExecutionProvider"

    def _provider_options(self) -> list[tuple[str, dict[str, str]] | str]:
        """TensorRT builds an engine per model on first use (minutes on a Jetson): cache it."""
        if "TensorrtExecutionProvider" not in self.providers:
            return list(self.providers)
        cache = Path(os.environ.get("KEEPSAKE_TRT_CACHE", "~/.cache/keepsake/tensorrt"))
        cache = cache.expanduser()
        cache.mkdir(parents=True, exist_ok=True)
        trt = {"trt_engine_cache_enable": "True", "trt_engine_cache_path": str(cache)}
        return [("TensorrtExecutionProvider", trt), *self.providers[1:]]

    def load(self, path: Path, precision: str) -> Session:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        session = ort.InferenceSession(str(path), options, providers=self._provider_options())
        ran = session.get_providers()[0]
        if ran != self.device:
            log.warning("onnxruntime: %s fell back from %s to %s", path.name, self.device, ran)
        self.device = ran
        log.debug("onnxruntime runs %s on %s", path.name, ran)
        return OrtSession(session)


def devices_found() -> list[DeviceInfo]:
    """Every device each installed runtime can run analysis on, best first per runtime."""
    found = []
    try:
        import openvino as ov

        core = ov.Core()
        for device in core.available_devices:
            try:
                description = str(core.get_property(device, "FULL_DEVICE_NAME"))
            except RuntimeError:  # a plugin that cannot describe itself is still there
                description = device
            found.append(DeviceInfo("openvino", device, description))
    except ImportError:
        pass
    try:
        import onnxruntime as ort

        available = ort.get_available_providers()
        found += [
            DeviceInfo("onnxruntime", p, p.removesuffix("ExecutionProvider"))
            for p in OnnxRuntimeBackend.PREFERRED
            if p in available
        ]
    except ImportError:
        pass
    return found


def default_backend() -> str:
    """OpenVINO on x86 when it is installed, else ONNX Runtime."""
    if platform.machine().lower() in ("x86_64", "amd64"):
        try:
            import openvino  # noqa: F401

            return "openvino"
        except ImportError:
            pass
    return "onnxruntime"


def create_backend(name: str, device: str = "CPU") -> Backend:
    if name == "auto":
        name = default_backend()
    if name == "openvino":
        try:
            return OpenVinoBackend(device)
        except ImportError as exc:
            raise ModelMissing(
                "OpenVINO is not installed; install keepsake[nuc] or choose --backend onnxruntime."
            ) from exc
    if name == "onnxruntime":
        return OnnxRuntimeBackend(device)
    raise ConfigInvalid(f"Unknown backend {name!r}; choose one of: auto, {', '.join(BACKENDS)}.")

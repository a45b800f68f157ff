"""Two inference runtimes behind one small interface.

OpenVINO is the default on x86 (the NUC); ONNX Runtime serves the Jetson
(CUDA / TensorRT providers when present) and is the cross-check here. Both
take the same NHWC float32 tensors and return the model outputs in the same
order, so the rest of analysis never knows which one ran.
"""

from __future__ import annotations

import logging
import platform
from pathlib import Path
from typing import Protocol

import numpy as np

from engine_edge.errors import ConfigInvalid, DeviceUnavailable, ModelMissing

log = logging.getLogger(__name__)

BACKENDS = ("openvino", "onnxruntime")


class Session(Protocol):
    """One compiled model: NHWC float32 in, its outputs (in manifest order) out."""

    def run(self, image: np.ndarray) -> list[np.ndarray]: ...


class Backend(Protocol):
    name: str
    device: str

    def load(self, path: Path, precision: str) -> Session: ...


class OpenVinoSession:
    def __init__(self, compiled) -> None:  # type: ignore[no-untyped-def]
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

    def __init__(self, device: str = "CPU") -> None:
        import openvino as ov

        self.device = device
        self._core = ov.Core()
        available = self._core.available_devices
        if device not in ("AUTO",) and not any(d.split(".")[0] == device for d in available):
            raise DeviceUnavailable(
                f"OpenVINO device {device} is not available here (found: {', '.join(available)}); "
                "set [analysis] device to one of those."
            )

    def load(self, path: Path, precision: str) -> Session:
        # one photo at a time: latency, not throughput
        config = {"PERFORMANCE_HINT": "LATENCY"}
        if precision == "fp32":
            config["INFERENCE_PRECISION_HINT"] = "f32"
        model = self._core.read_model(str(path))
        return OpenVinoSession(self._core.compile_model(model, self.device, config))


class OrtSession:
    def __init__(self, session) -> None:  # type: ignore[no-untyped-def]
        self._session = session
        self._input = session.get_inputs()[0].name
        self._outputs = [o.name for o in session.get_outputs()]

    def run(self, image: np.ndarray) -> list[np.ndarray]:
        feed = {self._input: np.ascontiguousarray(image, dtype=np.float32)}
        return list(self._session.run(self._outputs, feed))


class OnnxRuntimeBackend:
    """ONNX Runtime: TensorRT, then CUDA, then CPU, whichever this install offers."""

    name = "onnxruntime"
    PREFERRED = ("TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider")

    def __init__(self, device: str = "CPU") -> None:
        import onnxruntime as ort

        available = ort.get_available_providers()
        self.providers = [p for p in self.PREFERRED if p in available]
        self.device = self.providers[0] if self.providers else "CPUExecutionProvider"

    def load(self, path: Path, precision: str) -> Session:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        return OrtSession(ort.InferenceSession(str(path), options, providers=self.providers))


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

"""The [analysis] section of keepsake.toml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalysisSettings:
    backend: str = "auto"  # auto, openvino, onnxruntime
    precision: str = "auto"  # auto, int8, fp32
    device: str = "CPU"  # OpenVINO: CPU, GPU, NPU, AUTO; ONNX Runtime: a provider name, else all


def analysis_settings(config_path: str | None = None) -> AnalysisSettings:
    from engine_edge.config import load_config, section

    return section(load_config(config_path), "analysis", AnalysisSettings)

"""INT8 post-training quantization of every model, for both runtimes.

- OpenVINO IR: NNCF with the MIXED preset (symmetric weights, asymmetric
  activations). The default (PERFORMANCE) preset emptied some selfie masks.
- ONNX: ``onnxruntime.quantization.quantize_static``, QDQ format, per-channel
  weights. The layers that produce the outputs stay float: quantized, scores
  collapse to 0.5 and landmarks move in 1-pixel steps.

In both, only convolutions are quantized; element-wise operators (residual
adds, the landmark-coordinate arithmetic of the attention model's crops) stay
float. Measured on the accuracy set: quantizing the residual adds too moved
the attention mesh by ~4 % NME, convolutions alone by 0.6-1 %.

Both are calibrated on the same recorded pipeline inputs (models_int8/calibration.py).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("models_int8.quantize")

FLOAT_OPS_TO_OUTPUT = {"Conv", "ConvTranspose", "MatMul", "Gemm"}
FLOAT_OV_TYPES = [
    "Add",
    "Multiply",
    "Subtract",
    "Divide",
    "Sqrt",
    "Transpose",
    "MatMul",
    "GridSample",
]


def quantize_openvino(fp32_xml: Path, out_xml: Path, data: list[np.ndarray]) -> None:
    import nncf
    import openvino as ov

    model = ov.Core().read_model(str(fp32_xml))
    quantized = nncf.quantize(
        model,
        nncf.Dataset(data),
        preset=nncf.QuantizationPreset.MIXED,
        subset_size=len(data),
        ignored_scope=nncf.IgnoredScope(types=FLOAT_OV_TYPES, validate=False),
    )
    ov.save_model(quantized, str(out_xml), compress_to_fp16=False)


def output_layers(onnx_path: Path) -> list[str]:
    """Names of the nodes from each output back to (and including) its last Conv/MatMul."""
    import onnx

    graph = onnx.load(str(onnx_path)).graph
    producer = {out: node for node in graph.node for out in node.output}
    initializers = {i.name for i in graph.initializer}
    names: list[str] = []
    for output in graph.output:
        tensor = output.name
        while tensor in producer:
            node = producer[tensor]
            names.append(node.name)
            if node.op_type in FLOAT_OPS_TO_OUTPUT:
                break
            tensor = next((i for i in node.input if i and i not in initializers), "")
    return names


class _Reader:
    def __init__(self, name: str, data: list[np.ndarray]) -> None:
        self.name = name
        self.items = iter(data)

    def get_next(self) -> dict[str, np.ndarray] | None:
        item = next(self.items, None)
        return None if item is None else {self.name: item}


def quantize_onnx(fp32_onnx: Path, out_onnx: Path, data: list[np.ndarray]) -> None:
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    quantize_static(
        str(fp32_onnx),
        str(out_onnx),
        _Reader("input", data),
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod.MinMax,
        op_types_to_quantize=["Conv", "ConvTranspose"],
        nodes_to_exclude=output_layers(fp32_onnx),
        extra_options={"ActivationSymmetric": False, "WeightSymmetric": True},
    )


def quantize_all(root: Path) -> list[dict[str, Any]]:
    """Write ``openvino/<name>.int8.xml`` and ``onnx/<name>.int8.onnx`` for every model."""
    from engine_edge.analysis import load_models
    from models_int8.calibration import record_inputs
    from models_int8.convert import INPUT_SPECS

    data = record_inputs(load_models("openvino", "fp32"))
    outputs = []
    for name in INPUT_SPECS:
        xml = root / "openvino" / f"{name}.int8.xml"
        quantize_openvino(root / "openvino" / f"{name}.fp32.xml", xml, data[name])
        onnx_path = root / "onnx" / f"{name}.int8.onnx"
        quantize_onnx(root / "onnx" / f"{name}.fp32.onnx", onnx_path, data[name])
        for path, backend in ((xml, "openvino"), (onnx_path, "onnxruntime")):
            log.info("wrote %s (%d calibration inputs)", path.relative_to(root), len(data[name]))
            outputs.append(
                {
                    "model": name,
                    "backend": backend,
                    "precision": "int8",
                    "path": str(path.relative_to(root)),
                    "calibration_inputs": len(data[name]),
                }
            )
    return outputs

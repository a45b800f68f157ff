"""TFLite -> OpenVINO IR (FP32) conversion.

OpenVINO's TFLite frontend reads four of the five models directly. The selfie
segmentation model ends in MediaPipe's custom ``Convolution2DTransposeBias``
operator; we translate it with a frontend conversion extension into a standard
transposed convolution plus bias, which is what the operator computes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("models_int8.convert")

# name -> (input shape NHWC, value range) as the pipeline feeds them
INPUT_SPECS: dict[str, dict[str, Any]] = {
    "face_detection_short_range": {"shape": [1, 128, 128, 3], "range": [-1.0, 1.0]},
    "face_detection_full_range": {"shape": [1, 192, 192, 3], "range": [-1.0, 1.0]},
    "face_landmark_attention": {"shape": [1, 192, 192, 3], "range": [0.0, 1.0]},
    "selfie_segmentation": {"shape": [1, 256, 256, 3], "range": [0.0, 1.0]},
}


def _transpose_conv_bias(node):  # type: ignore[no-untyped-def]
    """Convolution2DTransposeBias as ConvolutionBackpropData + Add (NHWC in and out).

    MediaPipe's selfie model uses it with kernel == stride (2x2, stride 2, SAME),
    so no padding is cropped; the stride is read from the kernel shape.
    """
    import openvino.opset13 as ops

    x, w, b = node.get_input(0), node.get_input(1), node.get_input(2)
    kernel = w.get_partial_shape().to_shape()  # O, H, W, I
    x_nchw = ops.transpose(x, ops.constant(np.array([0, 3, 1, 2], np.int64)))
    w_iohw = ops.transpose(w, ops.constant(np.array([3, 0, 1, 2], np.int64)))
    y = ops.convolution_backprop_data(
        x_nchw,
        w_iohw,
        strides=[kernel[1], kernel[2]],
        pads_begin=[0, 0],
        pads_end=[0, 0],
        dilations=[1, 1],
    )
    y = ops.transpose(y, ops.constant(np.array([0, 2, 3, 1], np.int64)))
    return [ops.add(y, b).output(0)]


def read_tflite(path: Path):  # type: ignore[no-untyped-def]
    """The TFLite model as an OpenVINO model (MediaPipe's custom operators translated)."""
    import openvino as ov
    from openvino.frontend import ConversionExtension

    from models_int8 import attention

    ext = [ConversionExtension("Convolution2DTransposeBias", _transpose_conv_bias)]
    return ov.convert_model(str(path), extension=ext + attention.extensions(path))


def convert_all(sources: dict[str, Path], out_root: Path) -> list[dict[str, Any]]:
    """Write ``openvino/<name>.fp32.xml`` and ``onnx/<name>.fp32.onnx`` for every model."""
    import openvino as ov

    from models_int8.ov_to_onnx import export

    (out_root / "openvino").mkdir(parents=True, exist_ok=True)
    (out_root / "onnx").mkdir(parents=True, exist_ok=True)
    outputs = []
    for name in INPUT_SPECS:
        xml = out_root / "openvino" / f"{name}.fp32.xml"
        ov.save_model(read_tflite(sources[name]), str(xml), compress_to_fp16=False)
        onnx_path = out_root / "onnx" / f"{name}.fp32.onnx"
        # from the saved IR: saving with compress_to_fp16=False has decompressed the fp16 weights
        export(ov.Core().read_model(str(xml)), str(onnx_path))
        for path, backend in ((xml, "openvino"), (onnx_path, "onnxruntime")):
            log.info("wrote %s", path.relative_to(out_root))
            outputs.append(
                {
                    "model": name,
                    "backend": backend,
                    "precision": "fp32",
                    "path": str(path.relative_to(out_root)),
                }
            )
    return outputs

"""The OpenVINO -> ONNX exporter reproduces the committed ONNX files from the committed IR."""

from __future__ import annotations

import hashlib

import pytest

from engine_edge.analysis.models import models_dir


@pytest.mark.parametrize("name", ["face_detection_short_range", "face_landmark_attention"])
def test_exporting_the_ir_gives_the_committed_onnx(tmp_path, name):
    pytest.importorskip("onnx")
    import openvino as ov

    from models_int8.ov_to_onnx import export

    root = models_dir()
    out = tmp_path / f"{name}.onnx"
    export(ov.Core().read_model(str(root / "openvino" / f"{name}.fp32.xml")), str(out))
    committed = (root / "onnx" / f"{name}.fp32.onnx").read_bytes()
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(committed).digest()

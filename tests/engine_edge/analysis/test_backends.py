"""OpenVINO and ONNX Runtime give the same answers (the ONNX files are exported, not converted
separately, so this also checks the exporter)."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.analysis import analyse
from engine_edge.analysis.models import MODEL_NAMES, models_dir, read_manifest


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_each_fp32_model_agrees_across_backends(model_cache, name):
    ov, ort = model_cache("openvino", "fp32"), model_cache("onnxruntime", "fp32")
    spec = next(m["input"] for m in read_manifest()["models"] if m["model"] == name)
    x = np.random.default_rng(1).uniform(*spec["range"], spec["shape"]).astype(np.float32)
    for a, b in zip(ov.run(name, x), ort.run(name, x), strict=True):
        assert a.shape == b.shape
        assert np.abs(a - b).max() <= 1e-3 * max(1.0, np.abs(a).max())


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_whole_analysis_agrees_across_backends(model_cache, astronaut, precision):
    ov = analyse(astronaut, model_cache("openvino", precision))
    ort = analyse(astronaut, model_cache("onnxruntime", precision))
    assert len(ov.faces) == len(ort.faces) == 1
    iod = ov.faces[0].interocular_px
    err = np.linalg.norm(ov.faces[0].landmarks[:, :2] - ort.faces[0].landmarks[:, :2], axis=1)
    tolerance = 0.002 if precision == "fp32" else 0.02
    assert err.mean() / iod < tolerance
    assert np.abs(ov.person_mask - ort.person_mask).mean() < (
        0.001 if precision == "fp32" else 0.05
    )
    assert ov.backend == "openvino" and ort.backend == "onnxruntime"
    assert ov.precision == ort.precision == precision


def test_unknown_backend_and_precision_are_config_errors():
    from engine_edge.analysis import load_models
    from engine_edge.errors import ConfigInvalid

    with pytest.raises(ConfigInvalid, match="backend"):
        load_models(backend="tensorflow")
    with pytest.raises(ConfigInvalid, match="precision"):
        load_models(precision="int4")


def test_missing_model_file_is_reported(tmp_path, monkeypatch):
    import shutil

    from engine_edge.analysis import load_models
    from engine_edge.errors import ModelMissing

    shutil.copy(models_dir() / "manifest.json", tmp_path / "manifest.json")
    monkeypatch.setenv("KEEPSAKE_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelMissing, match="make models"):
        load_models("openvino", "fp32")


def test_damaged_model_file_is_refused(tmp_path, monkeypatch):
    import shutil

    from engine_edge.analysis import load_models
    from engine_edge.errors import ModelMissing

    shutil.copytree(models_dir(), tmp_path / "models", ignore=shutil.ignore_patterns(".cache"))
    victim = tmp_path / "models" / "onnx" / "face_landmark_attention.fp32.onnx"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    monkeypatch.setenv("KEEPSAKE_MODELS_DIR", str(tmp_path / "models"))
    with pytest.raises(ModelMissing, match="does not match"):
        load_models("onnxruntime", "fp32")

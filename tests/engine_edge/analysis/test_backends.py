"""OpenVINO and ONNX Runtime give the same answers (the ONNX files are exported, not converted
separately, so this also checks the exporter)."""

from __future__ import annotations

import os
from pathlib import Path

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


def _landmark_model() -> tuple[Path, np.ndarray]:
    """The landmark model's OpenVINO file (fp32) and an input for it."""
    entry = next(
        m
        for m in read_manifest()["models"]
        if m["model"] == "face_landmark_attention"
        and m["backend"] == "openvino"
        and m["precision"] == "fp32"
    )
    spec = entry["input"]
    x = np.random.default_rng(2).uniform(*spec["range"], spec["shape"]).astype(np.float32)
    return models_dir() / entry["path"], x


def test_compiled_models_are_cached_and_read_back_the_same(tmp_path):
    """A second start reads the compiled model back (no compile) and answers identically."""
    from engine_edge.analysis.backends import OpenVinoBackend

    path, x = _landmark_model()
    cache = tmp_path / "ov"
    first = OpenVinoBackend("CPU", cache_dir=cache).load(path, "fp32").run(x)
    blobs = sorted(cache.iterdir())
    assert blobs, "the compiled model was written to the cache"
    stamps = [b.stat().st_mtime_ns for b in blobs]
    again = OpenVinoBackend("CPU", cache_dir=cache).load(path, "fp32").run(x)
    assert [b.stat().st_mtime_ns for b in sorted(cache.iterdir())] == stamps, "read, not rewritten"
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(a, b)


def test_a_model_on_the_cpu_runs_on_one_thread_and_answers_the_same(tmp_path):
    """A second thread saved no time on these small models and spun beside the renderer."""
    import openvino as ov

    from engine_edge.analysis.backends import OpenVinoBackend

    path, x = _landmark_model()
    session = OpenVinoBackend("CPU", cache_dir=tmp_path / "ov").load(path, "fp32")
    assert session.compiled.get_property("INFERENCE_NUM_THREADS") == 1
    config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}
    pooled = ov.Core().compile_model(str(path), "CPU", config)
    if (os.cpu_count() or 1) > 1:  # OpenVINO's own choice is every core
        assert pooled.get_property("INFERENCE_NUM_THREADS") != 1
    want = pooled.create_infer_request().infer([x])
    for out, got in zip(pooled.outputs, session.run(x), strict=True):
        assert np.allclose(np.array(want[out]), got, atol=1e-4)


def test_a_cut_short_cache_blob_is_compiled_afresh(tmp_path):
    """A blob truncated by a kill mid-write or a full disk does not stop the models loading."""
    from engine_edge.analysis.backends import OpenVinoBackend

    path, x = _landmark_model()
    cache = tmp_path / "ov"
    want = OpenVinoBackend("CPU", cache_dir=cache).load(path, "fp32").run(x)
    for blob in cache.iterdir():
        if blob.is_file():
            blob.write_bytes(blob.read_bytes()[:100])
    got = OpenVinoBackend("CPU", cache_dir=cache).load(path, "fp32").run(x)
    for a, b in zip(want, got, strict=True):
        assert np.array_equal(a, b)
    assert all(blob.stat().st_size > 100 for blob in cache.iterdir()), "rewritten whole"


def test_an_unwritable_cache_folder_means_no_cache(tmp_path):
    from engine_edge.analysis.backends import _writable

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert _writable(blocked / "ov") is None
    assert _writable(tmp_path / "a" / "b") == tmp_path / "a" / "b"

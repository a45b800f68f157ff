"""Every device a runtime offers is selectable; ONNX Runtime says which provider really ran."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import numpy as np
import pytest

from engine_edge.analysis.backends import create_backend, devices_found
from engine_edge.analysis.models import models_dir, read_manifest, resolve_profile
from engine_edge.errors import DeviceUnavailable

MODEL = "selfie_segmentation"


def _run_once(backend: str, device: str) -> tuple[object, list[np.ndarray]]:
    runtime = create_backend(backend, device)
    entry = next(
        m
        for m in read_manifest()["models"]
        if (m["model"], m["backend"], m["precision"]) == (MODEL, backend, "fp32")
    )
    session = runtime.load(models_dir() / entry["path"], "fp32")
    x = np.random.default_rng(0).uniform(*entry["input"]["range"], entry["input"]["shape"])
    return runtime, session.run(x.astype(np.float32))


def test_every_device_found_runs_a_model() -> None:
    found = devices_found()
    assert {(d.backend, d.device) for d in found} >= {
        ("openvino", "CPU"),
        ("onnxruntime", "CPUExecutionProvider"),
    }
    for device in found:
        _, outputs = _run_once(device.backend, device.device)
        assert outputs and np.isfinite(outputs[0]).all(), device


def test_openvino_auto_compiles_and_logs_where_it_ran(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="engine_edge.analysis.backends"):
        _run_once("openvino", "AUTO")
    assert any("openvino AUTO runs" in r.message and "CPU" in r.message for r in caplog.records)


def test_onnxruntime_names_the_provider_that_ran(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="engine_edge.analysis.backends"):
        runtime, _ = _run_once("onnxruntime", "CPU")
    assert runtime.device == "CPUExecutionProvider"  # type: ignore[attr-defined]
    assert any("on CPUExecutionProvider" in r.message for r in caplog.records)
    only_cpu = create_backend("onnxruntime", "CPUExecutionProvider")
    assert only_cpu.providers == ["CPUExecutionProvider"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "backend, device", [("onnxruntime", "CUDAExecutionProvider"), ("openvino", "NPU")]
)
def test_a_device_this_box_lacks_is_a_clear_error(backend: str, device: str) -> None:
    if any((d.backend, d.device.split(".")[0]) == (backend, device) for d in devices_found()):
        pytest.skip(f"this machine has {device}")
    with pytest.raises(DeviceUnavailable, match=f"{device}.*found: "):
        create_backend(backend, device)


def test_auto_precision_follows_the_manifests_measurements_per_device() -> None:
    manifest = read_manifest()
    picks = {
        (b, d): resolve_profile(manifest, SimpleNamespace(name=b, device=d), "auto")  # type: ignore[arg-type]
        for b, d in [
            ("openvino", "CPU"),
            ("openvino", "NPU"),
            ("onnxruntime", "TensorrtExecutionProvider"),
            ("onnxruntime", "CPUExecutionProvider"),
        ]
    }
    for (backend, device), pick in picks.items():
        table = manifest["auto"][backend]
        assert pick == table.get(device, table["default"])
    assert picks["openvino", "NPU"] == "int8", "the NPU gains from INT8 (manifest auto_reasons)"

"""The committed models match their manifest, and the manifest says what the build measured."""

from __future__ import annotations

import hashlib
import json

from engine_edge.analysis.models import MODEL_NAMES, models_dir, read_manifest


def test_every_file_matches_its_hash_and_size():
    root = models_dir()
    manifest = read_manifest()
    assert manifest["source"]["version"] == "0.10.21"
    assert len(manifest["source"]["sha256"]) == 64
    for entry in manifest["models"]:
        for rel, meta in entry["files"].items():
            data = (root / rel).read_bytes()
            assert len(data) == meta["bytes"], rel
            assert hashlib.sha256(data).hexdigest() == meta["sha256"], rel


def test_every_model_exists_in_both_precisions_for_both_runtimes():
    have = {(m["model"], m["backend"], m["precision"]) for m in read_manifest()["models"]}
    for name in MODEL_NAMES:
        for backend in ("openvino", "onnxruntime"):
            assert {(name, backend, "fp32"), (name, backend, "int8")} <= have


def test_auto_choice_is_recorded_with_its_reason_and_figures():
    manifest = read_manifest()
    assert manifest["auto"]["openvino"]["CPU"] in ("int8", "fp32")
    assert manifest["auto"]["openvino"]["NPU"] == "int8"
    assert "NME" in manifest["auto_reasons"]["openvino"]
    acc = manifest["measured"]["accuracy_vs_mediapipe"]
    assert acc["openvino"]["fp32"]["mean_pct"] < 0.15
    assert acc["onnxruntime"]["int8"]["p95_pct"] < 3.0


def test_topology_has_852_triangles_and_the_attention_refinement():
    path = models_dir().parent / "engine_edge" / "analysis" / "mesh_topology.json"
    data = json.loads(path.read_text())
    assert len(data["triangles"]) == 852
    assert [len(data["refinement"][k]) for k in ("lips", "left_eye", "right_eye")] == [80, 71, 71]

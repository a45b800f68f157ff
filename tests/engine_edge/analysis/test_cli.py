"""`keepsake analyse` and `keepsake demo` as a person runs them."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from engine_edge.cli import main


def test_analyse_json_is_complete(tmp_path, astronaut, capsys):
    photo = tmp_path / "portrait.jpg"
    Image.fromarray(astronaut).save(photo, quality=95)
    overlay = tmp_path / "overlay.png"
    assert (
        main(
            [
                "analyse",
                str(photo),
                "--json",
                "--overlay",
                str(overlay),
                "--backend",
                "onnxruntime",
                "--precision",
                "fp32",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["image"] == {"width": 512, "height": 512}
    assert report["backend"] == "onnxruntime" and report["precision"] == "fp32"
    assert {"detect_ms", "landmarks_ms", "mask_ms", "total_ms"} <= set(report["timings_ms"])
    (face,) = report["faces"]
    assert len(face["landmarks"]) == 478 and all(len(p) == 3 for p in face["landmarks"])
    assert set(face["irises"]) == {"left", "right"}
    assert set(face["pose"]) == {"yaw_deg", "pitch_deg", "roll_deg"}
    drawn = np.asarray(Image.open(overlay))
    assert drawn.shape == astronaut.shape and not np.array_equal(drawn, astronaut)


def test_analyse_text_output_and_errors(tmp_path, astronaut, capsys):
    photo = tmp_path / "p.png"
    Image.fromarray(astronaut).save(photo)
    assert main(["analyse", str(photo)]) == 0
    assert "1 face(s)" in capsys.readouterr().out
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    assert main(["analyse", str(text)]) == 2
    assert "not a photo Keepsake can read" in capsys.readouterr().err
    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 200), (180, 180, 180)).save(blank)
    assert main(["analyse", str(blank)]) == 2
    assert "No face found" in capsys.readouterr().err


def test_demo_writes_json_and_overlay(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "sample_analysis.json").read_text())
    assert len(report["faces"]) == 1
    assert Image.open(tmp_path / "sample_analysis.png").size == (512, 512)

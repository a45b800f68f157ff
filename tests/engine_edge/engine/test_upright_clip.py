"""A photo lying on its side comes out as an upright clip (`keepsake animate`), checked with
the product's own analysis of the rendered frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine_edge.analysis import analyse
from engine_edge.cli import main
from engine_edge.deliver import decode_frames
from engine_edge.image_io import save_image


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_animate_turns_a_sideways_photo_upright(
    tmp_path: Path, astronaut: np.ndarray, models, capsys, quarters: int
) -> None:  # type: ignore[no-untyped-def]
    portrait = astronaut[:, 40:480]  # 440 wide, 512 tall: a clip on its side would be wide
    photo = save_image(tmp_path / "laid.png", np.rot90(portrait, quarters))
    clip = tmp_path / "clip.mp4"
    args = ["animate", str(photo), "-o", str(clip), "--seconds", "0.5", "--fps", "10"]
    assert main([*args, "--format", "original", "--quiet"]) == 0
    said = capsys.readouterr().out
    assert f"turned {90 * quarters} degrees" in said or "upside down" in said
    _, first = next(iter(decode_frames(clip.read_bytes())))
    assert first.shape[0] > first.shape[1]  # portrait, as the photo stands
    (face,) = analyse(first, models).faces
    assert abs(face.pose.roll_deg) < 15
    upright_face = analyse(np.ascontiguousarray(portrait), models).faces[0]
    scale = first.shape[1] / portrait.shape[1]
    centre = np.add(face.box[:2], face.box[2:]) / 2
    expected = np.add(upright_face.box[:2], upright_face.box[2:]) / 2 * scale
    assert np.linalg.norm(centre - expected) < 0.1 * face.width_px  # the same face, in place


def test_an_upright_photo_says_nothing_of_turns(tmp_path: Path, astronaut: np.ndarray, capsys):  # type: ignore[no-untyped-def]
    photo = save_image(tmp_path / "upright.png", astronaut)
    clip = tmp_path / "clip.mp4"
    assert main(["animate", str(photo), "-o", str(clip), "--seconds", "0.5", "--quiet"]) == 0
    assert "turned" not in capsys.readouterr().out

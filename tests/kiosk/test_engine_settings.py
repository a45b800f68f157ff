"""The kiosk's clips follow [engine] and [label] exactly as `keepsake animate` does."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from engine_edge.config import load_config
from engine_edge.deliver import CLIP_CRF_OFFSET, probe_mp4
from engine_edge.errors import ConfigInvalid
from kiosk.adapters.engine import EngineRunner


@pytest.mark.slow
def test_a_guest_clip_uses_the_configured_encoder_and_mark(
    tmp_path: Path, astronaut: np.ndarray
) -> None:
    toml = tmp_path / "keepsake.toml"
    toml.write_text(
        '[engine]\nx264_preset = "ultrafast"\ncrf = 37\nmax_short_side_px = 240\n'
        '[label]\nenabled = false\n[analysis]\nbackend = "onnxruntime"\n'
    )
    runner = EngineRunner(load_config(toml))
    result = runner.render(
        astronaut[::2, ::2],
        preset="memorial",
        seconds=0.5,
        fps=5,
        faces=None,
        say_text="",
        audio=None,
        sample_rate=48000,
        progress=lambda _f: None,
        cancel=threading.Event(),
    )
    mp4 = result["mp4"]
    facts = probe_mp4(mp4)
    assert min(facts.width, facts.height) == 240  # [engine] max_short_side_px
    # x264's own settings note: ultrafast, and [engine] crf (a clip that is not a loop is
    # coded CLIP_CRF_OFFSET steps coarser, with finer dead zones)
    assert f"crf={37 + CLIP_CRF_OFFSET}.0".encode() in mp4 and b"subme=0" in mp4
    assert '"visible_label": false' in facts.metadata["keepsake_provenance"]  # [label]


def test_the_kiosk_refuses_the_config_the_cli_refuses(tmp_path: Path) -> None:
    toml = tmp_path / "keepsake.toml"
    toml.write_text('[engine]\ncrf = "twenty"\n')
    with pytest.raises(ConfigInvalid, match='crf = "twenty"'):
        EngineRunner(load_config(toml))

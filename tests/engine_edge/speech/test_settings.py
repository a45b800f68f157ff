"""[speech] in keepsake.toml: documented defaults equal the code's, nonsense is refused."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from engine_edge.config import load_config
from engine_edge.errors import AudioUnusable, ConfigInvalid
from engine_edge.speech import SpeechSettings, load_settings
from engine_edge.speech.options import add_speech_options, spoken_line_from_args

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_documented_defaults_match_the_code():
    assert load_settings(load_config(REPO_ROOT / "keepsake.toml")) == SpeechSettings()


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("rate_wpm = 20", "rate_wpm must be"),
        ("max_duration_s = 0", "max_duration_s"),
        ("sample_rate = 12345", "sample_rate"),
        ("loudness_lufs = 0", "loudness_lufs"),
        ("speed = 3", "unknown settings: speed"),
    ],
)
def test_bad_settings_are_explained(tmp_path, body, fragment):
    path = tmp_path / "keepsake.toml"
    path.write_text(f"[speech]\n{body}\n")
    with pytest.raises(ConfigInvalid, match=fragment):
        load_settings(load_config(path))


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="birthday")
    parser.add_argument("--fps", type=float, default=25.0)
    parser.add_argument("--config")
    add_speech_options(parser)
    return parser.parse_args(argv)


def test_cli_options_build_the_line(tmp_path):
    assert spoken_line_from_args(_args()) is None
    line = spoken_line_from_args(
        _args("--say", "Hello there.", "--voice", "en-gb", "--rate", "140")
    )
    assert line.text == "Hello there." and line.mouth.fps == 25.0
    config = tmp_path / "k.toml"
    config.write_text("[speech]\nmax_duration_s = 0.5\n")
    with pytest.raises(AudioUnusable, match=r"limit is [01] s"):
        spoken_line_from_args(
            _args("--say", "This is far too long for the limit.", "--config", str(config))
        )
    with pytest.raises(AudioUnusable, match="--audio"):
        spoken_line_from_args(_args("--transcript", "hello"))
    with pytest.raises(SystemExit):
        _args("--say", "hi", "--audio", "x.wav")

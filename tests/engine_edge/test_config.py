from dataclasses import dataclass
from pathlib import Path

import pytest

from engine_edge.config import load_config, section
from engine_edge.errors import ConfigInvalid

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Sample:
    backend: str = "auto"
    retention_days: int = 7
    opacity: float = 0.6
    enabled: bool = True


def test_documented_defaults_parse() -> None:
    cfg = load_config(REPO_ROOT / "keepsake.toml")
    assert cfg["analysis"]["backend"] == "auto"


def test_section_fills_defaults_and_reads_values(tmp_path: Path) -> None:
    f = tmp_path / "k.toml"
    f.write_text("[s]\nretention_days = 3\nopacity = 1\n")
    s = section(load_config(f), "s", Sample)
    assert s == Sample(retention_days=3, opacity=1)


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("[s]\nretention = 3\n", "unknown settings: retention"),
        ('[s]\nretention_days = "week"\n', "should be a int"),
        ("[s]\nenabled = 1\n", "should be a bool"),
        ("[s\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, body: str, fragment: str) -> None:
    f = tmp_path / "k.toml"
    f.write_text(body)
    with pytest.raises(ConfigInvalid, match=fragment):
        section(load_config(f), "s", Sample)


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigInvalid, match="does not exist"):
        load_config(tmp_path / "absent.toml")

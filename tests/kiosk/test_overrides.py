"""Staff's on-screen settings: kept atomically in the state dir, layered over keepsake.toml,
validated like it, and refused in words when the file is bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_edge.config import load_config
from engine_edge.errors import ConfigInvalid
from kiosk.overrides import layered, overrides_path, read_overrides, save_override
from kiosk.settings import load_settings
from kiosk.share.settings import share_settings


def test_saved_settings_survive_a_restart_over_the_owners_file(tmp_path: Path) -> None:
    owner = tmp_path / "keepsake.toml"
    owner.write_text('[kiosk]\nlanguage = "en"\nidle_timeout_s = 60.0\nclip_fps = 12\n')
    save_override(tmp_path, "kiosk", "language", "fr")
    save_override(tmp_path, "kiosk", "idle_timeout_s", 120.0)
    save_override(tmp_path, "share", "enabled", True)
    # A fresh start: the owner's file, then the staff's changes on top, key by key.
    config = layered(load_config(owner), tmp_path)
    settings = load_settings(config)
    assert (settings.language, settings.idle_timeout_s, settings.clip_fps) == ("fr", 120.0, 12)
    assert share_settings(config).enabled is True
    assert load_config(owner)["kiosk"]["language"] == "en"  # the owner's file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keepsake.toml", "settings.toml"]


def test_a_value_the_configuration_would_refuse_is_not_written(tmp_path: Path) -> None:
    save_override(tmp_path, "kiosk", "volume_percent", 40)
    before = overrides_path(tmp_path).read_bytes()
    with pytest.raises(ConfigInvalid, match="'tlh' is not available"):
        save_override(tmp_path, "kiosk", "language", "tlh")
    with pytest.raises(ConfigInvalid, match="rotation_deg = 90 must be 0 or 180"):
        save_override(tmp_path, "kiosk", "rotation_deg", 90)
    with pytest.raises(ConfigInvalid, match="cannot be changed from the staff screen"):
        save_override(tmp_path, "kiosk", "state_dir", "/tmp/elsewhere")
    assert overrides_path(tmp_path).read_bytes() == before


def test_a_damaged_or_hand_edited_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = overrides_path(tmp_path)
    path.write_text('[kiosk]\nlanguage = "fr\n')
    with pytest.raises(ConfigInvalid, match=f"Delete {path}"):
        read_overrides(tmp_path)
    path.write_text('[kiosk]\nlanguage = "de"\n[store]\ndata_dir = "/tmp"\n')
    with pytest.raises(ConfigInvalid, match=r"\[store\] data_dir cannot be changed"):
        layered({}, tmp_path)
    path.write_text("[kiosk]\nvolume_percent = 400\n")
    with pytest.raises(ConfigInvalid, match=f"{path} has a problem: .*volume_percent = 400"):
        layered({}, tmp_path)


def test_text_with_quotes_and_accents_round_trips(tmp_path: Path) -> None:
    save_override(tmp_path, "kiosk", "language", "es")
    text = overrides_path(tmp_path).read_text()
    assert 'language = "es"' in text and text.startswith("# Written by the kiosk")
    assert read_overrides(tmp_path) == {"kiosk": {"language": "es"}}
    assert layered({"kiosk": {"language": "de"}}, tmp_path / "none") == {
        "kiosk": {"language": "de"}
    }

"""The [bridge] section: documented defaults match the code; bad values are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_edge.config import tomllib
from engine_edge.errors import ConfigInvalid
from firmware_bridge.host import BoardDriver
from firmware_bridge.settings import BridgeSettings, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_documented_defaults_are_the_code_defaults() -> None:
    config = tomllib.loads((REPO / "keepsake.toml").read_text())
    assert load_settings(config) == BridgeSettings()
    assert load_settings({}) == BridgeSettings()


def test_unknown_and_mistyped_settings_are_refused() -> None:
    with pytest.raises(ConfigInvalid, match="unknown settings: baud"):
        load_settings({"bridge": {"baud": 9600}})
    with pytest.raises(ConfigInvalid, match="heartbeat_ms"):
        load_settings({"bridge": {"heartbeat_ms": "fast"}})


def test_malformed_usb_id_is_a_configuration_error() -> None:
    settings = load_settings({"bridge": {"usb_ids": ["pico"]}})
    with pytest.raises(ConfigInvalid, match="2e8a:0005"):
        BoardDriver(settings=settings)

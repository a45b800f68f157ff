"""Settings staff change on screen, kept in the kiosk's state dir over keepsake.toml.

/etc/keepsake/keepsake.toml is read-only to the kiosk (and the owner's to
edit), so a change made on the staff screen is written to
``STATE_DIR/settings.toml``: a small TOML file of the same sections, holding
only the keys staff may change. At start-up it is layered over the
configuration, key by key, and validated by the same section dataclasses, so a
hand-edited or damaged file is refused with a message naming it. Every write is
atomic (temporary file, fsync, rename): a power cut leaves the old or the new
file, never half of one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from engine_edge.config import load_config
from engine_edge.errors import ConfigInvalid

FILE_NAME = "settings.toml"
# What the staff screen may change; everything else stays with the owner's keepsake.toml.
ALLOWED: dict[str, tuple[str, ...]] = {
    "kiosk": ("language", "idle_timeout_s", "volume_percent", "rotation_deg"),
    "share": ("enabled",),
}

Overrides = dict[str, dict[str, Any]]


def overrides_path(state_dir: Path) -> Path:
    return state_dir / FILE_NAME


def read_overrides(state_dir: Path) -> Overrides:
    """The staff's changes (empty when none were made); a bad file is ConfigInvalid."""
    path = overrides_path(state_dir)
    if not path.is_file():
        return {}
    try:
        overrides = load_config(path)
    except ConfigInvalid as exc:
        raise ConfigInvalid(f"{exc} Delete {path} to go back to keepsake.toml.") from exc
    validate(overrides, path)
    return overrides


def validate(overrides: Overrides, path: Path) -> None:
    """Only allowed keys, each accepted by its section's dataclass (types, ranges, choices)."""
    from kiosk.settings import load_settings
    from kiosk.share.settings import share_settings

    for name, values in overrides.items():
        allowed = ALLOWED.get(name, ())
        stray = sorted(set(values) - set(allowed)) if isinstance(values, dict) else [name]
        if stray:
            raise ConfigInvalid(
                f"{path}: [{name}] {', '.join(stray)} cannot be changed from the staff screen;"
                f" delete the file or set it in keepsake.toml."
            )
    try:
        load_settings(overrides)
        share_settings(overrides)
    except ConfigInvalid as exc:
        raise ConfigInvalid(f"{path}: {exc}") from exc


def layered(config: dict[str, Any], state_dir: Path) -> dict[str, Any]:
    """``config`` with the staff's changes on top, key by key within each section."""
    merged = {
        name: dict(values) if isinstance(values, dict) else values
        for name, values in config.items()
    }
    for name, values in read_overrides(state_dir).items():
        merged[name] = {**merged.get(name, {}), **values}
    return merged


def save_override(state_dir: Path, section: str, key: str, value: Any) -> Overrides:
    """Record one change atomically, after checking it as the configuration would."""
    overrides = read_overrides(state_dir)
    overrides.setdefault(section, {})[key] = value
    path = overrides_path(state_dir)
    validate(overrides, path)
    write_atomically(path, to_toml(overrides))
    return overrides


def to_toml(overrides: Overrides) -> str:
    """TOML for flat sections of strings, numbers and booleans (all the staff screen writes)."""
    lines = ["# Written by the kiosk's staff screen; layered over keepsake.toml.", ""]
    for name, values in sorted(overrides.items()):
        lines.append(f"[{name}]")
        for key, value in sorted(values.items()):
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    raise ConfigInvalid(f"A staff setting cannot hold {value!r}.")


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)

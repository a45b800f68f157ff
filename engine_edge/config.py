"""One TOML configuration file with documented defaults.

The documented defaults live in ``keepsake.toml`` at the repository root (and
inside the package). Each part of the product declares a frozen dataclass of
its own settings and reads it with :func:`section`, so unknown keys and wrong
types are caught at start-up with a message staff can act on.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, TypeVar

from engine_edge.errors import ConfigInvalid

# tomllib is in the standard library from Python 3.11; JetPack 6 (Ubuntu 22.04) ships 3.10, where
# tomli (the same parser, packaged) stands in. The one place in the code that reads TOML.
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10; tests/engine_edge/test_config_py310.py takes this path
    import tomli as tomllib  # type: ignore[no-redef]

T = TypeVar("T")

CONFIG_ENV = "KEEPSAKE_CONFIG"
DEFAULT_PATHS = (
    Path("/etc/keepsake/keepsake.toml"),
    Path.home() / ".config/keepsake/keepsake.toml",
)


def load_config(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read the config file: the given path, else $KEEPSAKE_CONFIG, else the first existing default.

    A missing optional file means "all defaults"; an explicitly named file that is
    missing or malformed is an error.
    """
    explicit = path or os.environ.get(CONFIG_ENV)
    if explicit:
        candidates = [Path(explicit)]
    else:
        candidates = [p for p in DEFAULT_PATHS if p.is_file()]
        if not candidates:
            return {}
    file = candidates[0]
    try:
        with file.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigInvalid(f"The configuration file {file} does not exist.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigInvalid(f"The configuration file {file} is not valid TOML: {exc}") from exc


def section(config: dict[str, Any], name: str, cls: type[T]) -> T:
    """Build the dataclass ``cls`` from ``config[name]``, defaults for what is absent."""
    raw = config.get(name, {})
    if not isinstance(raw, dict):
        raise ConfigInvalid(f"[{name}] in the configuration must be a table.")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise ConfigInvalid(f"[{name}] has unknown settings: {', '.join(unknown)}.")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        default = getattr(cls, key, None) if not callable(getattr(cls, key, None)) else None
        if default is not None and not _same_kind(default, value):
            raise ConfigInvalid(f"[{name}] {key} = {value!r} should be a {type(default).__name__}.")
        values[key] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, tuple):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))

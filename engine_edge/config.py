"""One TOML configuration file with documented defaults, validated once against one schema.

The documented defaults live in ``keepsake.toml`` at the repository root (and
inside the package). Each part of the product declares a frozen dataclass of
its own settings and reads it with :func:`section`. The schema *is* those
dataclasses: every field is checked against its type annotation by msgspec, and
a field that needs a range or a list of choices says so in its annotation
(``crf: Annotated[int, between(0, 51)] = 20``, ``corner: Literal["a", "b"] = "a"``),
so a new plain field with a default is type-checked with no extra code.

:func:`load_config` validates every section of the file at once (the
:data:`SECTIONS` registry names each section's dataclass), so the CLI and the
kiosk accept and refuse exactly the same files, before any work starts.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import os
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar

import msgspec

from engine_edge.errors import ConfigInvalid
from engine_edge.logs import printable

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

# Every section keepsake.toml may have -> "module:Dataclass" that reads it. The one place a
# new section is declared; any other section name in a file is refused as a typo.
SECTIONS: dict[str, str] = {
    "analysis": "engine_edge.analysis.settings:AnalysisSettings",
    "bridge": "firmware_bridge.settings:BridgeSettings",
    "engine": "engine_edge.pipeline:EngineSettings",
    "kiosk": "kiosk.settings:KioskSettings",
    "label": "engine_edge.deliver:LabelSettings",
    "scan": "engine_edge.scan.session:ScanSettings",
    "share": "kiosk.share.settings:ShareSettings",
    "signing": "engine_edge.credentials.keys:SigningSettings",
    "speech": "engine_edge.speech.settings:SpeechSettings",
    "store": "kiosk.store.settings:StoreSettings",
}


def between(low: float, high: float) -> msgspec.Meta:
    """Annotated metadata for a number from ``low`` to ``high`` inclusive."""
    return msgspec.Meta(ge=low, le=high)


def at_least(low: float) -> msgspec.Meta:
    """Annotated metadata for a number of at least ``low``."""
    return msgspec.Meta(ge=low)


def load_config(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read and validate the config file: the given path, else $KEEPSAKE_CONFIG, else a default.

    A missing optional file means "all defaults"; an explicitly named file that is
    missing, unreadable, not UTF-8, not TOML, or has an unknown section, an unknown
    setting or a value out of range is a :class:`ConfigInvalid` naming every problem.
    """
    explicit = path or os.environ.get(CONFIG_ENV)
    if explicit:
        file = Path(explicit)
    else:
        found = [p for p in DEFAULT_PATHS if p.is_file()]
        if not found:
            return {}
        file = found[0]
    config = _parse(file)
    problems = validation_problems(config)
    if problems:
        count = "a problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise ConfigInvalid(f"The configuration file {file} has {count}: {' '.join(problems)}")
    return config


def _parse(file: Path) -> dict[str, Any]:
    try:
        data = file.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigInvalid(f"The configuration file {file} does not exist.") from exc
    except IsADirectoryError as exc:
        raise ConfigInvalid(f"The configuration file {file} is a folder, not a file.") from exc
    except OSError as exc:
        raise ConfigInvalid(
            f"The configuration file {file} cannot be read ({exc.strerror or exc})."
        ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigInvalid(
            f"The configuration file {file} is not UTF-8 text (byte {exc.start} is not); "
            "save it as UTF-8 plain text."
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigInvalid(f"The configuration file {file} is not valid TOML: {exc}.") from exc


def validation_problems(config: dict[str, Any]) -> list[str]:
    """One sentence per problem in a whole parsed file: unknown sections, then each section's."""
    problems = []
    for name, value in config.items():
        if name not in SECTIONS:
            if isinstance(value, dict):
                problems.append(
                    f"[{printable(name)}] is not a Keepsake section (the sections are "
                    f"{', '.join(f'[{s}]' for s in SECTIONS)})."
                )
            else:
                problems.append(
                    f"{printable(name)} = … stands outside any [section]; move it into one."
                )
            continue
        try:
            section(config, name, settings_class(name))
        except ConfigInvalid as exc:
            problems.append(str(exc))
    return problems


def settings_class(name: str) -> type:
    """The dataclass registered for section ``name`` (imported on first use)."""
    module_name, _, class_name = SECTIONS[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]


def section(config: dict[str, Any], name: str, cls: type[T]) -> T:
    """Build the dataclass ``cls`` from ``config[name]``, defaults for what is absent.

    Each value is checked against its field's annotation (type, range, choices);
    every problem in the section is reported at once, one sentence each.
    """
    raw = config.get(name, {})
    if not isinstance(raw, dict):
        raise ConfigInvalid(f"[{name}] must be a section (a [{name}] table), not a single value.")
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except NameError:  # an annotation only a type checker can resolve: values pass as they are
        hints = dict.fromkeys(fields, Any)
    problems = []
    unknown = sorted(set(raw) - fields)
    if unknown:
        problems.append(
            f"[{name}] has unknown settings: {printable(', '.join(unknown))} "
            "(check the spelling against keepsake.toml)."
        )
    values: dict[str, Any] = {}
    for key in sorted(set(raw) & fields):
        try:
            values[key] = _convert(raw[key], hints[key])
        except (msgspec.ValidationError, ValueError):
            problems.append(f"[{name}] {key} = {_show(raw[key])} should be {describe(hints[key])}.")
    if problems:
        raise ConfigInvalid(" ".join(problems))
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigInvalid(f"[{name}] {exc}.") from exc


def _convert(value: Any, hint: Any) -> Any:
    converted = msgspec.convert(value, type=hint, strict=True)
    if isinstance(converted, float) and not math.isfinite(converted):
        raise ValueError("not a finite number")
    return converted


def describe(hint: Any) -> str:
    """What a value of annotation ``hint`` looks like, in words for staff editing the file."""
    metas: list[msgspec.Meta] = []
    if typing.get_origin(hint) is typing.Annotated:
        hint, *extras = typing.get_args(hint)
        metas = [m for m in extras if isinstance(m, msgspec.Meta)]
    if typing.get_origin(hint) is Literal:
        return "one of " + ", ".join(_show(choice) for choice in typing.get_args(hint))
    words = {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: 'text in quotes ("…")',
    }.get(hint)
    if words is None:
        return "a list in brackets" if typing.get_origin(hint) in (tuple, list) else "valid"
    for meta in metas:
        if meta.ge is not None and meta.le is not None:
            words += f" from {meta.ge:g} to {meta.le:g}"
        elif meta.ge is not None:
            words += f" of at least {meta.ge:g}"
        elif meta.le is not None:
            words += f" of at most {meta.le:g}"
    return words


def _show(value: Any) -> str:
    """A value as TOML would spell it, cut short: a person can find it in the file."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

"""Speech and lip sync: a typed line (espeak-ng) or a recorded voice becomes a SpokenLine.

Public entry points (see notes/interfaces): :func:`synthesize_line`,
:func:`line_from_audio`, :func:`line_from_samples`, :func:`supported_languages`.
The microphone lives in :mod:`engine_edge.speech.recorder`, the CLI options in
:mod:`engine_edge.speech.options`. Names load lazily so that importing a light
submodule (the CLI options) does not pull in numpy, scipy and PyAV.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "synthesize_line": "engine_edge.speech.line",
    "line_from_audio": "engine_edge.speech.line",
    "line_from_samples": "engine_edge.speech.line",
    "supported_languages": "engine_edge.speech.espeak",
    "SpeechSettings": "engine_edge.speech.settings",
    "load_settings": "engine_edge.speech.settings",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'engine_edge.speech' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)

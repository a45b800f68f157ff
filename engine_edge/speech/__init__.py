"""Speech and lip sync: a typed line (espeak-ng) or a recorded voice becomes a SpokenLine.

Public entry points (see notes/interfaces): :func:`synthesize_line`,
:func:`line_from_audio`, :func:`line_from_samples`, :func:`supported_languages`.
The microphone lives in :mod:`engine_edge.speech.recorder`.
"""

from engine_edge.speech.espeak import supported_languages
from engine_edge.speech.line import line_from_audio, line_from_samples, synthesize_line
from engine_edge.speech.settings import SpeechSettings, load_settings

__all__ = [
    "SpeechSettings",
    "line_from_audio",
    "line_from_samples",
    "load_settings",
    "supported_languages",
    "synthesize_line",
]

"""The self-check: re-read a rendered clip with our own analysis before anyone sees it.

The brief's reviewers ask of every clip: are blinks occasional and actually
closed, is the mouth calm (closed in silence, in time with speech), are the
face's shape and expression kept, is there no jitter, and does a loop meet
itself. :class:`ClipInspector` measures a clip frame by frame (tracking the
478-point mesh from frame to frame, as MediaPipe's FaceMesh does in video
mode); :func:`review` turns those measures into a :class:`CheckReport`.
"""

from engine_edge.check.inspect import ClipInspector, FaceSeries
from engine_edge.check.report import CheckReport, Finding, Limits
from engine_edge.check.review import review

__all__ = [
    "CheckReport",
    "ClipInspector",
    "FaceSeries",
    "Finding",
    "Limits",
    "review",
]

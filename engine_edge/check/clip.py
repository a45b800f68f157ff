"""Check any clip file: decode it, find its faces in the first frame, track them, review.

Without the clip's plan, blinks are judged by what is seen: a clip of four
seconds or more whose eyes never close has frozen eyes; every dip must close.
The photo, when given, must be the clip's first frame (same face shape).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from engine_edge.check.inspect import ClipInspector
from engine_edge.check.loudness import frame_loudness
from engine_edge.check.report import DEFAULT_LIMITS, CheckReport, Finding, Limits
from engine_edge.check.review import review
from engine_edge.check.wrap import loop_wrap
from engine_edge.deliver import seam_thumbnail
from engine_edge.errors import KeepsakeError
from engine_edge.face import Face

FROZEN_EYES_MIN_S = 4.0
PHOTO_MATCH = 0.8  # correlation of the aligned face crops of the photo and the first frame
_CANON = np.array(
    [[30, 38], [66, 38], [48, 74]], np.float32
)  # eye centres, mouth centre in a 96 px crop


class ClipUnreadable(KeepsakeError):
    """The clip cannot be decoded or shows no face to check."""


def check_clip(
    data: bytes,
    models,  # type: ignore[no-untyped-def]  # engine_edge.analysis.Models
    *,
    photo: np.ndarray | None = None,
    loop: bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> CheckReport:
    """Review a clip; ``loop`` None reads it from the clip's provenance."""

    from engine_edge.analysis import analyse

    fps, audio, meta = _facts(data)
    inspector = None
    thumbs: list[np.ndarray] = []  # the loop seam compares small copies of every frame
    first_faces: tuple[Face, ...] = ()
    first_frame = np.zeros((0, 0, 3), np.uint8)
    for index, frame in _frames(data):
        if inspector is None:
            first_frame = frame
            first_faces = analyse(frame, models).animatable_faces
            if not first_faces:
                raise ClipUnreadable("No face can be seen in the clip's first frame.")
            inspector = ClipInspector(models, [f.landmarks for f in first_faces], every=1)
        inspector.add(index, frame)
        thumbs.append(seam_thumbnail(frame))
    if inspector is None:
        raise ClipUnreadable("The clip has no video frames.")
    is_loop = bool(meta.get("loop")) if loop is None else loop
    loudness = None
    if audio is not None:
        loudness = frame_loudness(audio[0], audio[1], fps, len(thumbs))
    report = review(
        inspector.series,
        fps,
        loudness=loudness,
        wrap=loop_wrap(thumbs) if is_loop else None,
        limits=limits,
    )
    extra = [_frozen_eyes(report, len(thumbs) / fps)]
    if photo is not None:
        extra.append(_photo_match(photo, first_frame, first_faces[0].landmarks, models))
    return CheckReport(
        report.findings + tuple(e for e in extra if e is not None),
        report.frames_checked,
        report.faces_checked,
    )


def _frozen_eyes(report: CheckReport, duration_s: float) -> Finding | None:
    blinks = next((f for f in report.findings if f.check == "blinks"), None)
    if blinks is None or duration_s < FROZEN_EYES_MIN_S or not blinks.detail.count(" 0 blink"):
        return None
    return Finding(
        "frozen", False, 0.0, 1.0, f"no blink in {duration_s:.1f} s: the eyes look frozen"
    )


def _photo_match(photo: np.ndarray, frame: np.ndarray, landmarks: np.ndarray, models) -> Finding:  # type: ignore[no-untyped-def]
    """The clip starts exactly as the photo: its first frame's face is the photo's face.

    The photo is read as `keepsake animate` read it: turned upright if it lay on its side.
    """
    from engine_edge.analysis import analyse_upright

    upright = analyse_upright(photo, models)
    faces = upright.analysis.animatable_faces
    if not faces:
        return Finding("photo", False, 0.0, PHOTO_MATCH, "no face found in the photo")
    a = _aligned_face(upright.image, faces[0].landmarks)
    b = _aligned_face(frame, landmarks)
    value = float(np.corrcoef(a.ravel(), b.ravel())[0, 1])
    return Finding(
        "photo",
        value >= PHOTO_MATCH,
        value,
        PHOTO_MATCH,
        "the clip's first frame shows the photo's face (aligned-crop correlation)",
    )


def _aligned_face(image: np.ndarray, lm: np.ndarray) -> np.ndarray:
    import cv2

    src = np.array(
        [lm[[33, 133], :2].mean(0), lm[[263, 362], :2].mean(0), lm[[13, 14], :2].mean(0)],
        np.float32,
    )
    m = cv2.getAffineTransform(src, _CANON)
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    crop = cv2.warpAffine(grey, m, (96, 96), flags=cv2.INTER_AREA).astype(np.float32)
    return cv2.GaussianBlur(crop, (0, 0), 1.5)


def _frames(data: bytes):  # type: ignore[no-untyped-def]
    from engine_edge.deliver import decode_frames

    try:
        yield from decode_frames(data)
    except Exception as exc:  # PyAV raises many kinds for a broken file
        raise ClipUnreadable(f"The clip cannot be decoded ({exc}).") from exc


def _facts(data: bytes) -> tuple[float, tuple[np.ndarray, int] | None, dict]:
    import av

    try:
        with av.open(io.BytesIO(data), mode="r") as c:
            if not c.streams.video:
                raise ClipUnreadable("The file has no video.")
            fps = float(c.streams.video[0].average_rate or 30)
            meta = json.loads(c.metadata.get("keepsake_provenance", "{}") or "{}")
            audio = None
            if c.streams.audio:
                rate = c.streams.audio[0].rate
                chunks = [f.to_ndarray().mean(axis=0) for f in c.decode(audio=0)]
                if chunks:
                    audio = (np.concatenate(chunks).astype(np.float32), int(rate))
    except (av.FFmpegError, ValueError) as exc:
        raise ClipUnreadable(f"The clip cannot be read ({exc}).") from exc
    return fps, audio, meta


def read_clip(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ClipUnreadable(f"Cannot read {path}: {exc.strerror}.") from exc

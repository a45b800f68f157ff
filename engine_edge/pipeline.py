"""One photo in, one living-portrait clip out: analyse → rig → perform → render → deliver.

``animate_photo`` is what the CLI and the kiosk call. Frames are rendered and
encoded one at a time (a 1080p clip never sits in memory as raw frames); the
result is an MP4 in memory, which the kiosk's store encrypts and the CLI
writes atomically.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

import cv2
import numpy as np

from engine_edge import __version__
from engine_edge.analysis.landmarks import MODEL as LANDMARK_MODEL
from engine_edge.check.report import CheckReport
from engine_edge.compat import UTC
from engine_edge.config import between
from engine_edge.credentials.keys import BoxCredentials
from engine_edge.deliver import (
    LOOP_LEAD_FRAMES,
    LOOP_TRAIL_FRAMES,
    AudioTrack,
    Framing,
    Label,
    LabelSettings,
    decode_frames,
    encode_mp4,
    make_fill,
    plan_framing,
    provenance,
    seam_thumbnail,
)
from engine_edge.errors import KeepsakeError
from engine_edge.face import Analysis, Face, HeadPose
from engine_edge.mouth import SpokenLine
from engine_edge.perform import Performance, perform, preset_named

log = logging.getLogger(__name__)

SPEECH_TAIL_S = 0.6
# What the self-check runs on the rendered frames (ClipInspector reads landmarks alone).
SELF_CHECK_MODELS = (LANDMARK_MODEL,)


class RenderCancelled(KeepsakeError):
    """The render was stopped before it finished (nothing was kept)."""


@dataclass(frozen=True)
class EngineSettings:
    """[engine] in keepsake.toml; the ranges are what libx264 and the framing accept."""

    x264_preset: Literal[
        "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower"
    ] = "veryfast"
    crf: Annotated[int, between(0, 51)] = 20
    max_short_side_px: Annotated[int, between(240, 2160)] = 1080


@dataclass(frozen=True)
class AnimateOptions:
    preset: str = "memorial"
    seconds: float | None = None  # None: the preset's length
    fps: float = 30.0
    format: str | None = None  # None: the preset's format
    loop: bool = False
    seed: int = 0
    faces: str | int = "all"  # "all", "largest" or the N largest
    intensity: float = 1.0
    overrides: dict[str, float] = field(default_factory=dict)
    speech: SpokenLine | None = None
    label: LabelSettings = field(default_factory=LabelSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)
    self_check: bool = True  # re-read the clip; render again more gently if it fails
    caption: str | None = None  # burned in, away from the faces, fading in
    credentials: BoxCredentials | None = None  # sign a C2PA manifest into the clip


@dataclass(frozen=True)
class Clip:
    """An encoded clip and what went into it."""

    mp4: bytes
    width: int
    height: int
    fps: float
    frame_count: int
    preset: str
    seed: int
    loop: bool
    has_audio: bool
    warnings: tuple[str, ...]
    timings_s: dict[str, float]
    performance: Performance = dataclasses.field(repr=False)
    check: CheckReport | None = None  # the self-check of this clip (None: not run)
    gentler: tuple[str, ...] = ()  # what the self-check turned down before this clip passed

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps


@dataclass(frozen=True)
class StagedPhoto:
    """The photo cropped and scaled to what is rendered, with its analysis moved along:
    all a render needs of the original, which from a 2048 px scan is several times its size
    (the photo and its person mask, about 30 MB, let go before the encoder starts)."""

    framing: Framing  # where the photo goes in the exported frame
    render_framing: Framing  # the framing it is rendered at (smaller, then scaled up)
    photo: np.ndarray
    local: Analysis
    fill: np.ndarray | None  # the background around a photo that does not fill the frame
    staged_s: float


def stage_photo(image_rgb: np.ndarray, analysis: Analysis, options: AnimateOptions) -> StagedPhoto:
    """Frame the photo for these options' format and size (the same for a gentler retry)."""
    start = time.perf_counter()
    framing, render_framing = export_framings(analysis, options)
    photo, local = reframe(image_rgb, analysis, render_framing)
    fill = make_fill(image_rgb, framing) if framing.filled else None
    return StagedPhoto(framing, render_framing, photo, local, fill, time.perf_counter() - start)


def animate_photo(
    image_rgb: np.ndarray,
    options: AnimateOptions,
    models,  # type: ignore[no-untyped-def]  # engine_edge.analysis.Models, or None with analysis=
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    *,
    analysis: Analysis | None = None,
) -> Clip:
    """Animate one photo. ``progress`` gets 0..1; setting ``cancel`` raises RenderCancelled.

    Frames are rendered on a worker thread while the previous ones are encoded, so
    ``progress`` may be called from that thread. With ``options.self_check`` (and
    models to check with) the clip is re-read before it is returned; a clip that
    fails is rendered once more, more gently, and that one is returned.
    """
    t0 = time.perf_counter()
    if analysis is None:
        from engine_edge.analysis import analyse

        analysis = analyse(image_rgb, models)
    clip = animate_staged(
        stage_photo(image_rgb, analysis, options), options, models, progress, cancel
    )
    clip.timings_s["total"] = time.perf_counter() - t0
    return clip


def animate_staged(
    staged: StagedPhoto,
    options: AnimateOptions,
    models,  # type: ignore[no-untyped-def]  # engine_edge.analysis.Models, or None
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Clip:
    """``animate_photo`` of a photo already staged: a caller that lets go of the original
    photo and its analysis keeps them out of memory while the clip renders and encodes."""
    t0 = time.perf_counter()
    check = options.self_check and models is not None
    clip = _animate(staged, options, models if check else None, progress, cancel)
    report = clip.check
    gentler = None
    if report is not None and not report.passed:
        from engine_edge.check.gentler import gentler_options

        gentler = gentler_options(options, report)
    if report is not None and gentler is not None:
        softer, turned_down = gentler
        log.warning(
            "self-check failed (%s); rendering again: %s",
            ", ".join(report.failed),
            ", ".join(turned_down),
        )
        if progress is not None:
            progress(0.05)
        clip = _animate(staged, softer, models, progress, cancel)
        clip = dataclasses.replace(clip, gentler=turned_down)
    if options.credentials is not None:
        clip = dataclasses.replace(clip, mp4=_signed(clip, options))
    clip.timings_s["prepare"] += staged.staged_s
    # The analysis's own measure: the same whether this call analysed or was handed one.
    clip.timings_s["analyse"] = staged.local.timings_ms.get("total_ms", 0.0) / 1000.0
    clip.timings_s["total"] = time.perf_counter() - t0 + staged.staged_s
    return clip


def _signed(clip: Clip, options: AnimateOptions) -> bytes:
    """The clip with its C2PA manifest: AI-made from one photo, preset, self-check result."""
    from engine_edge.credentials import portrait_manifest, sign_mp4

    if clip.check is None:
        verdict = "not run"
    elif clip.check.passed:
        verdict = "passed" + (
            f" after a gentler render ({'; '.join(clip.gentler)})" if clip.gentler else ""
        )
    else:
        verdict = "failed: " + ", ".join(clip.check.failed)
    manifest = portrait_manifest(
        software="Keepsake",
        version=__version__,
        preset=clip.preset,
        self_check=verdict,
        speech="synthetic or recorded line" if clip.has_audio else "none",
        loop=clip.loop,
        visible_label=options.label.enabled,
    )
    assert options.credentials is not None
    return sign_mp4(clip.mp4, manifest, options.credentials)


def _animate(
    staged: StagedPhoto,
    options: AnimateOptions,
    models,  # type: ignore[no-untyped-def]  # Models to self-check with, or None
    progress: Callable[[float], None] | None,
    cancel: threading.Event | None,
) -> Clip:
    from engine_edge.rig import build_rig

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    _check_cancel(cancel)
    preset = preset_named(options.preset)
    seconds = options.seconds or preset.seconds
    t1 = time.perf_counter()
    framing, render_framing, local = staged.framing, staged.render_framing, staged.local
    fill = staged.fill
    rig = build_rig(local, options.faces)
    from engine_edge.perform import clip_frame_count

    frame_count = clip_frame_count(seconds, options.fps, options.speech, SPEECH_TAIL_S)
    performance = perform(
        len(rig.faces),
        preset=preset.name,
        frame_count=frame_count,
        fps=options.fps,
        loop=options.loop,
        seed=options.seed,
        intensity=options.intensity,
        overrides=options.overrides,
        abilities=[fr.abilities for fr in rig.faces],
        speech=options.speech,
    )
    from engine_edge.render import Renderer, as_rgb, grey_plane

    renderer = Renderer(staged.photo, rig, local.person_mask)
    if fill is not None:
        fill = grey_plane(fill)
    renderer.plan(performance)
    label = Label(framing.size, options.label)
    caption = _caption(options, framing, render_framing, local, label)
    timings["prepare"] = time.perf_counter() - t1
    warnings = list(rig.warnings)
    if not options.label.enabled:
        warnings.append("The AI-animated mark is switched off (staff setting); provenance says so.")
    for w in warnings:
        log.warning("%s", w)
    render_s = [0.0]
    inspector = None
    blinks = planned_blink_frames(performance)
    if models is not None and rig.faces:
        from engine_edge.check import ClipInspector

        inspector = ClipInspector(
            models,
            [local.faces[f.index].landmarks for f in rig.faces],
            extra_frames={i for face in blinks for i in face},
        )

    # A loop's last frames go first and its first frames last, both hidden (see encode_mp4):
    # its wrap then pulses less.
    lead = min(LOOP_LEAD_FRAMES, frame_count - 1) if options.loop else 0
    trail = min(LOOP_TRAIL_FRAMES, frame_count) if options.loop else 0

    def frames() -> Iterator[np.ndarray]:
        order = [*range(frame_count - lead, frame_count), *range(frame_count), *range(trail)]
        for done, i in enumerate(order, start=1):
            _check_cancel(cancel)
            start = time.perf_counter()
            # A black-and-white print's frames stay one grey plane up to the encoder.
            content = renderer.render_grey_or_rgb(performance.frame(i))
            if inspector is not None and inspector.wants(i):
                inspector.add(i, as_rgb(content))
            if render_framing is not framing:
                # In RGB: OpenCV's bicubic of one plane differs from that of three (by 1).
                content = cv2.resize(
                    as_rgb(content), framing.content[2:], interpolation=cv2.INTER_CUBIC
                )
            frame = label.apply(_place(content, framing, fill))
            if caption is not None and caption.opacity_at(i) > 0:
                frame = caption.apply(as_rgb(frame), i)
            render_s[0] += time.perf_counter() - start
            yield frame
            if progress is not None:
                progress(0.05 + 0.95 * done / len(order))

    if progress is not None:
        progress(0.05)
    audio = None
    if options.speech is not None:
        audio = AudioTrack(options.speech.audio, options.speech.sample_rate)
    meta = provenance(
        preset=preset.name,
        seed=options.seed,
        software=f"Keepsake {__version__}",
        created_utc=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        loop=options.loop,
        intensity=options.intensity,
        speech="synthetic or recorded line" if options.speech is not None else "none",
        visible_label=options.label.enabled,
    )
    t2 = time.perf_counter()
    mp4 = encode_mp4(
        frames(),
        fps=options.fps,
        size=framing.size,
        audio=audio,
        metadata=meta,
        x264_preset=options.engine.x264_preset,
        crf=options.engine.crf,
        lead_frames=lead,
        trail_frames=trail,
    )
    total = time.perf_counter() - t2
    timings["render"] = render_s[0]
    timings["encode"] = total - render_s[0]
    report = None
    if inspector is not None:
        t3 = time.perf_counter()
        report = _self_check(
            inspector, performance, blinks, options, mp4, renderer.lids_behind_glasses()
        )
        timings["check"] = time.perf_counter() - t3
    timings["total"] = time.perf_counter() - t0
    return Clip(
        mp4,
        framing.size[0],
        framing.size[1],
        options.fps,
        frame_count,
        preset.name,
        options.seed,
        options.loop,
        audio is not None,
        tuple(warnings),
        timings,
        performance,
        report,
    )


def export_framings(analysis: Analysis, options: AnimateOptions) -> tuple[Framing, Framing]:
    """Where the photo goes in the exported frame (the options' format, else the preset's),
    and the framing it is rendered at.

    A photo smaller than the export is rendered at its own size and scaled up after:
    the same picture for a fraction of the work.
    """
    fmt = options.format or preset_named(options.preset).format
    faces = [f for f in analysis.faces if not f.too_small]
    framing = plan_framing(
        analysis.image_size, [f.box for f in faces], fmt, options.engine.max_short_side_px
    )
    if framing.scale <= 1.0:
        return framing, framing
    x0, y0, x1, y1 = framing.crop
    rw, rh = max(2, round(x1 - x0)), max(2, round(y1 - y0))
    return framing, dataclasses.replace(framing, content=(0, 0, rw, rh))


def clip_caption(image_rgb: np.ndarray, analysis: Analysis, options: AnimateOptions):  # type: ignore[no-untyped-def]
    """The caption exactly as ``animate_photo`` lays it out for this photo and these options,
    without rendering: for burning a caption into a clip that was made without one."""
    framing, render_framing = export_framings(analysis, options)
    _, local = reframe(image_rgb, analysis, render_framing)
    return _caption(options, framing, render_framing, local, Label(framing.size, options.label))


def _caption(options, framing: Framing, render_framing: Framing, local: Analysis, label: Label):  # type: ignore[no-untyped-def]
    """The caption laid out in the exported frame, clear of the faces and of the AI mark."""
    if options.caption is None:
        return None
    from engine_edge.caption import Caption

    x, y, w, _ = framing.content
    k = w / render_framing.content[2]
    faces = [
        (x + f.box[0] * k, y + f.box[1] * k, x + f.box[2] * k, y + f.box[3] * k)
        for f in local.faces
    ]
    ys, xs = label.slices
    mark = [(float(xs.start), float(ys.start), float(xs.stop), float(ys.stop))]
    if not options.label.enabled:
        mark = []
    return Caption(options.caption, framing.size, options.fps, faces=faces, avoid=mark)


def planned_blink_frames(performance: Performance) -> list[list[int]]:
    """Per face, the frames where the plan has both eyes fully shut (one per blink)."""
    per_face = []
    for track in performance.faces:
        shut = np.minimum(track.lid_left, track.lid_right) >= 0.95
        starts = np.flatnonzero(shut & ~np.r_[False, shut[:-1]])
        per_face.append([int(i) for i in starts])
    return per_face


def _self_check(  # type: ignore[no-untyped-def]
    inspector,
    performance: Performance,
    blinks: list[list[int]],
    options: AnimateOptions,
    mp4: bytes,
    lids_hidden: list[bool],
):
    from engine_edge.check import review
    from engine_edge.check.loudness import frame_loudness

    loudness = None
    if options.speech is not None:
        s = options.speech
        loudness = frame_loudness(s.audio, s.sample_rate, performance.fps, performance.frame_count)
    wrap = None
    if options.loop:
        from engine_edge.check.wrap import loop_wrap

        wrap = loop_wrap(seam_thumbnail(rgb) for _, rgb in decode_frames(mp4))
    report = review(
        inspector.in_frame_order(),
        performance.fps,
        planned_blinks=blinks,
        loudness=loudness,
        wrap=wrap,
        lids_hidden=lids_hidden,
    )
    log.log(logging.DEBUG if report.passed else logging.WARNING, "%s", report.summary())
    return report


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise RenderCancelled("The animation was cancelled.")


def _place(content: np.ndarray, framing: Framing, fill: np.ndarray | None) -> np.ndarray:
    """The content on its fill; both grey planes, or both RGB (a grey one made three)."""
    if fill is None:
        return content
    if content.ndim != fill.ndim:
        from engine_edge.render import as_rgb

        content, fill = as_rgb(content), as_rgb(fill)
    x, y, w, h = framing.content
    canvas = fill.copy()
    canvas[y : y + h, x : x + w] = content
    return canvas


def reframe(image: np.ndarray, analysis: Analysis, framing: Framing) -> tuple[np.ndarray, Analysis]:
    """Crop and scale the photo (and its analysis) to the content area of the export."""
    x0, y0, x1, y1 = framing.crop
    _, _, cw, ch = framing.content
    s = framing.scale
    m = np.array([[s, 0, -x0 * s], [0, s, -y0 * s]], dtype=np.float64)
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    photo = cv2.warpAffine(image, m, (cw, ch), flags=interp, borderMode=cv2.BORDER_REFLECT101)
    if s < 1:  # warpAffine has no area filter: resize the crop instead
        ix0, iy0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
        ix1, iy1 = min(image.shape[1], int(np.ceil(x1))), min(image.shape[0], int(np.ceil(y1)))
        sub = image[iy0:iy1, ix0:ix1]
        photo = cv2.resize(sub, (cw, ch), interpolation=cv2.INTER_AREA)
        m = np.array(
            [
                [cw / (ix1 - ix0), 0, -ix0 * cw / (ix1 - ix0)],
                [0, ch / (iy1 - iy0), -iy0 * ch / (iy1 - iy0)],
            ]
        )
    mask = analysis.person_mask
    if mask is not None and mask.size > 1:
        mask = cv2.warpAffine(
            mask.astype(np.float32),
            m,
            (cw, ch),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
    else:
        mask = np.zeros((ch, cw), np.float32)
    sx, sy = m[0, 0], m[1, 1]

    def pt(x: float, y: float) -> tuple[float, float]:
        return (x * sx + m[0, 2], y * sy + m[1, 2])

    faces = []
    for f in analysis.faces:
        lm = f.landmarks.astype(np.float32).copy()
        lm[:, 0] = lm[:, 0] * sx + m[0, 2]
        lm[:, 1] = lm[:, 1] * sy + m[1, 2]
        lm[:, 2] = lm[:, 2] * sx
        b = f.box
        faces.append(
            Face(
                (*pt(b[0], b[1]), *pt(b[2], b[3])),
                f.score,
                lm,
                pt(*f.iris_left),
                pt(*f.iris_right),
                HeadPose(f.pose.yaw_deg, f.pose.pitch_deg, f.pose.roll_deg),
                f.too_small,
            )
        )
    local = Analysis(
        (cw, ch),
        tuple(faces),
        mask,
        analysis.backend,
        analysis.precision,
        dict(analysis.timings_ms),
    )
    return np.ascontiguousarray(photo), local

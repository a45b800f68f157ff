"""Perform: a timeline of expression parameters at the output frame rate.

A performance is plain numbers per frame (lid closure per eye, gaze, head
angles, breath, smile, brows, mouth, camera), decided before any pixel moves,
so a clip is reproducible from (preset, seed) and the kiosk can replay the
same timeline live. Restraint is the default: amplitudes are small, blinks are
rare and brief, and in ``loop`` mode every curve is periodic over the clip
(the blink schedule included), so the last frame flows into the first.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine_edge.easing import smoothstep
from engine_edge.errors import KeepsakeError
from engine_edge.mouth import MouthTrack, SpokenLine

# Channels a preset drives; overrides scale them (0 switches one off).
CHANNELS = ("blink", "gaze", "head", "breath", "smile", "brows", "camera", "speech")


class PerformanceInvalid(KeepsakeError):
    """A preset name, channel override or timing value cannot be used."""


@dataclass(frozen=True)
class Preset:
    """The mood of a clip: how much and how fast each channel moves."""

    name: str
    seconds: float
    format: str
    head_limit_deg: float  # |yaw| and |pitch| never exceed this; roll stays under 60 % of it
    head_hz: tuple[float, float]  # band of the slow head sway
    blink_interval_s: tuple[float, float]
    gaze_eye_fraction: float  # saccade size as a fraction of the eye's width
    saccade_interval_s: tuple[float, float]
    smile: float  # peak smile 0..1
    brows: float  # peak brow raise 0..1
    breath: float  # chest rise as a fraction of face height
    push_in: float  # camera zoom gained over the clip (0.02 = 2 %)
    pan: float  # camera pan as a fraction of the frame
    parallax: float  # how much more the person moves than the background (0..1)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("memorial", 6.0, "original", 1.6, (0.05, 0.16), (3.4, 5.0), 0.035, (1.8, 3.2),
               0.12, 0.0, 0.012, 0.0, 0.0, 0.0),
        Preset("birthday", 6.0, "square", 3.5, (0.08, 0.3), (2.8, 4.2), 0.05, (1.2, 2.4),
               0.55, 0.35, 0.014, 0.025, 0.006, 0.6),
        Preset("anniversary", 6.0, "landscape", 2.5, (0.06, 0.2), (3.0, 4.6), 0.04, (1.5, 2.8),
               0.35, 0.15, 0.013, 0.03, 0.008, 0.5),
        Preset("social", 5.0, "vertical", 3.5, (0.1, 0.35), (2.6, 4.0), 0.05, (1.0, 2.0),
               0.4, 0.3, 0.014, 0.03, 0.008, 0.8),
    )
}  # fmt: skip


@dataclass(frozen=True)
class FaceTrack:
    """Per-frame curves of one face (arrays of length frame_count, float32)."""

    lid_left: np.ndarray  # closure 0 open .. 1 fully closed (person's left eye)
    lid_right: np.ndarray
    gaze_x: np.ndarray  # iris shift as a fraction of the eye's width, relative to the head
    gaze_y: np.ndarray
    yaw_deg: np.ndarray
    pitch_deg: np.ndarray
    roll_deg: np.ndarray
    smile: np.ndarray  # 0..1
    brows: np.ndarray  # 0..1 raise
    breath: np.ndarray  # 0 exhaled .. 1 inhaled
    breath_px_per_face_h: float  # chest rise at full inhale, as a fraction of face height
    mouth: MouthTrack


@dataclass(frozen=True)
class CameraTrack:
    """Slow camera drift; the person (nearer) moves by ``1 + parallax`` times the background."""

    zoom: np.ndarray  # background scale, >= 1
    pan_x: np.ndarray  # background shift as a fraction of the frame width
    pan_y: np.ndarray
    parallax: float


@dataclass(frozen=True)
class FaceParams:
    """One face in one frame: what the rig needs to deform it."""

    lid_left: float = 0.0
    lid_right: float = 0.0
    gaze_x: float = 0.0
    gaze_y: float = 0.0
    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    roll_deg: float = 0.0
    smile: float = 0.0
    brows: float = 0.0
    breath: float = 0.0
    breath_px_per_face_h: float = 0.0
    jaw_open: float = 0.0
    lip_width: float = 0.0
    lip_round: float = 0.0
    upper_lip_raise: float = 0.0
    teeth_show: float = 0.0


@dataclass(frozen=True)
class CameraParams:
    zoom: float = 1.0
    pan_x: float = 0.0
    pan_y: float = 0.0
    parallax: float = 0.0

    def layer(self, nearness: float) -> tuple[float, float, float]:
        """(scale, pan_x, pan_y) of a layer: 0 = background, 1 = the person."""
        gain = 1.0 + self.parallax * nearness
        return 1.0 + (self.zoom - 1.0) * gain, self.pan_x * gain, self.pan_y * gain


@dataclass(frozen=True)
class FrameParams:
    faces: tuple[FaceParams, ...]
    camera: CameraParams


@dataclass(frozen=True)
class Performance:
    fps: float
    frame_count: int
    loop: bool
    preset: str
    seed: int
    intensity: float
    faces: tuple[FaceTrack, ...]
    camera: CameraTrack

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps

    def frame(self, index: int) -> FrameParams:
        faces = []
        for f in self.faces:
            m = f.mouth
            faces.append(
                FaceParams(
                    float(f.lid_left[index]),
                    float(f.lid_right[index]),
                    float(f.gaze_x[index]),
                    float(f.gaze_y[index]),
                    float(f.yaw_deg[index]),
                    float(f.pitch_deg[index]),
                    float(f.roll_deg[index]),
                    float(f.smile[index]),
                    float(f.brows[index]),
                    float(f.breath[index]),
                    f.breath_px_per_face_h,
                    float(m.jaw_open[index]),
                    float(m.lip_width[index]),
                    float(m.lip_round[index]),
                    float(m.upper_lip_raise[index]),
                    float(m.teeth_show[index]),
                )
            )
        c = self.camera
        cam = CameraParams(
            float(c.zoom[index]), float(c.pan_x[index]), float(c.pan_y[index]), c.parallax
        )
        return FrameParams(tuple(faces), cam)


def preset_named(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise PerformanceInvalid(
            f"Unknown mood {name!r}; choose one of: {', '.join(PRESETS)}."
        ) from None


def clip_frame_count(seconds: float, fps: float, speech: SpokenLine | None, tail_s: float) -> int:
    """Frames in a clip: the preset's length, or the spoken line plus a short tail if longer."""
    if not (0.5 <= seconds <= 60.0):
        raise PerformanceInvalid(f"A clip must last 0.5 to 60 seconds, not {seconds:g}.")
    if not (5.0 <= fps <= 60.0):
        raise PerformanceInvalid(f"The frame rate must be 5 to 60 fps, not {fps:g}.")
    duration = seconds if speech is None else max(seconds, speech.duration_s + tail_s)
    return max(2, round(duration * fps))


def perform(
    face_count: int,
    *,
    preset: str = "memorial",
    frame_count: int,
    fps: float = 30.0,
    loop: bool = False,
    seed: int = 0,
    intensity: float = 1.0,
    overrides: Mapping[str, float] | None = None,
    abilities: Sequence[frozenset[str]] | None = None,
    speech: SpokenLine | None = None,
    speaking_face: int = 0,
) -> Performance:
    """Build the timeline of a clip.

    ``abilities`` lists, per face, the channels that stay believable for it
    (a profile face gets no blink or gaze, a cut-off face no head turn...);
    ``overrides`` scales channels (``{"smile": 0, "head": 0.5}``).
    """
    p = preset_named(preset)
    if not (0.0 <= intensity <= 1.0):
        raise PerformanceInvalid(f"Intensity must be between 0 and 1, not {intensity:g}.")
    gains = {c: 1.0 for c in CHANNELS}
    for name, value in (overrides or {}).items():
        if name not in gains:
            raise PerformanceInvalid(
                f"Unknown motion channel {name!r}; channels are: {', '.join(CHANNELS)}."
            )
        if not (0.0 <= value <= 2.0):
            raise PerformanceInvalid(f"Channel {name} must be scaled by 0 to 2, not {value:g}.")
        gains[name] = float(value)
    t = np.arange(frame_count, dtype=np.float64) / fps
    span_s = frame_count / fps
    root = np.random.SeedSequence(seed)
    face_seeds, camera_seed = root.spawn(face_count), root.spawn(1)[0]
    taken_blinks: list[float] = []
    faces = []
    for k in range(face_count):
        able = abilities[k] if abilities is not None else frozenset(CHANNELS)
        gain = {c: (gains[c] if c in able else 0.0) for c in CHANNELS}
        mouth = _mouth_for(speech if k == speaking_face else None, frame_count, fps, gain)
        faces.append(
            _face_track(
                np.random.default_rng(face_seeds[k]),
                p,
                t,
                span_s,
                fps,
                loop,
                intensity,
                gain,
                taken_blinks,
                mouth,
            )
        )
    if face_count == 0 and p.push_in == 0:
        # Nothing else will move: a still mood still gets the gentlest drift.
        p = dataclasses.replace(p, push_in=0.015, pan=0.003, parallax=0.5)
    camera = _camera_track(
        np.random.default_rng(camera_seed), p, t, span_s, loop, intensity * gains["camera"]
    )
    return Performance(fps, frame_count, loop, p.name, seed, intensity, tuple(faces), camera)


def _f32(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32)


def _face_track(
    rng: np.random.Generator,
    p: Preset,
    t: np.ndarray,
    span_s: float,
    fps: float,
    loop: bool,
    intensity: float,
    gain: dict[str, float],
    taken_blinks: list[float],
    mouth: MouthTrack,
) -> FaceTrack:
    speaking = bool(np.any(mouth.jaw_open > 0.05))
    # Blinks: the same schedule for both eyes, the right eye a few ms late (real blinks are
    # slightly asymmetric); closure always full, only their presence follows the gain.
    lids = (np.zeros_like(t), np.zeros_like(t))
    if gain["blink"] > 0:
        starts = _blink_starts(rng, p.blink_interval_s, span_s, loop, taken_blinks)
        for start in starts:
            close_s, open_s = rng.uniform(0.07, 0.09), rng.uniform(0.15, 0.2)
            hold_s = 1.0 / fps + 0.01  # at least one frame lands on full closure
            lag_s = rng.uniform(0.0, 0.012)
            for eye, lag in zip(lids, (0.0, lag_s), strict=True):
                curve = _blink_curve(t, start + lag, close_s, hold_s, open_s, span_s, loop)
                np.maximum(eye, curve, out=eye)
    head = intensity * gain["head"]
    limit = p.head_limit_deg
    yaw = limit * 0.9 * head * _sway(rng, t, span_s, loop, p.head_hz)
    pitch = limit * 0.6 * head * _sway(rng, t, span_s, loop, p.head_hz)
    roll = limit * 0.4 * head * _sway(rng, t, span_s, loop, p.head_hz)
    if speaking:  # small nods carried by the voice
        pitch = pitch + head * mouth.head_nod_deg
    pitch = np.clip(pitch, -limit, limit)
    gaze_x, gaze_y = _saccades(rng, t, span_s, loop, p, intensity * gain["gaze"])
    smile_level = p.smile * intensity * gain["smile"] * (0.5 if speaking else 1.0)
    smile = smile_level * _swell(rng, t, span_s, loop) + 0.3 * gain["smile"] * mouth.cheek_raise
    brows = p.brows * intensity * gain["brows"] * _swell(rng, t, span_s, loop)
    brows = np.maximum(brows, 0.6 * gain["brows"] * mouth.brow_raise)
    breath = _breath(rng, t, span_s, loop)
    return FaceTrack(
        _f32(lids[0]),
        _f32(lids[1]),
        _f32(gaze_x),
        _f32(gaze_y),
        _f32(yaw),
        _f32(pitch),
        _f32(roll),
        _f32(smile),
        _f32(brows),
        _f32(breath),
        p.breath * intensity * gain["breath"],
        mouth,
    )


def _blink_starts(
    rng: np.random.Generator,
    interval_s: tuple[float, float],
    span_s: float,
    loop: bool,
    taken: list[float],
) -> list[float]:
    """Irregular blink times; never within half a second of another face's blink."""
    lo, hi = interval_s
    if loop:
        # Evenly spread with jitter so the gap across the seam is an ordinary interval too.
        count = max(1, round(span_s / ((lo + hi) / 2)))
        step = span_s / count
        phase = rng.uniform(0, step)
        starts = [
            (phase + i * step + rng.uniform(-0.15, 0.15) * step) % span_s for i in range(count)
        ]
    else:
        starts, when = [], rng.uniform(0.5, min(2.2, max(0.6, span_s - 0.5)))
        while when < span_s - 0.45:
            starts.append(when)
            when += rng.uniform(lo, hi)
    chosen = []
    for s in starts:
        for _ in range(8):
            if all(_gap(s, o, span_s, loop) >= 0.5 for o in taken):
                break
            s = s + 0.55
            if loop:
                s %= span_s
        if (loop or s < span_s - 0.45) and all(_gap(s, o, span_s, loop) >= 0.5 for o in taken):
            chosen.append(s)
            taken.append(s)
    return chosen


def _gap(a: float, b: float, span_s: float, loop: bool) -> float:
    d = abs(a - b)
    return min(d, span_s - d) if loop else d


def _blink_curve(
    t: np.ndarray,
    start: float,
    close_s: float,
    hold_s: float,
    open_s: float,
    span: float,
    loop: bool,
) -> np.ndarray:
    """Fast ease-in close, a brief full closure, slower ease-out opening."""
    u = (t - start) % span if loop else t - start
    c = np.zeros_like(t)
    closing = (u >= 0) & (u < close_s)
    c[closing] = smoothstep(u[closing] / close_s)
    c[(u >= close_s) & (u < close_s + hold_s)] = 1.0
    opening = (u >= close_s + hold_s) & (u < close_s + hold_s + open_s)
    c[opening] = 1.0 - smoothstep((u[opening] - close_s - hold_s) / open_s)
    return c


def _frequency(f_hz: float, span_s: float, loop: bool) -> float:
    """In a loop every frequency is a whole number of cycles over the clip."""
    return max(1, round(f_hz * span_s)) / span_s if loop else f_hz


def _sway(
    rng: np.random.Generator, t: np.ndarray, span_s: float, loop: bool, band_hz: tuple[float, float]
) -> np.ndarray:
    """Slow smooth motion in -1..1: three sinusoids of random phase, normalised to peak 1.

    A clip (not a loop) starts at 0, so its first frame is the photo as it was taken.
    """
    x = np.zeros_like(t)
    for weight in (1.0, 0.6, 0.35):
        f = _frequency(rng.uniform(*band_hz), span_s, loop)
        x += weight * np.sin(2 * math.pi * f * t + rng.uniform(0, 2 * math.pi))
    if not loop:  # a clip starts from the pose of the photo itself
        x -= x[0]
    peak = float(np.max(np.abs(x)))
    return x / peak if peak > 1e-9 else x


def _swell(rng: np.random.Generator, t: np.ndarray, span_s: float, loop: bool) -> np.ndarray:
    """An expression that grows softly and stays (or, in a loop, ebbs and returns)."""
    if loop:
        phase = rng.uniform(0, 2 * math.pi)
        return 0.5 - 0.5 * np.cos(2 * math.pi * t / span_s + phase)
    onset = rng.uniform(0.15, 0.35) * span_s
    return smoothstep((t - onset) / max(0.2 * span_s, 0.8))


def _breath(rng: np.random.Generator, t: np.ndarray, span_s: float, loop: bool) -> np.ndarray:
    """Quiet breathing at 12-20 breaths a minute (about 0.25 Hz), inhale 0..1."""
    f = rng.uniform(0.22, 0.3)
    if loop:
        f = min(max(round(f * span_s), 1), max(1, math.floor(0.34 * span_s))) / span_s
    phase = rng.uniform(0, 2 * math.pi) if loop else 0.0  # a clip starts as the photo
    return 0.5 - 0.5 * np.cos(2 * math.pi * f * t + phase)


def _saccades(
    rng: np.random.Generator, t: np.ndarray, span_s: float, loop: bool, p: Preset, amount: float
) -> tuple[np.ndarray, np.ndarray]:
    """Small quick gaze jumps (about 50 ms) between fixations, back to centre at a loop's end."""
    gx, gy = np.zeros_like(t), np.zeros_like(t)
    if amount <= 0:
        return gx, gy
    amp = p.gaze_eye_fraction * amount
    when, prev = rng.uniform(*p.saccade_interval_s) * 0.5, (0.0, 0.0)
    jumps: list[tuple[float, tuple[float, float]]] = []
    while when < span_s - (0.6 if loop else 0.2):
        target = (rng.uniform(-amp, amp), rng.uniform(-0.4 * amp, 0.4 * amp))
        jumps.append((when, target))
        when += rng.uniform(*p.saccade_interval_s)
    if loop and jumps:
        jumps.append((span_s - 0.3, (0.0, 0.0)))
    for when, target in jumps:
        step = smoothstep((t - when) / 0.05)
        gx += (target[0] - prev[0]) * step
        gy += (target[1] - prev[1]) * step
        prev = target
    return gx, gy


def _camera_track(
    rng: np.random.Generator, p: Preset, t: np.ndarray, span_s: float, loop: bool, amount: float
) -> CameraTrack:
    if loop:  # push in and ease back out, pan out and back
        cycle = 0.5 - 0.5 * np.cos(2 * math.pi * t / span_s)
        zoom = 1.0 + p.push_in * amount * cycle
        angle = rng.uniform(0, 2 * math.pi)
        pan_x = p.pan * amount * math.cos(angle) * cycle
        pan_y = p.pan * amount * math.sin(angle) * cycle * 0.5
    else:  # one slow eased push-in with a gentle pan
        ramp = smoothstep(t / span_s) * 0.6 + 0.4 * t / span_s
        zoom = 1.0 + p.push_in * amount * ramp
        angle = rng.uniform(0, 2 * math.pi)
        pan_x = p.pan * amount * math.cos(angle) * ramp
        pan_y = p.pan * amount * math.sin(angle) * ramp * 0.5
    return CameraTrack(_f32(zoom), _f32(pan_x), _f32(pan_y), p.parallax * min(1.0, amount * 2))


def _mouth_for(
    speech: SpokenLine | None, frame_count: int, fps: float, gain: dict[str, float]
) -> MouthTrack:
    """The spoken line's mouth, padded with closed, still lips to the clip's length."""
    if speech is None or gain["speech"] <= 0:
        return MouthTrack.silent(frame_count, fps)
    m = speech.mouth
    if abs(m.fps - fps) > 1e-6:
        raise PerformanceInvalid(
            f"The spoken line is timed at {m.fps:g} fps but the clip runs at {fps:g} fps."
        )
    scale = min(1.0, gain["speech"])

    def fit(a: np.ndarray) -> np.ndarray:
        out = np.zeros(frame_count, dtype=np.float32)
        n = min(frame_count, a.shape[0])
        out[:n] = a[:n]
        return out

    names = (
        "jaw_open",
        "lip_width",
        "lip_round",
        "upper_lip_raise",
        "teeth_show",
        "chin_raise",
        "cheek_raise",
        "brow_raise",
        "head_nod_deg",
    )
    fitted = {n: fit(getattr(m, n)) * scale for n in names if hasattr(m, n)}
    return dataclasses.replace(m, fps=fps, **fitted)

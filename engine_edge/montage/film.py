"""Cut the film: shots (caption cards and clips) joined by cross-fades, streamed to the encoder.

A shot is a frame count and a way to produce its frames (again, when asked).
Consecutive shots overlap by one cross-fade. With ``loop`` the film starts
just after the first shot's opening and ends by fading into it, so the last
frame flows into the first.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from engine_edge.caption import CaptionStyle, set_text
from engine_edge.errors import KeepsakeError
from engine_edge.montage.music import mix, music_bed

SAMPLE_RATE = 48000
CARD_BACKGROUND = (28, 25, 22)  # warm near-black


class FilmInvalid(KeepsakeError):
    """The film cannot be made from what was given."""


# A film is cut from slow, calm shots, so x264 needs little look-ahead: 5 frames (veryfast's
# 10 are each a 1080p picture with its half-pel planes) and no separate look-ahead thread take
# a 10-portrait 1080p film's process from 644 to 573 MB at its peak.
FILM_X264_PARAMS = "rc-lookahead=5:sync-lookahead=0"


@dataclass(frozen=True)
class Piece:
    """One portrait of the film: its encoded clip and an optional caption card before it."""

    clip: bytes
    caption: str | None = None


@dataclass(frozen=True)
class FilmOptions:
    size: tuple[int, int] = (1920, 1080)
    fps: float = 30.0
    crossfade_s: float = 0.8
    card_s: float = 3.0
    loop: bool = False
    x264_preset: str = "veryfast"
    crf: int = 20


@dataclass(frozen=True)
class Shot:
    frame_count: int
    frames: Callable[[], Iterator[np.ndarray]]
    audio: np.ndarray | None = None  # mono float32 at SAMPLE_RATE, from the shot's start


def make_film(
    pieces: Sequence[Piece],
    options: FilmOptions,
    *,
    music: tuple[np.ndarray, int] | None = None,
    metadata: dict[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> bytes:
    """Encode the film (H.264 + AAC, faststart) and return its bytes."""
    from engine_edge.deliver import AudioTrack, encode_mp4
    from engine_edge.speech.audio import resample

    if not pieces:
        raise FilmInvalid("A tribute film needs at least one portrait.")
    fade = max(1, round(options.crossfade_s * options.fps))
    shots: list[Shot] = []
    for piece in pieces:
        if piece.caption:
            shots.append(_card(piece.caption, options, fade))
        shots.append(_clip_shot(piece.clip, options, fade))
    if options.loop and len(shots) == 1:
        raise FilmInvalid("A looping film needs at least two shots (a card or a second clip).")
    starts, total = _timeline([s.frame_count for s in shots], fade, options.loop)
    voices = np.zeros(round(total / options.fps * SAMPLE_RATE) + 1, np.float32)
    for shot, start in zip(shots, starts, strict=True):
        if shot.audio is not None:
            _place_audio(voices, shot.audio, round(start / options.fps * SAMPLE_RATE))
    sound = voices
    if music is not None:
        samples, rate = music
        bed = music_bed(resample(samples, rate, SAMPLE_RATE), SAMPLE_RATE, voices.size, voices)
        sound = mix(bed, voices, SAMPLE_RATE)
    audio = AudioTrack(sound, SAMPLE_RATE) if np.any(sound) else None
    frames = _cut(shots, fade, options.loop)
    if progress is not None:
        frames = _counting(frames, total, progress)
    return encode_mp4(
        frames,
        fps=options.fps,
        size=options.size,
        audio=audio,
        metadata=metadata,
        x264_preset=options.x264_preset,
        crf=options.crf,
        x264_params=FILM_X264_PARAMS,
    )


def _timeline(counts: list[int], fade: int, loop: bool) -> tuple[list[int], int]:
    """Each shot's first frame in film time, and the film's length in frames.

    In a loop, film time 0 is the first shot's frame ``fade`` (its first frames
    close the film), so that shot starts at ``-fade``; either way the film ends
    with the last shot's last frame.
    """
    starts, t = [], -fade if loop else 0
    for count in counts:
        starts.append(t)
        t += count - fade
    return starts, t + fade


def _place_audio(track: np.ndarray, audio: np.ndarray, start: int) -> None:
    """Add ``audio`` at ``start`` (wrapping round the end: loops start mid-shot)."""
    n = track.size
    idx = (np.arange(audio.size) + start) % n
    np.add.at(track, idx, audio[: audio.size])


def _cut(shots: Sequence[Shot], fade: int, loop: bool) -> Iterator[np.ndarray]:
    """Stream the shots, two at a time inside a cross-fade; no frame is held.

    Each shot knows its length, so the outgoing shot's last ``fade`` frames are
    blended with the incoming shot's first ``fade`` as both are decoded. A loop
    skips the first shot's opening and ends by fading into a fresh decode of it.
    """
    frames = shots[0].frames()
    own = shots[0].frame_count
    if loop:
        for _ in range(fade):
            next(frames)
        own -= fade
    for index in range(len(shots)):
        last = index == len(shots) - 1
        if last and not loop:
            yield from itertools.islice(frames, own)
            return
        for _ in range(own - fade):
            yield next(frames)
        incoming = shots[0 if last else index + 1].frames()
        for k in range(fade):
            w = (k + 1) / (fade + 1)
            w = w * w * (3 - 2 * w)  # ease in and out
            yield cv2.addWeighted(next(frames), 1 - w, next(incoming), w, 0.0)
        if not last:
            frames = incoming
            own = shots[index + 1].frame_count - fade


def _counting(
    frames: Iterator[np.ndarray], total: int, progress: Callable[[float], None]
) -> Iterator[np.ndarray]:
    for i, frame in enumerate(frames, start=1):
        yield frame
        progress(i / total)


def _card(text: str, options: FilmOptions, fade: int) -> Shot:
    """A caption card: the words, large and centred, on a warm dark ground."""
    w, h = options.size
    rgba = set_text(text, options.size, CaptionStyle(size_frac=0.055, scrim_opacity=0.0))
    card = np.empty((h, w, 3), np.uint8)
    card[:] = CARD_BACKGROUND
    th, tw = rgba.shape[:2]
    y, x = (h - th) // 2, (w - tw) // 2
    region = card[y : y + th, x : x + tw].astype(np.float32)
    alpha = rgba[..., 3:4]
    card[y : y + th, x : x + tw] = (region * (1 - alpha) + rgba[..., :3] * alpha).astype(np.uint8)
    count = max(2 * fade + 1, round(options.card_s * options.fps))

    def frames() -> Iterator[np.ndarray]:
        for _ in range(count):
            yield card

    return Shot(count, frames)


def _clip_shot(clip: bytes, options: FilmOptions, fade: int) -> Shot:
    """A portrait's clip, fitted into the film's frame over a blurred copy of itself."""
    import av

    try:
        with av.open(io.BytesIO(clip), mode="r") as c:
            if not c.streams.video:
                raise FilmInvalid("One of the portraits has no video.")
            stream = c.streams.video[0]
            count = sum(1 for p in c.demux(stream) if p.size)
            rate = float(stream.average_rate or options.fps)
        audio = clip_audio(clip)
    except av.FFmpegError as exc:
        raise FilmInvalid(f"One of the portraits cannot be read ({exc}).") from exc
    film_count = max(1, round(count / rate * options.fps))
    if film_count < 2 * fade + 1:
        raise FilmInvalid(
            f"A portrait is only {count / rate:.1f} s long; the film needs at least "
            f"{(2 * fade + 1) / options.fps:.1f} s per portrait."
        )

    def frames() -> Iterator[np.ndarray]:
        from engine_edge.deliver import decode_frames

        fit = None
        shown = 0
        for i, frame in decode_frames(clip):
            if fit is None:
                fit = _Fit(frame, options.size)
            # resample the clip's rate to the film's by repeating or dropping frames
            while shown < film_count and int(shown / options.fps * rate + 1e-6) <= i:
                yield fit(frame)
                shown += 1
        while fit is not None and shown < film_count:
            yield fit(frame)
            shown += 1

    return Shot(film_count, frames, audio)


def clip_audio(clip: bytes) -> np.ndarray | None:
    """A clip's sound as mono float32 at SAMPLE_RATE, or None when it is silent (no track)."""
    from engine_edge.deliver import decode_sound

    sound = decode_sound(clip, SAMPLE_RATE)
    return sound[0] if sound is not None and sound[0].size else None


class _Fit:
    """Scale a clip's frames to fit the film's frame; the rest is its own blurred, dim copy."""

    def __init__(self, first: np.ndarray, size: tuple[int, int]) -> None:
        w, h = size
        fh, fw = first.shape[:2]
        self.scale = min(w / fw, h / fh)
        self.inner = (max(2, round(fw * self.scale)), max(2, round(fh * self.scale)))
        self.at = ((w - self.inner[0]) // 2, (h - self.inner[1]) // 2)
        cover = max(w / fw, h / fh)
        small = cv2.resize(first, None, fx=cover / 8, fy=cover / 8, interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(small, (0, 0), 3)
        big = cv2.resize(small, None, fx=8, fy=8, interpolation=cv2.INTER_LINEAR)
        y0, x0 = (big.shape[0] - h) // 2, (big.shape[1] - w) // 2
        self.ground = (big[y0 : y0 + h, x0 : x0 + w].astype(np.float32) * 0.4).astype(np.uint8)
        self.ground = np.ascontiguousarray(cv2.resize(self.ground, (w, h)))

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        if self.inner != frame.shape[1::-1]:
            interp = cv2.INTER_AREA if self.scale < 1 else cv2.INTER_CUBIC
            frame = cv2.resize(frame, self.inner, interpolation=interp)
        if self.inner == self.ground.shape[1::-1]:
            return frame
        canvas = self.ground.copy()
        x, y = self.at
        canvas[y : y + self.inner[1], x : x + self.inner[0]] = frame
        return canvas


def film_metadata(*, portraits: int, loop: bool, music: bool) -> dict[str, str]:
    """The film's provenance (engine_edge.deliver.provenance): AI-animated portraits, no names."""
    from datetime import datetime

    from engine_edge import __version__
    from engine_edge.compat import UTC
    from engine_edge.deliver import provenance

    return provenance(
        preset="tribute film",
        seed=0,
        software=f"Keepsake {__version__}",
        created_utc=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        portraits=portraits,
        loop=loop,
        music="yes" if music else "none",
    )
